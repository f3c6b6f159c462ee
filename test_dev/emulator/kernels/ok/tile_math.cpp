// One compute call per OP_* define, on tiles of c_0 (A, NA tiles) and c_1 (B, NB tiles), result tiles into c_16.
// CT args: 0 NA, 1 scalar parameter (float32 bits) for the *_unary_tile ops.
#include <cstdint>
#include "api/compute/compute_kernel_api.h"
#include "api/compute/copy_dest_values.h"
#include "api/compute/bcast.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/addcmul.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/pack_untilize.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/reduce.h"
#include "api/compute/sfpu_binary_bcast.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/tilize.h"

constexpr uint32_t A = 0, B = 1, OUT = 16;

template <typename F>
void one_tile_out(F f) {
    tile_regs_acquire();
    f();
    tile_regs_commit();
    cb_reserve_back(OUT, 1);
    tile_regs_wait();
    pack_tile(0, OUT);
    tile_regs_release();
    cb_push_back(OUT, 1);
}

void kernel_main() {
    constexpr uint32_t NA = get_compile_time_arg_val(0);
    constexpr uint32_t P = get_compile_time_arg_val(1);
    compute_kernel_hw_startup(A, B, OUT);
    cb_wait_front(A, NA);
    cb_wait_front(B, 1);
#if defined(OP_BINARY)
    // OP_BINARY = <init>, <call>: e.g. add_bcast_rows_init, add_tiles_bcast_rows
    OP_BINARY_INIT(A, B);
    one_tile_out([] { OP_BINARY(A, B, 0, 0, 0); });
#elif defined(OP_REDUCE_ROW) || defined(OP_REDUCE_COL) || defined(OP_REDUCE_SCALAR)
#if defined(OP_REDUCE_ROW)
    constexpr auto DIM = ReduceDim::REDUCE_ROW;
#elif defined(OP_REDUCE_COL)
    constexpr auto DIM = ReduceDim::REDUCE_COL;
#else
    constexpr auto DIM = ReduceDim::REDUCE_SCALAR;
#endif
    reduce_init<POOL, DIM>(A, B, OUT);
    one_tile_out([] {
        for (uint32_t t = 0; t < NA; ++t) {
            reduce_tile<POOL, DIM>(A, B, t, 0, 0);
        }
    });
    reduce_uninit();
#elif defined(OP_SFPU_UNARY)
    copy_init(A);
    OP_SFPU_UNARY_INIT();
    one_tile_out([] {
        copy_tile(A, 0, 0);
        OP_SFPU_UNARY(0);
    });
#elif defined(OP_SFPU_SCALAR)
    copy_init(A);
    binop_with_scalar_tile_init();
    one_tile_out([] {
        copy_tile(A, 0, 0);
        OP_SFPU_SCALAR(0, P);
    });
#elif defined(OP_SFPU_BINARY)
    copy_init(A);
    OP_SFPU_BINARY_INIT();
    one_tile_out([] {
        copy_tile(A, 0, 0);
        copy_init(B);
        copy_tile(B, 0, 1);
        OP_SFPU_BINARY(0, 1, 0);
    });
#elif defined(OP_SFPU_BCAST_COL)
    // DST 0 = A tile 0, DST 1 = B; OP_SFPU_BCAST_COL(0, 1) (sfpu_{add,sub,mul}_bcast_col). With OP_CLOBBER another
    // SFPU init runs between sfpu_bcast_col_init and the op.
    one_tile_out([] {
        copy_init(A);
        copy_tile(A, 0, 0);
        copy_init(B);
        copy_tile(B, 0, 1);
        sfpu_bcast_col_init();
#if defined(OP_CLOBBER)
        mul_binary_tile_init();
#endif
        OP_SFPU_BCAST_COL(0, 1);
    });
#elif defined(OP_SFPU_NORMALIZE)
    // DST 0 = A tile 0 (data), DST 1 = B (mean), DST 2 = A tile 1 (inverse std): sfpu_normalize_bcast_col(0, 1, 2).
    one_tile_out([] {
        copy_init(A);
        copy_tile(A, 0, 0);
        copy_tile(A, 1, 2);
        copy_init(B);
        copy_tile(B, 0, 1);
        sfpu_bcast_col_init();
        sfpu_normalize_bcast_col(0, 1, 2);
    });
#elif defined(OP_ADDCMUL)
    // DST 0 = A tile 0, DST 1 = A tile 1, DST 2 = B: addcmul_tile(0, 1, 2, 0, P) = A0 + P * A1 * B into DST 0.
    one_tile_out([] {
        copy_init(A);
        copy_tile(A, 0, 0);
        copy_tile(A, 1, 1);
        copy_init(B);
        copy_tile(B, 0, 2);
        addcmul_tile_init();
        addcmul_tile<DataFormat::Float32>(0, 1, 2, 0, P);
    });
#elif defined(OP_COPY_DEST)
    // DST 1 = A tile 0, then copy_dest_values<Float32>(1, 0): DST 0 packed.
    one_tile_out([] {
        copy_init(A);
        copy_tile(A, 0, 1);
        copy_dest_values_init();
        copy_dest_values<DataFormat::Float32>(1, 0);
    });
#elif defined(OP_ACC)
    // Accumulate into DEST (FPU AddDst): DST 0 = A tile 1 (the value accumulated onto; with ACC_FRESH none, DST 0 as
    // the packer left it), then one binary call A tile 0 op B into DST 0, its init chosen by ACC_CASE:
    //   1 sub_bcast_cols_init + llk_math_eltwise_binary_init<ELWSUB, COL, LoFi>(A, B, 1)      (accumulates)
    //   2 as 1, then sub_bcast_cols_init again                                                 (plain: flag cleared)
    //   3 as 1 with the kernel's MATH_FIDELITY                                                 (accumulates)
    //   4 add_init(A, B, true), add_tiles; 5 sub_init(A, B, true), sub_tiles                  (accumulate)
    //   6 mul_init(A, B, true), mul_tiles; 15 mul_bcast_cols_init + the math init<ELWMUL, COL>(A, B, 1),
    //     mul_tiles_bcast_cols                       (ELWMUL adds onto DEST whatever the flag: ISA ELWMUL.md)
    //   refused: 11 the math init after copy_init; 12 with the CBs swapped; 13 for ELWADD after sub_bcast_cols_init;
    //            14 with ROW after sub_bcast_cols_init; 16 ELWMUL at LoFi under HiFi4
    one_tile_out([] {
#if !defined(ACC_FRESH)
        copy_init(A);
        copy_tile(A, 1, 0);
#endif
#if ACC_CASE == 1 || ACC_CASE == 2 || ACC_CASE == 3 || ACC_CASE == 12 || ACC_CASE == 13 || ACC_CASE == 14
        sub_bcast_cols_init(A, B);
#endif
#if ACC_CASE == 1 || ACC_CASE == 2 || ACC_CASE == 11
        MATH((llk_math_eltwise_binary_init<EltwiseBinaryType::ELWSUB, BroadcastType::COL, MathFidelity::LoFi>(A, B, 1)));
#elif ACC_CASE == 3
        MATH((llk_math_eltwise_binary_init<EltwiseBinaryType::ELWSUB, BroadcastType::COL, MATH_FIDELITY>(A, B, 1)));
#elif ACC_CASE == 12
        MATH((llk_math_eltwise_binary_init<EltwiseBinaryType::ELWSUB, BroadcastType::COL, MathFidelity::LoFi>(B, A, 1)));
#elif ACC_CASE == 13
        MATH((llk_math_eltwise_binary_init<EltwiseBinaryType::ELWADD, BroadcastType::COL, MathFidelity::LoFi>(A, B, 1)));
#elif ACC_CASE == 14
        MATH((llk_math_eltwise_binary_init<EltwiseBinaryType::ELWSUB, BroadcastType::ROW, MathFidelity::LoFi>(A, B, 1)));
#elif ACC_CASE == 15 || ACC_CASE == 16
        mul_bcast_cols_init(A, B);
        MATH((llk_math_eltwise_binary_init<EltwiseBinaryType::ELWMUL, BroadcastType::COL,
                                           ACC_CASE == 15 ? MATH_FIDELITY : int(MathFidelity::LoFi)>(A, B, ACC_CASE == 15)));
#endif
#if ACC_CASE == 2
        sub_bcast_cols_init(A, B);
#endif
#if ACC_CASE == 15
        mul_tiles_bcast_cols(A, B, 0, 0, 0);
#elif ACC_CASE <= 3 || ACC_CASE >= 11
        sub_tiles_bcast_cols(A, B, 0, 0, 0);
#elif ACC_CASE == 4
        add_init(A, B, true);
        add_tiles(A, B, 0, 0, 0);
#elif ACC_CASE == 5
        sub_init(A, B, true);
        sub_tiles(A, B, 0, 0, 0);
#elif ACC_CASE == 6
        mul_init(A, B, true);
        mul_tiles(A, B, 0, 0, 0);
#endif
    });
#elif defined(OP_UNARY_BCAST)
    unary_bcast_init<BroadcastType::OP_UNARY_BCAST>(A);
    one_tile_out([] { unary_bcast<BroadcastType::OP_UNARY_BCAST>(A, 0, 0); });
    unary_bcast_uninit<BroadcastType::OP_UNARY_BCAST>(A);
#elif defined(OP_COPY)
    copy_init(A);
    one_tile_out([] { copy_tile(A, 0, 0); });
#elif defined(OP_UNTILIZE)
    // NA tiles of A untilized from DEST into NA row-major pages of c_16 (one 32-row block).
    copy_init(A);
    pack_untilize_dest_init<NA, NA>(OUT);
    cb_reserve_back(OUT, NA);
    tile_regs_acquire();
    for (uint32_t t = 0; t < NA; ++t) {
        copy_tile(A, t, t);
    }
    tile_regs_commit();
    tile_regs_wait();
    pack_untilize_dest<NA, NA>(OUT, 1, 0);
    tile_regs_release();
    cb_push_back(OUT, NA);
    pack_untilize_uninit(OUT);
#elif defined(OP_TILIZE)
    // c_0 holds one 32-row block of NA tiles' width, row-major, in NA tile-sized pages.
    tilize_init(A, NA, OUT);
    cb_reserve_back(OUT, NA);
    tilize_block(A, NA, OUT);
    cb_push_back(OUT, NA);
    tilize_uninit(A, OUT);
#else
#error "define one OP_*"
#endif
    cb_pop_front(A, NA);
    cb_pop_front(B, 1);
}
