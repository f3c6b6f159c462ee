// SPDX-License-Identifier: Apache-2.0
//
// Precise streaming compute kernel of ttnn.layernorm_fused_rm (LayerNormFusedRMStreamingProgramFactory with
// FLOAT32 input; fp32 DEST): rows too wide for L1, one chunk of Bt tiles at a time, the reader sending every
// tile-row three times as for layernorm_fused_rm_streaming.cpp. The numerics are those of the row-resident
// precise kernel (layernorm_fused_rm_precise.cpp: x0 shift, m1 = x0 + mean(x - x0), m2 and the variance from one pass
// over d = x - m1; the shared steps in layernorm_fused_rm_precise_common.hpp), in the same order, so the two programs
// agree bit for bit:
//
//   pass 1  chunk 0: the row's first tile copied into c_25 (x0, exact); per chunk: tilize c_0 -> c_1;
//           S += sum_t (x_t - x0) in DEST (the partial S kept in c_24 between chunks); then
//           m = row sum of S / W -> c_25 tile 1; m1 = x0 + m -> c_25 tile 0
//   pass 2  per chunk: tilize; d = x - m1 (masked past W); the chunk's sum_t d and sum_t d^2, to which the totals of
//           the chunks before (c_24) are added at its end (centered_sums_chunk: no chain of roundings longer than
//           max(Bt, Wt / Bt)); then
//           m2 = row sum of S1 / W -> c_25 tile 1 and inv_std = 1 / sqrt(row sum of S2 / W - m2^2 + eps) -> c_27
//   pass 3  per chunk: gamma c_6, beta c_7 (when given; tiles the reader placed) waited for, x tilized c_0 -> c_1;
//           ((x - m1 - m2) * inv_std) * gamma + beta in DEST -> pack_untilize_dest -> c_16 (Bt pages)
//
// c_24 holds 2 pages and every push into it is 2 tiles (pass 1 packs S twice), so its reserves never straddle the
// end of the CB.
//
// Compile-time args: compute_ct_args (layernorm_fused_rm_kernel_args.hpp), block_w = the chunk width Bt (tiles,
// divides Wt: streaming_chunk, layernorm_fused_rm_program_factory.cpp). Runtime args: num_blocks, eps_bits.
#include <cstdint>

#include "layernorm_fused_rm_precise_common.hpp"

using namespace lnfrm;
using namespace lnfrm::precise;

void kernel_main() {
    using namespace args;
    constexpr uint32_t Bt = block_w;  // the chunk width: each row CB holds one chunk
    constexpr uint32_t chunks = Wt / Bt;
    static_assert(Bt >= 1 && Wt % Bt == 0, "the chunk width divides Wt");
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt_args::num_blocks);
    const uint32_t eps_bits = get_arg_val<uint32_t>(rt_args::eps_bits);

    begin_kernel(0);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        // Pass 1: S = element-wise sum of x - x0 over the row.
        for (uint32_t c = 0; c < chunks; ++c) {
            tilize_rows(cb_in_rm, cb_in, Bt);
            cb_wait_front(cb_in, Bt);
            if (c == 0) {
                stage_x0();  // the row's first tile: x0 is its column 0
            }
            x0_sum_chunk(Bt, /*partial=*/c > 0, /*last_chunk=*/c == chunks - 1, 2);
            cb_pop_front(cb_in, Bt);
        }
        split_reduce_mean(kPreciseSplit, cb_mean);  // m -> c_25 tile 1
        cb_wait_front(cb_sum, 1);  // the second copy of S
        cb_pop_front(cb_sum, 1);
        shift_to_mean();  // m1 -> c_25 tile 0

        // Pass 2: S1 = sum of d = x - m1, S2 = sum of d^2.
        for (uint32_t c = 0; c < chunks; ++c) {
            tilize_rows(cb_in_rm, cb_in, Bt);
            cb_wait_front(cb_in, Bt);
            centered_sums_chunk(0, Bt, /*partial=*/c > 0, /*last_chunk=*/c == chunks - 1, cb_sum, cb_sum);
            cb_pop_front(cb_in, Bt);
        }
        split_reduce_mean(kPreciseSplit, cb_mean);  // m2, from S1
        cb_wait_front(cb_mean, 2);
        split_reduce_inv_std(kPreciseSplit, cb_inv_std, /*shifted=*/true, eps_bits);  // from S2
        cb_wait_front(cb_inv_std, 1);

        // Pass 3: normalize, scale, shift, untilize, chunk by chunk.
        for (uint32_t c = 0; c < chunks; ++c) {
            wait_affine<has_gamma, has_beta>(Bt);
            tilize_rows(cb_in_rm, cb_in, Bt);
            cb_wait_front(cb_in, Bt);
            output_resident<Bt, has_gamma, has_beta>(1, shift_by_m1);
            cb_pop_front(cb_in, Bt);
            pop_affine<has_gamma, has_beta>(Bt);
        }
        cb_pop_front(cb_inv_std, 1);
        cb_pop_front(cb_mean, 2);
    }
    end_kernel(0);
}
