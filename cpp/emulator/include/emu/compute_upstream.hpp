// SPDX-License-Identifier: Apache-2.0
//
// Compute calls of the tt-metal 0.81 kernel API that ttnn 0.81's own kernels and kernel_lib helpers use beyond
// the project's kernels, built on the emulator's existing compute calls (emu/compute_api.hpp) and the JIT's per-CB
// tables. Included for every compute kernel by the JIT-generated prelude, so that kernel_lib templates, which
// name these calls at their definition, find them.
#pragma once
#include <cstdint>

#include "emu/compute_api.hpp"
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

// ---- pack untilize (api/compute/pack_untilize.h): "On non-Blackhole architectures this behaves the same as
// pack_untilize_init" ----
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void pack_untilize_init_skip_remap(uint32_t icb, uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    pack_untilize_init<block_ct_dim, full_ct_dim, is_fp32_dest_acc_en>(icb, ocb, call_line);
}

// ---- fast untilize (api/compute/experimental/fast_untilize.h): Blackhole only; kernel_lib selects it only
// under ARCH_BLACKHOLE, which the emulator's JIT does not define. Declared so kernel_lib compiles; refused. ----
template <uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_untilize_init(uint32_t, uint32_t, uint32_t = __builtin_LINE()) {
    api().unsupported("fast_untilize_init (Blackhole-only experimental API)");
}
template <uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_untilize_init_skip_remap(uint32_t, uint32_t, uint32_t = __builtin_LINE()) {
    api().unsupported("fast_untilize_init_skip_remap (Blackhole-only experimental API)");
}
template <uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_untilize_block(uint32_t, uint32_t, uint32_t = 0) {
    api().unsupported("fast_untilize_block (Blackhole-only experimental API)");
}
template <uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_untilize_uninit(uint32_t) {
    api().unsupported("fast_untilize_uninit (Blackhole-only experimental API)");
}

// ---- exp (api/compute/eltwise_unary/exp.h) ----
/// tt-llk ckernel_defs.h: which rows/columns of faces an SFPU op covers; the emulator implements RC only.
enum class VectorMode { None = 0, R = 1, C = 2, RC = 4, RC_custom = 6, Invalid = 0xFF };
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
