// SPDX-License-Identifier: Apache-2.0
//
// Compute kernel API (TRISC0/1/2 as one host thread), emulator implementation. Function names,
// parameters, defaults and template parameters follow tt-metal 0.81.1 tt_metal/hw/inc/api/compute/*.h
// (cb_api.h, compute_kernel_hw_startup.h, tilize.h, pack_untilize.h, reduce.h, bcast.h,
// eltwise_binary.h, eltwise_binary_sfpu.h, reconfig_data_format.h, tile_move_copy.h, reg_api.h, pack.h,
// compute_kernel_api.h, eltwise_unary/{rsqrt,binop_with_scalar}.h) for the calls implemented here. Template parameters that
// only select hardware instruction variants are accepted and ignored; DEST accumulation mode comes from
// the kernel's ComputeConfigDescriptor, as DST_ACCUM_MODE does on silicon.
#pragma once
#include <cstdint>

#include "api/compile_time_args.h"
#include "emu/kernel_args.hpp"
#include "emu/kernel_common.hpp"

namespace ckernel {

using tensix_emu::kernel_side::api;

using PoolType = tensix_emu::PoolType;
using ReduceDim = tensix_emu::ReduceDim;
enum class BroadcastType : uint32_t { NONE = 0, COL = 2, ROW = 1, SCALAR = 3 };
enum class EltwiseBinaryType : uint32_t { ELWADD = 0, ELWSUB = 1, ELWMUL = 2 };
enum class SrcOrder : uint32_t { Regular = 0, Reverse = 1 };
/// As tt-llk common/inc/ckernel_defs.h: how an SFPU result is narrowed into a 16-bit DEST.
enum class DstRoundingMode : uint8_t { Default = 0, NearestEven = 1 };

// ---- circular buffers (cb_api.h) ----
ALWI void cb_wait_front(uint32_t cbid, uint32_t ntiles) { api().cb_wait_front(int32_t(cbid), int32_t(ntiles)); }
ALWI void cb_pop_front(uint32_t cbid, uint32_t ntiles) { api().cb_pop_front(int32_t(cbid), int32_t(ntiles)); }
ALWI void cb_reserve_back(uint32_t cbid, uint32_t ntiles) { api().cb_reserve_back(int32_t(cbid), int32_t(ntiles)); }
ALWI void cb_push_back(uint32_t cbid, uint32_t ntiles) { api().cb_push_back(int32_t(cbid), int32_t(ntiles)); }

// ---- start-up (compute_kernel_hw_startup.h) ----
template <SrcOrder src_order = SrcOrder::Regular>
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) { api().hw_startup(icb0, icb1, ocb); }
template <SrcOrder src_order = SrcOrder::Regular>
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t ocb) { api().hw_startup(icb0, icb0, ocb); }

// ---- DST (reg_api.h) ----
ALWI void tile_regs_acquire() { api().tile_regs_acquire(); }
ALWI void tile_regs_commit() { api().tile_regs_commit(); }
ALWI void tile_regs_wait() { api().tile_regs_wait(); }
ALWI void tile_regs_release() { api().tile_regs_release(); }
ALWI void acquire_dst() { api().tile_regs_acquire(); api().tile_regs_commit(); api().tile_regs_wait(); }
ALWI void release_dst() { api().tile_regs_release(); }

// ---- pack (pack.h) ----
template <bool out_of_order_output = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void pack_tile(uint32_t ifrom_dst, uint32_t icb, uint32_t output_tile_index = 0) {
    api().pack_tile(ifrom_dst, icb, output_tile_index, out_of_order_output);
}

// ---- tilize (tilize.h) ----
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void tilize_init(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    api().tilize_init(icb, block, ocb);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t input_tile_index = 0,
                       uint32_t output_tile_index = 0) {
    api().tilize_block(icb, block, ocb, input_tile_index, output_tile_index);
}
ALWI void tilize_uninit(uint32_t icb, uint32_t ocb) { api().tilize_uninit(icb, ocb); }

// ---- pack untilize (pack_untilize.h) ----
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void pack_untilize_init(uint32_t icb, uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    // pack_untilize.h pack_untilize_init_impl: the unpack/math init of copy_init(icb) (llk_unpack_A_init,
    // A2D datacopy init), then pack_untilize_dest_init_impl(ocb).
    api().copy_init(icb);
    api().pack_untilize_init(block_ct_dim, full_ct_dim, ocb, false);
}
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void pack_untilize_block(uint32_t icb, uint32_t block_rt_dim, uint32_t ocb, uint32_t block_c_index = 0) {
    api().pack_untilize_block(block_ct_dim, full_ct_dim, icb, block_rt_dim, ocb, block_c_index);
}
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim, bool narrow_row = false,
          uint32_t row_num_datums = 32, bool dense = false, bool configure_remap = true,
          bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void pack_untilize_dest_init(uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    api().pack_untilize_init(block_ct_dim, full_ct_dim, ocb, true);
}
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim, bool diagonal = false, bool narrow_row = false,
          uint32_t row_num_datums = 32, uint32_t tile_dst_ct_offset = 0, bool dense = false>
