// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/bcast.h: FPU binary ops with the second operand's row 0,
// column 0 or [0][0] broadcast over the tile, and unary_bcast (one CB tile broadcast into DEST). The *_init calls
// take no acc_to_dest (upstream's neither): a kernel switches a broadcast add/sub into accumulate mode with
// MATH((llk_math_eltwise_binary_init<op, bcast, fidelity>(icb0, icb1, 1))) after its init (llk_math_binary_api.h).
#pragma once
#include "api/compute/common.h"
#include "llk_math_binary_api.h"

EMU_DEFINE_BINARY_TILES(sub_tiles_bcast_cols, SUB, COL)
EMU_DEFINE_BINARY_TILES(add_tiles_bcast_cols, ADD, COL)
EMU_DEFINE_BINARY_TILES(mul_tiles_bcast_cols, MUL, COL)
EMU_DEFINE_BINARY_TILES(add_tiles_bcast_scalar, ADD, SCALAR)
EMU_DEFINE_BINARY_TILES(sub_tiles_bcast_scalar, SUB, SCALAR)
EMU_DEFINE_BINARY_TILES(mul_tiles_bcast_scalar, MUL, SCALAR)

namespace ckernel {

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
        api().binary_init(tensix_emu::BinaryOp::OP, tensix_emu::BcastDim::BC, icb0, icb1, false, #NAME);    \
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

// unary_bcast: 32-bit CBs unpack straight to DEST, others through SrcB (bcast.h).
template <BroadcastType bcast_type, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void unary_bcast_init(uint32_t icb) {
    api().unary_bcast_init(emu_detail::bcast_dim(bcast_type), icb);
}
template <BroadcastType bcast_type, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void unary_bcast(uint32_t icb, uint32_t in_tile_index, uint32_t dst_tile_index) {
    api().unary_bcast(emu_detail::bcast_dim(bcast_type), icb, in_tile_index, dst_tile_index);
}
template <BroadcastType bcast_type>
ALWI void unary_bcast_uninit(uint32_t icb) {
    api().unary_bcast_uninit(emu_detail::bcast_dim(bcast_type), icb);
}

}  // namespace ckernel
