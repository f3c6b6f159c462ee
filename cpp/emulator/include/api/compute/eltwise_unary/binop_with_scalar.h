// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/eltwise_unary/binop_with_scalar.h: SFPU x * s, x + s, x - s on a
// DEST tile with a float32 scalar passed as its bit pattern (SFPSTORE truncation into a 16-bit DEST).
#pragma once
#include "api/compute/common_globals.h"

namespace ckernel {
ALWI void binop_with_scalar_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::MUL_SCALAR); }
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void mul_unary_tile(uint32_t idst, uint32_t param1) {
    api().sfpu_op(tensix_emu::SfpuOp::MUL_SCALAR, idst, param1, "mul_unary_tile");
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void add_unary_tile(uint32_t idst, uint32_t param1) {
    api().sfpu_op(tensix_emu::SfpuOp::ADD_SCALAR, idst, param1, "add_unary_tile");
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sub_unary_tile(uint32_t idst, uint32_t param1) {
    api().sfpu_op(tensix_emu::SfpuOp::SUB_SCALAR, idst, param1, "sub_unary_tile");
}
}  // namespace ckernel
