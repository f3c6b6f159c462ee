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

// ---- names ttnn kernel_lib's reduce helpers use on paths the emulator does not model (reduce_helpers_compute.inl:
// the SFPU reduce for Int32 / accurate Float32 / MIN, the accumulate-reload path that calls LLK functions
// directly). Declared with upstream's signatures so kernel_lib compiles; each refuses when reached. ----
enum class PackMode : uint32_t { Default = 0, Untilize = 1 };
enum class p_dim_stride_target : uint32_t { FACE_ROW_MAJOR = 0, ROW_MAJOR = 1, IGNORE = 2 };
#define EMU_REFUSE(NAME) api().unsupported(NAME " (used by ttnn kernel_lib on a path the emulator does not model)")
ALWI void add_int_tile_init() { EMU_REFUSE("add_int_tile_init"); }
template <DataFormat format, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void add_int_tile(uint32_t, uint32_t, uint32_t) { EMU_REFUSE("add_int_tile"); }
ALWI void binary_max_tile_init() { EMU_REFUSE("binary_max_tile_init"); }
ALWI void binary_min_tile_init() { EMU_REFUSE("binary_min_tile_init"); }
ALWI void binary_max_int32_tile_init() { EMU_REFUSE("binary_max_int32_tile_init"); }
ALWI void binary_min_int32_tile_init() { EMU_REFUSE("binary_min_int32_tile_init"); }
ALWI void binary_max_tile(uint32_t, uint32_t, uint32_t, VectorMode = VectorMode::RC) { EMU_REFUSE("binary_max_tile"); }
ALWI void binary_min_tile(uint32_t, uint32_t, uint32_t, VectorMode = VectorMode::RC) { EMU_REFUSE("binary_min_tile"); }
ALWI void binary_max_int32_tile(uint32_t, uint32_t, uint32_t, VectorMode = VectorMode::RC) {
    EMU_REFUSE("binary_max_int32_tile");
}
ALWI void binary_min_int32_tile(uint32_t, uint32_t, uint32_t, VectorMode = VectorMode::RC) {
    EMU_REFUSE("binary_min_int32_tile");
}
template <uint32_t in_dtype, uint32_t out_dtype>
ALWI void typecast_tile_init() { EMU_REFUSE("typecast_tile_init"); }
template <uint32_t in_dtype, uint32_t out_dtype>
ALWI void typecast_tile(uint32_t) { EMU_REFUSE("typecast_tile"); }
template <PoolType pool_type, DataFormat format, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sfpu_reduce_init() { EMU_REFUSE("sfpu_reduce_init"); }
template <PoolType pool_type, DataFormat format, ReduceDim reduce_dim = ReduceDim::REDUCE_COL,
          bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sfpu_reduce(uint32_t, uint32_t = 1, uint32_t = 1) { EMU_REFUSE("sfpu_reduce"); }
template <bool is_fp32_dest_acc_en, p_dim_stride_target target>
ALWI void llk_unpack_reconfig_data_format_srca(uint32_t, uint32_t) { EMU_REFUSE("llk_unpack_reconfig_data_format_srca"); }
template <bool is_fp32_dest_acc_en>
ALWI void llk_math_reconfig_data_format_srca(uint32_t, uint32_t) { EMU_REFUSE("llk_math_reconfig_data_format_srca"); }
template <PoolType type, ReduceDim dim>
ALWI void llk_unpack_AB_reduce_init(uint32_t, uint32_t) { EMU_REFUSE("llk_unpack_AB_reduce_init"); }
template <PoolType type, ReduceDim dim, bool is_fp32_dest_acc_en, int math_fidelity>
ALWI void llk_math_reduce_init(uint32_t, uint32_t) { EMU_REFUSE("llk_math_reduce_init"); }
template <ReduceDim dim, PackMode mode>
ALWI void llk_pack_reduce_mask_config(uint32_t) { EMU_REFUSE("llk_pack_reduce_mask_config"); }
ALWI void llk_pack_reduce_mask_clear() { EMU_REFUSE("llk_pack_reduce_mask_clear"); }
#undef EMU_REFUSE

}  // namespace ckernel
