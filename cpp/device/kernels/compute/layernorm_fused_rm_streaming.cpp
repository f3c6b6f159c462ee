// SPDX-License-Identifier: Apache-2.0
//
// Streaming compute kernel of ttnn.layernorm_fused_rm, for rows too wide to keep in L1 (the
// LayerNormFusedRMStreamingProgramFactory). The same 13 CBs hold one chunk of Bt tiles instead of a whole
// row; the reader sends every tile-row three times (as upstream's large-tensor layernorm re-reads its
// input per pass):
//
//   pass 1  per chunk: tilize c_0 -> c_1, row sums accumulated in DEST onto the partial in c_25;
//           the last chunk multiplies by 1/W: c_25 = mean
//   pass 2  per chunk: tilize, (x - mean)^2 -> c_24, row sums accumulated onto the partial in c_26;
//           the last chunk multiplies by 1/W: c_26 = variance; then c_27 = 1/sqrt(c_26 + eps)
//   pass 3  per chunk: gamma c_6, beta c_7 (when given; tiles the reader placed) waited for, x tilized c_0 -> c_1;
//           x - mean -> c_24; * inv_std, * gamma, + beta; pack_untilize into c_16 (Bt pages)
//
// The per-tile math and its order are those of the row-resident kernel; a partial sum leaves DEST in the
// CB's format, which for bfloat16 CBs and 16-bit DEST is the rounding DEST applies anyway.
//
// Compile-time args: compute_ct_args (layernorm_fused_rm_kernel_args.hpp), block_w = the chunk width Bt (tiles,
// divides Wt, <= DEST capacity). Runtime args: compute_rt_args::num_blocks.
#include <cstdint>

#include "layernorm_fused_rm_compute_common.hpp"

using namespace lnfrm;

void kernel_main() {
    using namespace args;
    constexpr uint32_t Bt = block_w;  // the chunk width: each row CB holds one chunk
    constexpr uint32_t chunks = Wt / Bt;
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt_args::num_blocks);

    begin_kernel(0);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        // Pass 1: mean.
        for (uint32_t c = 0; c < chunks; ++c) {
            tilize_rows(cb_in_rm, cb_in, Bt);
            row_sum(cb_in, cb_mean, Bt, inv_w_bits, c == 0, c == chunks - 1, partial, /*pop_input=*/true);
        }
        cb_wait_front(cb_mean, 1);

        // Pass 2: variance of the centered values, then the inverse std.
        for (uint32_t c = 0; c < chunks; ++c) {
            tilize_rows(cb_in_rm, cb_in, Bt);
            cb_wait_front(cb_in, Bt);
            centered(Bt, /*square=*/true);
            cb_pop_front(cb_in, Bt);
            row_sum(cb_xmm, cb_var, Bt, inv_w_bits, c == 0, c == chunks - 1, partial, /*pop_input=*/true);
        }
        inv_std();

        // Pass 3: normalize, scale, shift, untilize, chunk by chunk.
        cb_wait_front(cb_inv_std, 1);
        for (uint32_t c = 0; c < chunks; ++c) {
            wait_affine<has_gamma, has_beta>(Bt);
            tilize_rows(cb_in_rm, cb_in, Bt);
            cb_wait_front(cb_in, Bt);
            centered(Bt, /*square=*/false);
            cb_pop_front(cb_in, Bt);
            normalize(Bt);
            affine_untilize<Bt, Bt, has_gamma, has_beta>(0);
            pop_affine<has_gamma, has_beta>(Bt);
        }
        cb_pop_front(cb_inv_std, 1);
        cb_pop_front(cb_mean, 1);
    }
    end_kernel(0);
}
