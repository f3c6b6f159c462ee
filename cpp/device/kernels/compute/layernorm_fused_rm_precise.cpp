// SPDX-License-Identifier: Apache-2.0
//
// Precise compute kernel of ttnn.layernorm_fused_rm (row-resident program, FLOAT32 input; fp32 DEST).
//
// The numerics (why SFPU math in DEST, the bf16 split of row sums, resident operands) are described in
// layernorm_fused_rm_precise_common.hpp.
// Statistics (the corrected two-pass algorithm with a cheap first shift): pass A sums x - x0, x0 the row's first
// element, whose rounding errs by at most 2^-24 |x - x0| <= 2^-23 max |x - mean| (relative to the row's spread, not
// its mean: rows x ~ 1e4 +- 1 lose nothing to cancellation). Its row sum rounds relative to those shifted values, so
// m1 = x0 + mean(x - x0) is the mean only to within that error; pass B sums d = x - m1 and d^2 (d is exact by
// Sterbenz when the mean is large against the spread), m2 = mean(d) corrects the mean and var = mean(d^2) - m2^2
// (m2 is that small error: no cancellation), and the output centers by x - m1 - m2. Every per-row operand (x0, m1,
// m2, 1 / std) is resident in DEST while it is used (layernorm_fused_rm_precise_common.hpp, "Resident operands").
//
// Per tile-row block of 32 rows x Wt tiles (DST: fp32, 4 tiles per half-sync section):
//   tilize      c_0 -> c_1 (exact: UnpackToDestFp32), kept for all passes; c_1 tile 0 copied to c_25 (x0)
//   A  m        S = sum_t (x_t - x0)               -> c_24; 3 bf16 parts -> c_26; reduce, x 1/W -> c_25 tile 1
//               m1 = x0 + m                                                                     -> c_25 tile 0
//   B  m2, std  S1 = sum_t d_t -> c_24, S2 = sum_t d_t^2 -> c_27 (d = x - m1), in blocks of Bs tiles, one DEST
//               section each, the totals of the blocks before added at a block's end (centered_sums_chunk: no chain
//               of roundings longer than max(Bs, Wt / Bs)); S1 split, reduce, x 1/W -> c_25 tile 1 (m2); S2 split,
//               reduce, x 1/W, - m2^2, + eps, rsqrt, 2 Newton steps -> c_27
//   C  output   ((x_t - m1 - m2) * inv_std) * gamma_t + beta_t in DEST -> pack_untilize_dest -> c_16, 2 tiles per
//               DEST section (output_resident)
// CB use (roles of the 13-CB design): the centered values live in DEST, so c_24 holds one tile, an element-wise
// sum; c_25 holds x0 and m, then m1 and m2; c_26 the three bf16 parts of a sum (3 bfloat16 pages); c_27 S2, then
// the inverse std; c_3 (bf16 eps) is waited and popped for the reader's sake, eps itself is runtime arg eps_bits.
//
// Compile-time args: compute_ct_args (layernorm_fused_rm_kernel_args.hpp); block_w = Bs, pass B's block: the chunk
// width the streaming program would take for this Wt (streaming_chunk, layernorm_fused_rm_program_factory.cpp), so
// the two programs sum in the same order and agree bit for bit (the output's block is resident_block_w<Wt>()).
// Runtime args: compute_rt_args::num_blocks, eps_bits.
#include <cstdint>

#include "layernorm_fused_rm_precise_common.hpp"

using namespace lnfrm;
using namespace lnfrm::precise;

void kernel_main() {
    using namespace args;
    constexpr uint32_t Bs = block_w;  // pass B's block: the streaming program's chunk width for this Wt
    constexpr uint32_t kBlocks = Wt / Bs;
    static_assert(Bs >= 1 && Wt % Bs == 0, "the block width divides Wt");
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt_args::num_blocks);
    const uint32_t eps_bits = get_arg_val<uint32_t>(rt_args::eps_bits);

    // gamma and beta: tilized once, then persistent (popped once at the end, as the scaler and eps).
    begin_kernel(Wt);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Wt);
        cb_wait_front(cb_in, Wt);

        stage_x0();                                             // x0 -> c_25 tile 0
        x0_sum_chunk(Wt, /*partial=*/false, /*last_chunk=*/true, 1);
        split_reduce_mean(kPreciseSplit, cb_mean);  // m -> c_25 tile 1
        shift_to_mean();                                        // m1 -> c_25 tile 0
        for (uint32_t b = 0; b < kBlocks; ++b) {  // S1 -> c_24, S2 -> c_27, block by block
            centered_sums_chunk(b * Bs, Bs, /*partial=*/b > 0, /*last_chunk=*/b == kBlocks - 1, cb_sum, cb_inv_std);
        }
        split_reduce_mean(kPreciseSplit, cb_mean);  // m2 -> c_25 tile 1
        cb_wait_front(cb_mean, 2);
        split_reduce_inv_std(Split{cb_inv_std, cb_split, 3, kNoCb}, cb_inv_std, /*shifted=*/true, eps_bits);
        cb_wait_front(cb_inv_std, 1);

        output_resident<Wt, has_gamma, has_beta>(1, shift_by_m1);

        cb_pop_front(cb_in, Wt);
        cb_pop_front(cb_mean, 2);
        cb_pop_front(cb_inv_std, 1);
    }

    end_kernel(Wt);
}
