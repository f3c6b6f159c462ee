// SPDX-License-Identifier: Apache-2.0
//
// Precise compute kernel of ttnn.layernorm_fused_rm (row-resident program, FLOAT32 input; fp32 DEST).
//
// Why a separate kernel: every FPU op (binary, bcast, reduce) reads its CB operands through the 19-bit
// source registers SrcA/SrcB, which hold TF32 (fp32 truncated to 10 mantissa bits, ISA SrcASrcB.md). The
// FPU path of layernorm_fused_rm.cpp therefore loses up to 2^-10 of x, of the mean and of every
// intermediate. Here the FPU touches data only where that is harmless:
//   * copy_tile from a Float32 CB marked UnpackToDestFp32 (c_1, c_24) and unary_bcast from a Float32 CB
//     (c_6, c_7, c_25, c_27: bcast.h unpacks 32-bit formats straight to DEST, "SrcB is only 19bits wide")
//     bring operands into the fp32 DEST exactly;
//   * all arithmetic on them is SFPU arithmetic on DEST tiles in fp32 (sub/add/mul_binary_tile, square_tile,
//     mul/add_unary_tile, rsqrt_tile);
//   * the only FPU reductions are the two 32-column row sums of a split tile: a tile S is split into
//     hi = TF32(S) (mul_tiles_bcast_scalar by the scaler tile's exact 1.0: S passes SrcA once) and
//     lo = S - hi (SFPU, exact); reduce(hi) is exact per product and reduce(lo) loses at most
//     2^-10 |lo| <= 2^-20 |S|.
//
// Per tile-row block of 32 rows x Wt tiles (DST: fp32, 4 tiles per half-sync section):
//   tilize      c_0 -> c_1 (exact: UnpackToDestFp32), kept for all passes
//   A  m1       S = sum_t x_t (element-wise, SFPU) -> c_24; hi/lo -> c_26; reduce, x 1/W -> c_25 tile 0
//   B  m2       S = sum_t (x_t - m1)                 -> c_24; hi/lo -> c_26; reduce, x 1/W -> c_25 tile 1
//   C  inv std  S = sum_t (x_t - m1 - m2)^2          -> c_24; hi/lo -> c_26; reduce, x 1/W, + eps, rsqrt -> c_27
//   D  output   ((x_t - m1 - m2) * inv_std) * gamma_t + beta_t in DEST -> pack_untilize_dest -> c_16
// m1 + m2 is the mean: the corrected two-pass algorithm. x - m1 is exact when x is near m1 (Sterbenz), so a
// row with a large mean relative to its spread (x ~ 1e4 +- 1) keeps its centered values exact, and m2 (the
// mean of the small differences) is accurate to fp32 of the spread, not of the mean.
// W % 32 != 0: the columns of the last tile past W are 0 in c_1 (the reader zeroes c_0), and x - m1 there is
// masked to 0 with row 0 of the partial reduce-scaler tile c_2[1] (1.0 in the valid columns, else 0).
//
// CB use (roles of the 13-CB design): the centered values live in DEST, so c_24 holds one tile, the element-wise
// sum S of the centered values (or of x, or of their squares); c_25 holds the mean as two tiles (m1, m2);
// c_26 holds the hi/lo split of S (2 pages), whose row sums give the variance; c_3 (bf16 eps) is
// waited and popped for the reader's sake, eps itself is runtime arg 1 in fp32.
//
// Compile-time args: as layernorm_fused_rm.cpp (0 Wt, 1 untilize block width: divides Wt, at most DEST
// capacity - 1, 2 1/W as float32 bits, 3 flags, 4 partial last tile). Runtime args: 0 number of tile-row
// blocks, 1 eps as float32 bits.
#include <cstdint>

#include "api/compute/eltwise_binary_sfpu.h"
#include "layernorm_fused_rm_compute_common.hpp"

using namespace lnfrm;

