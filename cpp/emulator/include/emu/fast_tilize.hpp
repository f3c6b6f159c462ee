// SPDX-License-Identifier: Apache-2.0
// fast_tilize_* of tt-metal 0.81 api/compute/tilize.h. They read the JIT's generated per-CB formats
// (unpack_src_format[], pack_dst_format[]), so api/compute/tilize.h includes this header only in a JIT build
// (EMU_GENERATED_PRELUDE, defined by the generated prelude).
#pragma once
#include <cstdint>

#include "api/compute/reconfig_data_format.h"
#include "api/compute/tilize.h"
#include "emu/ckernel_common.hpp"
#include "emu/upstream_prelude.hpp"

namespace ckernel {

namespace upstream_detail {
// WH fast tilize (tt-llk tt_llk_wormhole_b0/llk_lib/llk_math_fast_tilize.h, llk_pack_fast_tilize.h): "only
// DstSync::SyncHalf is supported"; a bf16 source keeps DEST 16-bit whatever the FP32 mode ("ignore FP32 dest mode
// (a HW quirk)" unless the unpacker's destination format is Tf32), so bf16 in -> bf16 out moves every bit
// unchanged, exactly as tilize_block. An fp32 source goes through Tf32 (mantissa truncated to 10 bits): not
// modelled, refused.
inline void check_fast_tilize(uint32_t icb, uint32_t ocb, const char* call) {
#if defined(DST_SYNC_MODE)
    if (DST_SYNC_MODE == DstSync::SyncFull) {
        api().unsupported("fast_tilize with dst_full_sync_en: the LLK supports DstSync::SyncHalf only "
                          "(tt-llk wormhole llk_math_fast_tilize.h)");
    }
#endif
    if (icb >= 32 || ocb >= 32 || unpack_src_format[icb] != int32_t(DataFormat::Float16_b) ||
        pack_dst_format[ocb] != int32_t(DataFormat::Float16_b)) {
        (void)call;
        api().unsupported("fast_tilize: the emulator models Float16_b -> Float16_b only (an Float32 source is "
                          "truncated to Tf32 by the LLK's fast path, not modelled)");
    }
}
}  // namespace upstream_detail

// ---- fast tilize (api/compute/tilize.h) ----
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_tilize_init(uint32_t icb, uint32_t full_dim, uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    upstream_detail::check_fast_tilize(icb, ocb, "fast_tilize_init");
    tilize_init<is_fp32_dest_acc_en>(icb, full_dim, ocb, call_line);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_tilize_init_skip_remap(uint32_t icb, uint32_t full_dim, uint32_t ocb,
                                      uint32_t call_line = __builtin_LINE()) {
    fast_tilize_init<is_fp32_dest_acc_en>(icb, full_dim, ocb, call_line);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_tilize_init_with_dt(uint32_t icb, uint32_t full_dim, uint32_t ocb) {
    reconfig_data_format(icb, icb);
    fast_tilize_init<is_fp32_dest_acc_en>(icb, full_dim, ocb);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t input_tile_index = 0,
                            uint32_t output_tile_index = 0) {
    upstream_detail::check_fast_tilize(icb, ocb, "fast_tilize_block");
    tilize_block<is_fp32_dest_acc_en>(icb, block, ocb, input_tile_index, output_tile_index);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_tilize_uninit(uint32_t icb, uint32_t ocb, uint32_t full_dim = 0) {
    (void)full_dim;
    tilize_uninit(icb, ocb);
}

}  // namespace ckernel
