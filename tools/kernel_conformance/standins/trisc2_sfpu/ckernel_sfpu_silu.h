// Stand-in for tt-metal 0.81.1's ckernel_sfpu_silu.h on TRISC2 only; see ckernel_sfpu_sigmoid.h.
#pragma once

#include "ckernel.h"
#include "ckernel_defs.h"

namespace ckernel::sfpu {
template <bool is_fp32_dest_acc_en, int ITERATIONS>
void calculate_silu();
template <bool APPROXIMATION_MODE>
void silu_init();
}  // namespace ckernel::sfpu
