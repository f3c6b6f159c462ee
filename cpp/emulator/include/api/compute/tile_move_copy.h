// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/tile_move_copy.h: copy_init / copy_tile (a CB tile into DEST,
// through SrcA, or straight to DEST for a Float32 UnpackToDestFp32 CB with fp32 DEST). Transposes are refused.
#pragma once
#include <cstdint>

#include "api/compute/common_globals.h"
#include "api/compute/reconfig_data_format.h"

namespace ckernel {
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void copy_init(uint32_t cbid, uint32_t transpose = 0, uint32_t transpose_within_16x16_face = false,
                    uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    if (transpose || transpose_within_16x16_face) {
        api().unsupported("copy_init with transpose");
    }
    api().copy_init(cbid);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void copy_tile(uint32_t in_cb_id, uint32_t in_tile_index, uint32_t dst_tile_index) {
    api().copy_tile(in_cb_id, in_tile_index, dst_tile_index);
}
}  // namespace ckernel
