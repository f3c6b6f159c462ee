// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/pack.h: pack_tile (DEST -> a reserved page of a CB).
#pragma once
#include <cstdint>

#include "api/compute/common_globals.h"

namespace ckernel {
template <bool out_of_order_output = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void pack_tile(uint32_t ifrom_dst, uint32_t icb, uint32_t output_tile_index = 0) {
    api().pack_tile(ifrom_dst, icb, output_tile_index, out_of_order_output);
}
}  // namespace ckernel