ALWI void pack_untilize_dest(uint32_t ocb, uint32_t block_rt_dim = 1, uint32_t block_c_index = 0,
                             uint32_t tile_dst_rt_offset = 0) {
    static_assert(!diagonal && !narrow_row && row_num_datums == 32 && tile_dst_ct_offset == 0 && !dense,
                  "emulator: pack_untilize_dest variants other than the default are not implemented");
    (void)tile_dst_rt_offset;
    api().pack_untilize_dest(block_ct_dim, full_ct_dim, ocb, block_rt_dim, block_c_index);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void pack_untilize_uninit(uint32_t ocb) { api().pack_untilize_uninit(ocb); }

// ---- reduce (reduce.h) ----
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

// ---- element-wise binary (eltwise_binary.h) ----
ALWI void add_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, uint32_t call_line = __builtin_LINE()) {
    (void)acc_to_dest; (void)call_line;
    api().binary_init(tensix_emu::BinaryOp::ADD, tensix_emu::BcastDim::NONE, icb0, icb1, "add_init");
}
ALWI void sub_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, uint32_t call_line = __builtin_LINE()) {
    (void)acc_to_dest; (void)call_line;
    api().binary_init(tensix_emu::BinaryOp::SUB, tensix_emu::BcastDim::NONE, icb0, icb1, "sub_init");
}
ALWI void mul_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, uint32_t call_line = __builtin_LINE()) {
    (void)acc_to_dest; (void)call_line;
    api().binary_init(tensix_emu::BinaryOp::MUL, tensix_emu::BcastDim::NONE, icb0, icb1, "mul_init");
}
#define EMU_BINARY_TILES(NAME, OP, BC)                                                                      \
    template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>                                                   \
    ALWI void NAME(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst) {       \
        api().binary_tiles(tensix_emu::BinaryOp::OP, tensix_emu::BcastDim::BC, icb0, icb1, itile0, itile1, idst, \
                           #NAME);                                                                          \
    }
EMU_BINARY_TILES(add_tiles, ADD, NONE)
EMU_BINARY_TILES(sub_tiles, SUB, NONE)
EMU_BINARY_TILES(mul_tiles, MUL, NONE)

// ---- broadcast binary (bcast.h) ----
EMU_BINARY_TILES(sub_tiles_bcast_cols, SUB, COL)
EMU_BINARY_TILES(add_tiles_bcast_cols, ADD, COL)
EMU_BINARY_TILES(mul_tiles_bcast_cols, MUL, COL)
EMU_BINARY_TILES(add_tiles_bcast_scalar, ADD, SCALAR)
EMU_BINARY_TILES(sub_tiles_bcast_scalar, SUB, SCALAR)
EMU_BINARY_TILES(mul_tiles_bcast_scalar, MUL, SCALAR)
#undef EMU_BINARY_TILES
#define EMU_BINARY_TILES_ROW(NAME, OP)                                                                       \
    template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>                                                    \
    ALWI void NAME(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,           \
                   uint32_t bcast_row_idx = 0) {                                                            \
        if (bcast_row_idx != 0) {                                                                           \
            api().unsupported(#NAME " with bcast_row_idx != 0");                                             \
        }                                                                                                   \
        api().binary_tiles(tensix_emu::BinaryOp::OP, tensix_emu::BcastDim::ROW, icb0, icb1, itile0, itile1, \
                           idst, #NAME);                                                                    \
    }
EMU_BINARY_TILES_ROW(add_tiles_bcast_rows, ADD)
EMU_BINARY_TILES_ROW(sub_tiles_bcast_rows, SUB)
EMU_BINARY_TILES_ROW(mul_tiles_bcast_rows, MUL)
#undef EMU_BINARY_TILES_ROW
#define EMU_BCAST_INIT(NAME, OP, BC)                                                                        \
    ALWI void NAME(uint32_t icb0, uint32_t icb1, uint32_t call_line = __builtin_LINE()) {                  \
        (void)call_line;                                                                                    \
        api().binary_init(tensix_emu::BinaryOp::OP, tensix_emu::BcastDim::BC, icb0, icb1, #NAME);           \
    }
EMU_BCAST_INIT(add_bcast_rows_init, ADD, ROW)
EMU_BCAST_INIT(sub_bcast_rows_init, SUB, ROW)
EMU_BCAST_INIT(mul_bcast_rows_init, MUL, ROW)
EMU_BCAST_INIT(add_bcast_cols_init, ADD, COL)
EMU_BCAST_INIT(sub_bcast_cols_init, SUB, COL)
EMU_BCAST_INIT(mul_bcast_cols_init, MUL, COL)
EMU_BCAST_INIT(add_bcast_scalar_init, ADD, SCALAR)
EMU_BCAST_INIT(sub_bcast_scalar_init, SUB, SCALAR)
EMU_BCAST_INIT(mul_bcast_scalar_init, MUL, SCALAR)
#undef EMU_BCAST_INIT

// ---- copy (tile_move_copy.h) ----
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

// ---- SFPU unary (compute_kernel_api.h, eltwise_unary/rsqrt.h, eltwise_unary/binop_with_scalar.h) ----
ALWI void square_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::SQUARE); }
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void square_tile(uint32_t idst) { api().sfpu_op(tensix_emu::SfpuOp::SQUARE, idst, 0, "square_tile"); }
enum class RsqrtMode { Default, Fast };
ALWI void rsqrt_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::RSQRT); }
template <RsqrtMode mode = RsqrtMode::Default, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void rsqrt_tile(uint32_t idst) { api().sfpu_op(tensix_emu::SfpuOp::RSQRT, idst, 0, "rsqrt_tile"); }
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

