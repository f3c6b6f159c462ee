// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/eltwise_unary/exp.h: the non-approximate exp (exp_tile_init,
// exp_tile); approximate and scaled variants are refused at compile time.
#pragma once
#include <cstdint>

#include "api/compute/common_globals.h"
#include "llk_defs.h"

namespace ckernel {
enum class InputClamping : uint8_t { ClampToNegative = 1, None = 0 };
template <bool approx = false, uint32_t scale = 0x3F800000, InputClamping input_clamping = InputClamping::ClampToNegative,
          bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void exp_tile_init() {
    static_assert(!approx, "emulator: exp_tile_init<approx = true> (the approximate exp) is not modelled");
    api().sfpu_init(tensix_emu::SfpuOp::EXP);
}
template <bool approx = false, bool scale_en = false, InputClamping input_clamping = InputClamping::ClampToNegative,
          int iterations = 8, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void exp_tile(uint32_t idst, VectorMode vector_mode = VectorMode::RC, uint16_t scale = 0x3F80) {
    static_assert(!approx && !scale_en && iterations == 8,
                  "emulator: exp_tile with approx, scale_en or iterations != 8 is not modelled");
    (void)scale;
    if (vector_mode != VectorMode::RC) {
        api().unsupported("exp_tile with a vector_mode other than VectorMode::RC");
    }
    api().sfpu_op(tensix_emu::SfpuOp::EXP, idst, 0, "exp_tile");
}

}  // namespace ckernel