namespace {
using namespace args;

constexpr uint32_t cb_sum = cb_xmm;    // c_24: the element-wise row-sum tile S
constexpr uint32_t cb_split = cb_var;  // c_26: hi and lo of S

// DST slots of the row-sum passes.
constexpr uint32_t d_acc = 0;
constexpr uint32_t d_work = 1;
constexpr uint32_t d_tmp = 2;

ALWI void copy_from(uint32_t icb, uint32_t tile, uint32_t idst) {
    reconfig_data_format(icb, icb);
    copy_init(icb);
    copy_tile(icb, tile, idst);
}

template <BroadcastType bt>
ALWI void bcast_from(uint32_t icb, uint32_t tile, uint32_t idst) {
    reconfig_data_format(icb, icb);
    unary_bcast_init<bt>(icb);
    unary_bcast<bt>(icb, tile, idst);
    unary_bcast_uninit<bt>(icb);
}

ALWI void sub_dst(uint32_t a, uint32_t b) {
    sub_binary_tile_init();
    sub_binary_tile(a, b, a);
}
ALWI void add_dst(uint32_t a, uint32_t b) {
    add_binary_tile_init();
    add_binary_tile(a, b, a);
}
ALWI void mul_dst(uint32_t a, uint32_t b) {
    mul_binary_tile_init();
    mul_binary_tile(a, b, a);
}

// DST[w] = x_t - m1 (- m2 when `stages` == 2), masked to the valid columns in a partial last tile.
ALWI void centered_into(uint32_t t, uint32_t w, uint32_t tmp, uint32_t stages) {
    copy_from(cb_in, t, w);
    bcast_from<BroadcastType::COL>(cb_mean, 0, tmp);
    sub_dst(w, tmp);
    if (stages == 2) {
        bcast_from<BroadcastType::COL>(cb_mean, 1, tmp);
        sub_dst(w, tmp);
    }
    if (partial && t == Wt - 1) {
        bcast_from<BroadcastType::ROW>(cb_scaler, 1, tmp);
        mul_dst(w, tmp);
    }
}

// Pass `stage` (0: x, 1: x - m1, 2: (x - m1 - m2)^2): the element-wise sum over the row's Wt tiles, in DEST,
// packed into c_24.
ALWI void tile_sum(uint32_t stage) {
    tile_regs_acquire();
    for (uint32_t t = 0; t < Wt; ++t) {
        const uint32_t w = t == 0 ? d_acc : d_work;
        if (stage == 0) {
            copy_from(cb_in, t, w);
        } else {
            centered_into(t, w, d_tmp, stage);
            if (stage == 2) {
                square_tile_init();
                square_tile(w);
            }
        }
        if (t > 0) {
            add_dst(d_acc, d_work);
        }
    }
    tile_regs_commit();
    cb_reserve_back(cb_sum, 1);
    tile_regs_wait();
    pack_reconfig_data_format(cb_sum);
    pack_tile(d_acc, cb_sum);
    tile_regs_release();
    cb_push_back(cb_sum, 1);
}

// Row sums of the tile in c_26 (columns of each row added), times 1/W, into column 0 of a tile of ocb; with
// `inv_std_of` set, 1/sqrt(result + eps) instead. The tile is split into hi = TF32(S) and lo = S - hi first
// (see the header), both kept in c_26 and reduced into the same DEST tile.
ALWI void split_reduce(uint32_t ocb, bool inv_std_of, uint32_t eps_bits) {
    cb_wait_front(cb_sum, 1);
    tile_regs_acquire();
    formats(cb_sum, cb_scaler, cb_sum);
    mul_bcast_scalar_init(cb_sum, cb_scaler);
    mul_tiles_bcast_scalar(cb_sum, cb_scaler, 0, 0, 0);  // hi: S through SrcA, times the exact 1.0
    copy_from(cb_sum, 0, 1);                             // S, exact
    sub_binary_tile_init();
    sub_binary_tile(1, 0, 1);  // lo = S - hi, exact
    tile_regs_commit();
    cb_pop_front(cb_sum, 1);
    cb_reserve_back(cb_split, 2);
    tile_regs_wait();
    pack_reconfig_data_format(cb_split);
    pack_tile(0, cb_split);
    pack_tile(1, cb_split);
    tile_regs_release();
    cb_push_back(cb_split, 2);

    cb_wait_front(cb_split, 2);
    tile_regs_acquire();
    // REDUCE_ROW SUM unpacks the scaler to SrcA and the data to SrcB (reduce.h).
    formats(cb_scaler, cb_split, ocb);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_split, cb_scaler, ocb);
    reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_split, cb_scaler, 0, 0, 0);
    reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_split, cb_scaler, 1, 0, 0);
    reduce_uninit();
    binop_with_scalar_tile_init();
    mul_unary_tile(0, inv_w_bits);
    if (inv_std_of) {
        add_unary_tile(0, eps_bits);
        rsqrt_tile_init();
        rsqrt_tile(0);
    }
    tile_regs_commit();
    cb_pop_front(cb_split, 2);
    cb_reserve_back(ocb, 1);
    tile_regs_wait();
    pack_tile(0, ocb);
    tile_regs_release();
    cb_push_back(ocb, 1);
}

