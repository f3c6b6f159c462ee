// Stand-in for tt-metal 0.81.1's ckernel_sfpu_sigmoid.h on TRISC2 only (tools/kernel_conformance).
// The real header is SFPI vector code (see ../sfpi/sfpi.h). compute_kernel_api.h's pack-thread
// helpers (sigmoid_tile_pack, ...) name these templates; declarations with the real template
// parameter lists let that code parse. Our kernels do not call the pack-thread SFPU helpers.
#pragma once

#include "ckernel.h"
#include "ckernel_defs.h"

namespace ckernel::sfpu {
template <bool APPROXIMATION_MODE, bool is_fp32_dest_acc_en, int ITERATIONS = 8>
void calculate_sigmoid();
template <bool APPROXIMATION_MODE>
void sigmoid_init();
}  // namespace ckernel::sfpu
