// SPDX-License-Identifier: Apache-2.0
//
// Precise compute kernel of ttnn.layernorm_fused_rm (row-resident program, FLOAT32 input; fp32 DEST).
//
// The numerics (why SFPU math in DEST, the bf16 split of row sums, m1 + m2) are described in
// layernorm_fused_rm_precise_common.hpp.
//
// Per tile-row block of 32 rows x Wt tiles (DST: fp32, 4 tiles per half-sync section, 8 full-sync):
//   tilize      c_0 -> c_1 (exact: UnpackToDestFp32), kept for all passes
//   A  m1       S = sum_t x_t (element-wise, SFPU) -> c_24; 3 bf16 parts -> c_26; reduce, x 1/W -> c_25 tile 0
//   B  m2       S = sum_t (x_t - m1)                 -> c_24; 3 bf16 parts -> c_26; reduce, x 1/W -> c_25 tile 1
//   C  inv std  S = sum_t (x_t - m1 - m2)^2          -> c_24; parts -> c_26; reduce, x 1/W, + eps, rsqrt, 2 Newton steps -> c_27
//   D  output   ((x_t - m1 - m2) * inv_std) * gamma_t + beta_t in DEST -> pack_untilize_dest -> c_16
// CB use (roles of the 13-CB design): the centered values live in DEST, so c_24 holds one tile, the element-wise
// sum S of the centered values (or of x, or of their squares); c_25 holds the mean as two tiles (m1, m2);
// c_26 holds the three bf16 parts of S (3 bfloat16 pages), whose row sums give the variance; c_3 (bf16 eps) is
// waited and popped for the reader's sake, eps itself is runtime arg eps_bits in fp32.
//
// Compile-time args: compute_ct_args (layernorm_fused_rm_kernel_args.hpp), block_w = the untilize block width
// (divides Wt, at most DEST capacity - 1). Runtime args: compute_rt_args::num_blocks, eps_bits.
#include <cstdint>

#include "layernorm_fused_rm_precise_common.hpp"

using namespace lnfrm;
using namespace lnfrm::precise;

namespace {
// Pass `stage` (0: x, 1: x - m1, 2: (x - m1 - m2)^2): the element-wise sum over the row's Wt tiles, in DEST,
// packed into c_24.
ALWI void row_tile_sum(uint32_t stage) {
    tile_sum(args::Wt, cb_sum, [stage](uint32_t t, uint32_t w, uint32_t tmp) {
        if (stage == 0) {
            copy_from(cb_in, t, w);
        } else {
            centered_into(t, w, tmp, stage, t == args::Wt - 1);
            if (stage == 2) {
                square_tile_init();
                square_tile(w);
            }
        }
    });
}
}  // namespace

void kernel_main() {
    using namespace args;
    static_assert(block_w >= 1, "the factory sizes the untilize block to DEST capacity - 1 (one scratch tile)");
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt_args::num_blocks);
    const uint32_t eps_bits = get_arg_val<uint32_t>(rt_args::eps_bits);

    // gamma and beta: tilized once, then persistent (popped once at the end, as the scaler and eps).
    begin_kernel(Wt);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Wt);
        cb_wait_front(cb_in, Wt);

        row_tile_sum(0);
        split_reduce(kPreciseSplit, cb_mean, Finish::Mean, 0);  // m1
        cb_wait_front(cb_mean, 1);
        row_tile_sum(1);
        split_reduce(kPreciseSplit, cb_mean, Finish::Mean, 0);  // m2
        cb_wait_front(cb_mean, 2);
        row_tile_sum(2);
        split_reduce(kPreciseSplit, cb_inv_std, Finish::InvStd, eps_bits);
        cb_wait_front(cb_inv_std, 1);

        output_block<block_w, Wt, has_gamma, has_beta>(/*last_chunk=*/true);

        cb_pop_front(cb_in, Wt);
        cb_pop_front(cb_mean, 2);
        cb_pop_front(cb_inv_std, 1);
    }

    end_kernel(Wt);
}
