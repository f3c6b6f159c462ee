// Stand-in for tt-metal 0.81.1's ckernel_sfpu_tanh.h on TRISC2 only; see ckernel_sfpu_sigmoid.h.
#pragma once

#include "ckernel.h"
#include "ckernel_defs.h"

namespace ckernel::sfpu {
template <bool APPROXIMATION_MODE, bool is_fp32_dest_acc_en, int ITERATIONS>
void calculate_tanh();
template <bool APPROXIMATION_MODE, bool is_fp32_dest_acc_en>
void tanh_init();
}  // namespace ckernel::sfpu
