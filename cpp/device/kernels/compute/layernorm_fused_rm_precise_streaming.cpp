// SPDX-License-Identifier: Apache-2.0
//
// Precise streaming compute kernel of ttnn.layernorm_fused_rm (LayerNormFusedRMStreamingProgramFactory with
// FLOAT32 input; fp32 DEST): rows too wide for L1, one chunk of Bt tiles at a time, the reader sending every
// tile-row three times as for layernorm_fused_rm_streaming.cpp. The numerics are those of the row-resident
// precise kernel (layernorm_fused_rm_precise_common.hpp); the variance comes from the same pass as the mean
// correction m2:
//
//   pass 1  per chunk: tilize c_0 -> c_1; S1 += sum_t x_t in DEST (the partial S1 kept in c_24 between
//           chunks); then m1 = row sum of S1 / W                                        -> c_25 tile 0
//   pass 2  per chunk: tilize; d = x - m1 (masked past W); S2 += sum_t d, S3 += sum_t d^2 (partials in c_24);
//           then m2 = row sum of S2 / W                                                   -> c_25 tile 1
//           and inv_std = 1 / sqrt(row sum of S3 / W - m2^2 + eps)                        -> c_27
//           (var = E[d^2] - E[d]^2 with E[d] = m2 the tiny error of m1: no cancellation)
//   pass 3  per chunk: tilize gamma c_4 -> c_6, beta c_5 -> c_7 (when given), x c_0 -> c_1;
//           ((x - m1 - m2) * inv_std) * gamma + beta in DEST -> pack_untilize_dest -> c_16 (Bt pages)
//
// c_24 holds 2 pages and every push into it is 2 tiles (pass 1 packs S1 twice), so its reserves never
// straddle the end of the CB.
//
// Compile-time args: compute_ct_args (layernorm_fused_rm_kernel_args.hpp), block_w = the chunk width Bt (tiles,
// divides Wt, at most DEST capacity - 1). Runtime args: compute_rt_args::num_blocks, eps_bits.
#include <cstdint>

#include "layernorm_fused_rm_precise_common.hpp"

using namespace lnfrm;
using namespace lnfrm::precise;

namespace {
// Ends a chunk's DST section: frees the previous partial sums (when there are any) and the chunk's `tiles`
// input tiles, then stores DST tiles dst_a and dst_b as the two new partial tiles of c_24.
ALWI void store_partials(bool had_partials, uint32_t tiles, uint32_t dst_a, uint32_t dst_b) {
    tile_regs_commit();
    if (had_partials) {
        cb_pop_front(cb_sum, 2);
    }
    cb_pop_front(cb_in, tiles);
    cb_reserve_back(cb_sum, 2);
    tile_regs_wait();
    pack_reconfig_data_format(cb_sum);
    pack_tile(dst_a, cb_sum);
    pack_tile(dst_b, cb_sum);
    tile_regs_release();
    cb_push_back(cb_sum, 2);
}
}  // namespace

void kernel_main() {
    using namespace args;
    constexpr uint32_t Bt = block_w;  // the chunk width: each row CB holds one chunk
    constexpr uint32_t chunks = Wt / Bt;
    static_assert(Bt >= 1, "the factory sizes the chunk to DEST capacity - 1 (one scratch tile)");
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt_args::num_blocks);
    const uint32_t eps_bits = get_arg_val<uint32_t>(rt_args::eps_bits);

    begin_kernel(0);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        // Pass 1: S1 = element-wise sum of x over the row (DST 0; DST 1 the next tile).
        for (uint32_t c = 0; c < chunks; ++c) {
            tilize_rows(cb_in_rm, cb_in, Bt);
            cb_wait_front(cb_in, Bt);
            tile_regs_acquire();
            if (c > 0) {
                cb_wait_front(cb_sum, 2);
                copy_from(cb_sum, 0, 0);
            }
            for (uint32_t t = 0; t < Bt; ++t) {
                const bool first = c == 0 && t == 0;
                copy_from(cb_in, t, first ? 0 : 1);
                if (!first) {
                    add_dst(0, 1);
                }
            }
            store_partials(c > 0, Bt, 0, 0);  // S1, twice: every push into c_24 is 2 tiles
        }
        split_reduce(kPreciseSplit, cb_mean, Finish::Mean, 0);  // m1
        cb_wait_front(cb_sum, 1);  // the second copy of S1
        cb_pop_front(cb_sum, 1);
        cb_wait_front(cb_mean, 1);

        // Pass 2: S2 = sum of d = x - m1 (DST 0), S3 = sum of d^2 (DST 1); DST 2 the next d, DST 3 scratch.
        for (uint32_t c = 0; c < chunks; ++c) {
            tilize_rows(cb_in_rm, cb_in, Bt);
            cb_wait_front(cb_in, Bt);
            tile_regs_acquire();
            if (c > 0) {
                cb_wait_front(cb_sum, 2);
                copy_from(cb_sum, 0, 0);
                copy_from(cb_sum, 1, 1);
            }
            for (uint32_t t = 0; t < Bt; ++t) {
                const bool last_tile = c == chunks - 1 && t == Bt - 1;
                if (c == 0 && t == 0) {
                    centered_into(t, 0, 3, 1, last_tile);
                    mul_binary_tile_init();
                    mul_binary_tile(0, 0, 1);
                } else {
                    centered_into(t, 2, 3, 1, last_tile);
                    mul_binary_tile_init();
                    mul_binary_tile(2, 2, 3);
                    add_dst(0, 2);
                    add_dst(1, 3);
                }
            }
            store_partials(c > 0, Bt, 0, 1);  // S2, S3
        }
        split_reduce(kPreciseSplit, cb_mean, Finish::Mean, 0);  // m2, from S2
        cb_wait_front(cb_mean, 2);
        split_reduce(kPreciseSplit, cb_inv_std, Finish::InvStdShifted, eps_bits);  // from S3
        cb_wait_front(cb_inv_std, 1);

        // Pass 3: normalize, scale, shift, untilize, chunk by chunk.
        for (uint32_t c = 0; c < chunks; ++c) {
            tilize_affine<has_gamma, has_beta>(Bt);
            tilize_rows(cb_in_rm, cb_in, Bt);
            cb_wait_front(cb_in, Bt);
            output_block<Bt, Bt, has_gamma, has_beta>(c == chunks - 1);
            cb_pop_front(cb_in, Bt);
            pop_affine<has_gamma, has_beta>(Bt);
        }
        cb_pop_front(cb_inv_std, 1);
        cb_pop_front(cb_mean, 2);
    }
    end_kernel(0);
}
