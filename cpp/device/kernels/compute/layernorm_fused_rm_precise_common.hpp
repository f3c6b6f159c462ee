// SPDX-License-Identifier: Apache-2.0
//
// Steps shared by the precise compute kernels (layernorm_fused_rm_precise.cpp, row-resident, and
// layernorm_fused_rm_precise_streaming.cpp), used for FLOAT32 input with fp32 DEST.
//
// Why: every FPU op (binary, bcast, reduce) reads its CB operands through the 19-bit source registers
// SrcA/SrcB, which hold TF32 (fp32 truncated to 10 mantissa bits, ISA SrcASrcB.md): the FPU path
// (layernorm_fused_rm_compute_common.hpp) loses up to 2^-10 of x, of the mean and of every intermediate. Here
// the FPU touches data only where that is harmless:
//   * copy_tile from a Float32 CB marked UnpackToDestFp32 (c_1, c_24) and unary_bcast from a Float32 CB
//     (c_6, c_7, c_25, c_27, also marked: bcast.h unpacks 32-bit formats straight to DEST, "SrcB is only
//     19bits wide") bring operands into the fp32 DEST exactly; so does unary_bcast of the bf16 scaler tile
//     (0 / 1.0);
//   * all arithmetic is SFPU arithmetic on DEST tiles in fp32 (sub/add/mul_binary_tile, square_tile,
//     mul/add_unary_tile, rsqrt_tile);
//   * the only FPU ops are the 32-column row sums (reduce) of a split tile: the element-wise row-sum tile S is
//     split into hi = TF32(S) (copy_tile from c_26, which is NOT marked UnpackToDestFp32: S passes SrcA once)
//     and lo = S - hi (SFPU, exact); reduce(hi) is exact per product and reduce(lo) loses at most
//     2^-10 |lo| <= 2^-20 |S|. No FPU op reads a CB marked UnpackToDestFp32, and the reduces need HiFi4
//     (the factory sets it: lower fidelities drop mantissa bits of hi).
// The mean is m1 + m2: m1 the mean of x, m2 the mean of x - m1 (corrected two-pass algorithm). x - m1 is exact
// when x is near m1 (Sterbenz), so rows with a large mean relative to their spread (x ~ 1e4 +- 1) keep their
// centered values to fp32 accuracy of the spread, not of the mean.
// W % 32 != 0: the columns of the row's last tile past W are 0 in c_1 (the reader zeroes c_0), and x - m1
// there is masked to 0 with row 0 of the partial reduce-scaler tile c_2[1] (1.0 in the valid columns, else 0).
#pragma once
#include <cstdint>

#include "api/compute/eltwise_binary_sfpu.h"
#include "layernorm_fused_rm_compute_common.hpp"

