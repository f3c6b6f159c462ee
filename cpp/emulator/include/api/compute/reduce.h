// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/reduce.h: reduce_init / reduce_tile / reduce_uninit (SUM, AVG,
// MAX over rows, columns or the whole tile, scaled by a scaler tile).
#pragma once
#include <cstdint>

#include "api/compute/common.h"

namespace ckernel {
template <PoolType reduce_type, ReduceDim reduce_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void reduce_init(uint32_t icb, uint32_t icb_scaler, uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    api().reduce_init(reduce_type, reduce_dim, icb, icb_scaler, ocb);
}
ALWI void reduce_uninit(uint32_t icb = 0) {
    (void)icb;
    api().reduce_uninit();
}
template <PoolType reduce_type, ReduceDim reduce_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void reduce_tile(uint32_t icb, uint32_t icb_scaler, uint32_t itile, uint32_t itile_scaler, uint32_t idst) {
    api().reduce_tile(reduce_type, reduce_dim, icb, icb_scaler, itile, itile_scaler, idst);
}
}  // namespace ckernel
