// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/sfpu_binary_bcast.h, the column-broadcast part: an SFPU binop of
// a DEST tile with column 0 of another DEST tile broadcast across the 32 columns, and the fused (x - mean) * inv_std.
// Both operands FP32 (the header: "compile with fp32_dest_acc_en = true"); sfpu_bcast_col_init's lane mask and
// replay recording must still be live (src/math/sfpu.hpp). The row-broadcast and scalar variants are not provided
// (a kernel using them does not compile against the emulator).
#pragma once
#include "api/compute/common_globals.h"

namespace ckernel {
ALWI void sfpu_bcast_col_init() { api().sfpu_bcast_col_init(); }
ALWI void sfpu_sub_bcast_col_init() { sfpu_bcast_col_init(); }
ALWI void sfpu_add_bcast_col_init() { sfpu_bcast_col_init(); }
ALWI void sfpu_mul_bcast_col_init() { sfpu_bcast_col_init(); }
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sfpu_sub_bcast_col(uint32_t dst_data_idx, uint32_t dst_col_vec_idx) {
    api().sfpu_bcast_col(tensix_emu::BinaryOp::SUB, dst_data_idx, dst_col_vec_idx, "sfpu_sub_bcast_col");
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sfpu_add_bcast_col(uint32_t dst_data_idx, uint32_t dst_col_vec_idx) {
    api().sfpu_bcast_col(tensix_emu::BinaryOp::ADD, dst_data_idx, dst_col_vec_idx, "sfpu_add_bcast_col");
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sfpu_mul_bcast_col(uint32_t dst_data_idx, uint32_t dst_col_vec_idx) {
    api().sfpu_bcast_col(tensix_emu::BinaryOp::MUL, dst_data_idx, dst_col_vec_idx, "sfpu_mul_bcast_col");
}
ALWI void sfpu_normalize_bcast_col(uint32_t dst_data_idx, uint32_t dst_mean_col_idx, uint32_t dst_inv_std_col_idx) {
    api().sfpu_normalize_bcast_col(dst_data_idx, dst_mean_col_idx, dst_inv_std_col_idx, "sfpu_normalize_bcast_col");
}
}  // namespace ckernel