// ---- data-format reconfiguration (reconfig_data_format.h, pack.h) ----
// The unconditional overloads always take the new operand's format; the (old, new) overloads change a source
// only when old's and new's formats differ (they compare the operands' descriptors, not the hardware state:
// "A stale claim can skip a required reconfiguration", reconfig_data_format.h).
template <SrcOrder src_order = SrcOrder::Regular>
ALWI void reconfig_data_format(const uint32_t icb0_new_operand, const uint32_t icb1_new_operand) {
    constexpr bool reverse = src_order == SrcOrder::Reverse;
    api().reconfig_data_format(tensix_emu::Operand::SRCA, tensix_emu::kNoOldOperand,
                               reverse ? icb1_new_operand : icb0_new_operand, "reconfig_data_format");
    api().reconfig_data_format(tensix_emu::Operand::SRCB, tensix_emu::kNoOldOperand,
                               reverse ? icb0_new_operand : icb1_new_operand, "reconfig_data_format");
}
template <SrcOrder src_order = SrcOrder::Regular>
ALWI void reconfig_data_format(const uint32_t icb0_old_operand, const uint32_t icb0_new_operand,
                               const uint32_t icb1_old_operand, const uint32_t icb1_new_operand) {
    constexpr bool reverse = src_order == SrcOrder::Reverse;
    api().reconfig_data_format(tensix_emu::Operand::SRCA, int32_t(reverse ? icb1_old_operand : icb0_old_operand),
                               reverse ? icb1_new_operand : icb0_new_operand, "reconfig_data_format");
    api().reconfig_data_format(tensix_emu::Operand::SRCB, int32_t(reverse ? icb0_old_operand : icb1_old_operand),
                               reverse ? icb0_new_operand : icb1_new_operand, "reconfig_data_format");
}
ALWI void reconfig_data_format_srca(const uint32_t srca_new_operand) {
    api().reconfig_data_format(tensix_emu::Operand::SRCA, tensix_emu::kNoOldOperand, srca_new_operand,
                               "reconfig_data_format_srca");
}
ALWI void reconfig_data_format_srca(const uint32_t srca_old_operand, const uint32_t srca_new_operand) {
    api().reconfig_data_format(tensix_emu::Operand::SRCA, int32_t(srca_old_operand), srca_new_operand,
                               "reconfig_data_format_srca");
}
ALWI void reconfig_data_format_srcb(const uint32_t srcb_new_operand) {
    api().reconfig_data_format(tensix_emu::Operand::SRCB, tensix_emu::kNoOldOperand, srcb_new_operand,
                               "reconfig_data_format_srcb");
}
ALWI void reconfig_data_format_srcb(const uint32_t srcb_old_operand, const uint32_t srcb_new_operand) {
    api().reconfig_data_format(tensix_emu::Operand::SRCB, int32_t(srcb_old_operand), srcb_new_operand,
                               "reconfig_data_format_srcb");
}
template <bool is_tile_dim_reconfig_en = false>
ALWI void pack_reconfig_data_format(const uint32_t new_cb_id) {
    api().reconfig_data_format(tensix_emu::Operand::PACK, tensix_emu::kNoOldOperand, new_cb_id,
                               "pack_reconfig_data_format");
}
template <bool is_tile_dim_reconfig_en = false>
ALWI void pack_reconfig_data_format(const uint32_t old_cb_id, const uint32_t new_cb_id) {
    api().reconfig_data_format(tensix_emu::Operand::PACK, int32_t(old_cb_id), new_cb_id, "pack_reconfig_data_format");
}

// ---- SFPU binary on DST tiles (eltwise_binary_sfpu.h) ----
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

// ---- unary broadcast (bcast.h) ----
template <BroadcastType bcast_type, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void unary_bcast_init(uint32_t icb) {
    api().unary_bcast_init(tensix_emu::BcastDim(uint32_t(bcast_type)), icb);
}
template <BroadcastType bcast_type, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void unary_bcast(uint32_t icb, uint32_t in_tile_index, uint32_t dst_tile_index) {
    api().unary_bcast(tensix_emu::BcastDim(uint32_t(bcast_type)), icb, in_tile_index, dst_tile_index);
}
template <BroadcastType bcast_type>
ALWI void unary_bcast_uninit(uint32_t icb) {
    api().unary_bcast_uninit(tensix_emu::BcastDim(uint32_t(bcast_type)), icb);
}

}  // namespace ckernel

// tt-metal compute kernels call the ckernel API unqualified.
using namespace ckernel;
