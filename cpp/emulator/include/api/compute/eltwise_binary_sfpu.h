// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/eltwise_binary_sfpu.h: SFPU add / sub / mul of two DEST tiles.
// mul_binary_tile rounds to nearest even into a 16-bit DEST (ckernel_sfpu_binary.h); add/sub only with
// DstRoundingMode::NearestEven.
#pragma once
#include "api/compute/common_globals.h"

namespace ckernel {
ALWI void add_binary_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::ADD_BINARY); }
ALWI void sub_binary_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::SUB_BINARY); }
ALWI void mul_binary_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::MUL_BINARY); }
template <DstRoundingMode dst_rounding_mode = DstRoundingMode::Default, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void add_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    api().sfpu_binary(tensix_emu::SfpuOp::ADD_BINARY, idst0, idst1, odst,
                      dst_rounding_mode == DstRoundingMode::NearestEven, "add_binary_tile");
}
template <DstRoundingMode dst_rounding_mode = DstRoundingMode::Default, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sub_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    api().sfpu_binary(tensix_emu::SfpuOp::SUB_BINARY, idst0, idst1, odst,
                      dst_rounding_mode == DstRoundingMode::NearestEven, "sub_binary_tile");
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void mul_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    api().sfpu_binary(tensix_emu::SfpuOp::MUL_BINARY, idst0, idst1, odst, true, "mul_binary_tile");
}
}  // namespace ckernel