namespace lnfrm::precise {

constexpr uint32_t cb_sum = cb_xmm;    // c_24: element-wise row-sum tiles S
constexpr uint32_t cb_split = cb_var;  // c_26: S twice (unpacked through SrcA: TF32), then hi and lo of S

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

// DST[w] = x (tile t of c_1) - m1 (- m2 when `stages` == 2), masked to the valid columns when `last_tile` of
// a row whose last tile is partial. DST[tmp] is clobbered.
ALWI void centered_into(uint32_t t, uint32_t w, uint32_t tmp, uint32_t stages, bool last_tile) {
    copy_from(cb_in, t, w);
    bcast_from<BroadcastType::COL>(cb_mean, 0, tmp);
    sub_dst(w, tmp);
    if (stages == 2) {
        bcast_from<BroadcastType::COL>(cb_mean, 1, tmp);
        sub_dst(w, tmp);
    }
    if (args::partial && last_tile) {
        bcast_from<BroadcastType::ROW>(cb_scaler, 1, tmp);
        mul_dst(w, tmp);
    }
}

// What split_reduce leaves in column 0 of its output tile, from the row sum s of S:
enum class Finish : uint32_t {
    Mean,          // s / W
    InvStd,        // 1 / sqrt(s / W + eps)
    InvStdShifted  // 1 / sqrt(s / W - m2^2 + eps): s sums (x - m1)^2, m2 = c_25 tile 1 = mean of x - m1
};

// Row sums of the front tile S of c_24 (its 32 columns added per row), finished as `finish` says, into column 0
// of a tile pushed to ocb; pops S. S is split into hi = TF32(S) and lo = S - hi first, both packed into c_26
// and reduced into the same DEST tile. Every push into c_26 is 2 tiles (S is staged there twice), so its
// reserves never straddle the end of the 2-page CB.
ALWI void split_reduce(uint32_t ocb, Finish finish, uint32_t eps_bits) {
    cb_wait_front(cb_sum, 1);
    tile_regs_acquire();
    copy_from(cb_sum, 0, 0);  // S, exact
    tile_regs_commit();
    cb_reserve_back(cb_split, 2);
    tile_regs_wait();
    pack_reconfig_data_format(cb_split);
    pack_tile(0, cb_split);
    pack_tile(0, cb_split);
    tile_regs_release();
    cb_push_back(cb_split, 2);

    cb_wait_front(cb_split, 2);
    tile_regs_acquire();
    copy_from(cb_split, 0, 0);  // hi = TF32(S): c_26 unpacks through SrcA
    copy_from(cb_sum, 0, 1);    // S, exact
    sub_dst(1, 0);              // lo = S - hi, exact
    tile_regs_commit();
    cb_pop_front(cb_sum, 1);
    cb_pop_front(cb_split, 2);
    cb_reserve_back(cb_split, 2);
    tile_regs_wait();
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
    mul_unary_tile(0, args::inv_w_bits);
    if (finish == Finish::InvStdShifted) {
        bcast_from<BroadcastType::COL>(cb_mean, 1, 1);
        square_tile_init();
        square_tile(1);
        sub_dst(0, 1);
    }
    if (finish != Finish::Mean) {
        binop_with_scalar_tile_init();
        add_unary_tile(0, eps_bits);
        rsqrt_tile_init();
        rsqrt_tile(0);
    }
    tile_regs_commit();
    cb_pop_front(cb_split, 2);
    cb_reserve_back(ocb, 1);
    tile_regs_wait();
    pack_reconfig_data_format(ocb);
    pack_tile(0, ocb);
    tile_regs_release();
    cb_push_back(ocb, 1);
}

// DST[j] = ((x_t - m1 - m2) * inv_std) * gamma[gt] + beta[gt] (gamma, beta optional; tiles gt of c_6, c_7).
// DST[tmp] is clobbered.
template <bool has_gamma, bool has_beta>
ALWI void output_tile(uint32_t t, uint32_t gt, uint32_t j, uint32_t tmp, bool last_tile) {
    centered_into(t, j, tmp, 2, last_tile);
    bcast_from<BroadcastType::COL>(cb_inv_std, 0, tmp);
    mul_dst(j, tmp);
    if constexpr (has_gamma) {
        bcast_from<BroadcastType::ROW>(cb_gamma, gt, tmp);
        mul_dst(j, tmp);
    }
    if constexpr (has_beta) {
        bcast_from<BroadcastType::ROW>(cb_beta, gt, tmp);
        add_dst(j, tmp);
    }
}

// Output of `tiles` tiles of c_1 (c_6/c_7 tiles g_offset + t) untilized from DEST into c_16, block_w tiles at
// a time (DEST slot block_w is the scratch). `last_chunk`: these tiles end the row.
template <uint32_t block_w, uint32_t tiles, bool has_gamma, bool has_beta>
ALWI void output_block(bool last_chunk) {
    static_assert(tiles % block_w == 0, "untilize block width must divide the untilized width");
    constexpr uint32_t tmp = block_w;
    pack_untilize_dest_init<block_w, tiles>(cb_out_rm);
    cb_reserve_back(cb_out_rm, tiles);
    for (uint32_t b = 0; b < tiles / block_w; ++b) {
        tile_regs_acquire();
        for (uint32_t j = 0; j < block_w; ++j) {
            const uint32_t t = b * block_w + j;
            output_tile<has_gamma, has_beta>(t, t, j, tmp, last_chunk && t == tiles - 1);
        }
        tile_regs_commit();
        tile_regs_wait();
        pack_untilize_dest<block_w, tiles>(cb_out_rm, 1, b);
        tile_regs_release();
    }
    cb_push_back(cb_out_rm, tiles);
    pack_untilize_uninit(cb_out_rm);
}

}  // namespace lnfrm::precise
