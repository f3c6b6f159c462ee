// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/eltwise_unary/addcmul.h: the ternary SFPU op
// DST[odst] = DST[idst0] + value * DST[idst1] * DST[idst2] (value: a float32 bit pattern), fp32 DEST only here
// (the 16-bit DEST store rounding is not modelled: the call is refused). Values: src/math/sfpu_functions.hpp.
#pragma once
#include "api/compute/common_globals.h"
#include "emu/data_format.hpp"

namespace ckernel {
ALWI void addcmul_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::ADDCMUL); }
template <DataFormat data_format, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void addcmul_tile(uint32_t idst0, uint32_t idst1, uint32_t idst2, uint32_t odst, uint32_t value) {
    // LLK ckernel_sfpu_addcmul.h static_assert: Float32, Float16_b or Bfp8_b.
    static_assert(data_format == DataFormat::Float32 || data_format == DataFormat::Float16_b ||
                      data_format == DataFormat::Bfp8_b,
                  "Unsupported data format for calculate_addcmul()");
    api().sfpu_addcmul(idst0, idst1, idst2, odst, value, "addcmul_tile");
}
}  // namespace ckernel
