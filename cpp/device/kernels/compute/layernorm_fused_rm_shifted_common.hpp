// SPDX-License-Identifier: Apache-2.0
//
// Steps shared by the shifted compute kernels (layernorm_fused_rm_shifted.cpp, row-resident, and
// layernorm_fused_rm_shifted_streaming.cpp), used for BFLOAT16 input with fp32_dest_acc_en (the op's default).
// The fp32-DEST rules they follow (no FPU read of an UnpackToDestFp32 CB, fp32 arithmetic on the SFPU, row sums
// from bf16 parts) are described in layernorm_fused_rm_precise_common.hpp.
//
// Shift: each row is centered by its first element x0 (column 0 of the row's first tile) before any statistic:
// y = x - x0 is one FPU subtraction of two bf16 values (sub_tiles_bcast_cols, x0 read from a bf16 CB through
// SrcB), exact in the fp32 DEST whenever the two are within 2^15 of each other. The statistics are those of y:
// m = mean(y), var = mean((y - m)^2), so a row whose mean is large against its spread (1e4 + randn) loses nothing
// to cancellation, and an all-equal row gives y = 0, m = 0 and an exactly zero normalized value for any W.
// Every value after the shift stays fp32 in DEST until the output is packed: (y - m) * inv_std * gamma + beta, m and
// inv_std resident in DEST (layernorm_fused_rm_precise_common.hpp, "Resident operands").
//
// CBs (the FPU kernels' layout, so the same L1): c_24 (bfloat16) takes h = bf16(S) of a row-sum tile S and, in the
// streaming kernel, x0's tile; c_25 (Float32, UnpackToDestFp32) the mean m; c_26 (Float32, NOT UnpackToDestFp32:
// reduce reads it through SrcB) the remainder S - h; c_27 (Float32, UnpackToDestFp32) the partial row-sum tile S,
// then the inverse std. The remainder enters the reduce at least at bf16 precision (at most 2^-8 of |S - h|,
// itself at most 2^-9 |S|: 2^-17 of the row sum).
#pragma once
#include <cstdint>

#include "layernorm_fused_rm_precise_common.hpp"

namespace lnfrm::shifted {
using namespace lnfrm::precise;

constexpr uint32_t cb_partial = cb_inv_std;  // c_27: the running row-sum tile S, then 1 / std
constexpr Split kShiftedSplit{cb_partial, cb_xmm, 1, cb_var};

// DST[w] = x (tile t of c_1) - x0 (column 0 of tile shift_tile of shift_cb, broadcast across the columns).
ALWI void shifted_into(uint32_t t, uint32_t shift_cb, uint32_t shift_tile, uint32_t w) {
    reconfig_data_format(cb_in, shift_cb);
    sub_bcast_cols_init(cb_in, shift_cb);
    sub_tiles_bcast_cols(cb_in, shift_cb, t, shift_tile, w);
}

// One chunk of a statistics pass over `tiles` tiles of c_1: S = (the partial S from c_27 when `partial`) +
// sum_t v_t element-wise in DEST, v_t = y_t (pass 0) or (y_t - m)^2 (pass 1: m resident in DEST, the square added by
// addcmul_tile), masked past W on the row's last tile; S is pushed to c_27. DST 0 S, 1 v_t, 2 scratch, 3 m.
// Pass 0 is one FPU subtraction per tile accumulated into S (sum_shifted, layernorm_fused_rm_precise_common.hpp),
// the masked last tile excepted.
ALWI void stats_chunk(uint32_t pass, uint32_t shift_cb, uint32_t shift_tile, uint32_t tiles, bool partial,
                      bool last_chunk) {
    constexpr uint32_t s_mean = 3;
    tile_regs_acquire();
    if (partial) {
        cb_wait_front(cb_partial, 1);
        copy_from(cb_partial, 0, 0);
    }
    if (pass == 0) {
        sum_shifted(cb_in, shift_cb, shift_tile, tiles, partial, args::partial && last_chunk);
    } else {
        bcast_from<BroadcastType::COL>(cb_mean, 0, s_mean);
        for (uint32_t t = 0; t < tiles; ++t) {
            const uint32_t w = (!partial && t == 0) ? 0 : 1;
            shifted_into(t, shift_cb, shift_tile, w);
            sub_col_dst(w, s_mean);
            if (args::partial && last_chunk && t == tiles - 1) {
                mask_padding(w, 2);
            }
            if (w == 0) {
                square_tile_init();
                square_tile(0);
            } else {
                add_square_dst(0, w);
            }
        }
    }
    tile_regs_commit();
    if (partial) {
        cb_pop_front(cb_partial, 1);
    }
    cb_reserve_back(cb_partial, 1);
    tile_regs_wait();
    pack_reconfig_data_format(cb_partial);
    pack_tile(0, cb_partial);
    tile_regs_release();
    cb_push_back(cb_partial, 1);
}

// The row's statistics from the row-sum tile S in c_27: pass 0 -> m into c_25, pass 1 -> 1 / sqrt(var + eps) into
// c_27.
ALWI void finish_pass(uint32_t pass, uint32_t eps_bits) {
    if (pass == 0) {
        split_reduce_mean(kShiftedSplit, cb_mean);
        cb_wait_front(cb_mean, 1);
    } else {
        split_reduce_inv_std(kShiftedSplit, cb_inv_std, /*shifted=*/false, eps_bits);
        cb_wait_front(cb_inv_std, 1);
    }
}

// Output of `tiles` tiles of c_1: ((y_t - m) * inv_std) * gamma_t + beta_t, untilized into c_16 (output_resident:
// y_t by the FPU subtraction, m and inv_std resident in DEST per section of 2 tiles).
template <uint32_t tiles, bool has_gamma, bool has_beta>
ALWI void shifted_output(uint32_t shift_cb, uint32_t shift_tile) {
    output_resident<tiles, has_gamma, has_beta>(0, [shift_cb, shift_tile](uint32_t t0, uint32_t n) {
        for (uint32_t j = 0; j < n; ++j) {
            shifted_into(t0 + j, shift_cb, shift_tile, j);
        }
    });
}

}  // namespace lnfrm::shifted