// Pass D: normalized, scaled and shifted tiles computed in DEST slots 0..block_w-1 (slot block_w is the
// scratch), untilized from DEST into c_16, block_w tiles at a time.
ALWI void output_row() {
    constexpr uint32_t tmp = block_w;
    pack_untilize_dest_init<block_w, Wt>(cb_out_rm);
    cb_reserve_back(cb_out_rm, Wt);
    for (uint32_t b = 0; b < Wt / block_w; ++b) {
        tile_regs_acquire();
        for (uint32_t j = 0; j < block_w; ++j) {
            const uint32_t t = b * block_w + j;
            centered_into(t, j, tmp, 2);
            bcast_from<BroadcastType::COL>(cb_inv_std, 0, tmp);
            mul_dst(j, tmp);
            if constexpr (has_gamma) {
                bcast_from<BroadcastType::ROW>(cb_gamma, t, tmp);
                mul_dst(j, tmp);
            }
            if constexpr (has_beta) {
                bcast_from<BroadcastType::ROW>(cb_beta, t, tmp);
                add_dst(j, tmp);
            }
        }
        tile_regs_commit();
        tile_regs_wait();
        pack_untilize_dest<block_w, Wt>(cb_out_rm, 1, b);
        tile_regs_release();
    }
    cb_push_back(cb_out_rm, Wt);
    pack_untilize_uninit(cb_out_rm);
}
}  // namespace

void kernel_main() {
    static_assert(block_w >= 1 && block_w <= 3, "the untilize block plus one scratch tile must fit fp32 DEST");
    const uint32_t num_blocks = get_arg_val<uint32_t>(0);
    const uint32_t eps_bits = get_arg_val<uint32_t>(1);

    compute_kernel_hw_startup(cb_in_rm, cb_in_rm, cb_in);

    if constexpr (has_gamma) {
        tilize_rows(cb_gamma_rm, cb_gamma, Wt);
        cb_wait_front(cb_gamma, Wt);
    }
    if constexpr (has_beta) {
        tilize_rows(cb_beta_rm, cb_beta, Wt);
        cb_wait_front(cb_beta, Wt);
    }
    cb_wait_front(cb_scaler, scaler_tiles);
    cb_wait_front(cb_eps, 1);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Wt);
        cb_wait_front(cb_in, Wt);

        tile_sum(0);
        split_reduce(cb_mean, false, 0);  // m1
        cb_wait_front(cb_mean, 1);
        tile_sum(1);
        split_reduce(cb_mean, false, 0);  // m2
        cb_wait_front(cb_mean, 2);
        tile_sum(2);
        split_reduce(cb_inv_std, true, eps_bits);
        cb_wait_front(cb_inv_std, 1);

        output_row();

        cb_pop_front(cb_in, Wt);
        cb_pop_front(cb_mean, 2);
        cb_pop_front(cb_inv_std, 1);
    }

    if constexpr (has_gamma) {
        cb_pop_front(cb_gamma, Wt);
    }
    if constexpr (has_beta) {
        cb_pop_front(cb_beta, Wt);
    }
    cb_pop_front(cb_scaler, scaler_tiles);
    cb_pop_front(cb_eps, 1);
}
