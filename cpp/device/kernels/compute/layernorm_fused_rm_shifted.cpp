// SPDX-License-Identifier: Apache-2.0
//
// Shifted compute kernel of ttnn.layernorm_fused_rm (row-resident program, BFLOAT16 input, fp32_dest_acc_en: the
// op's default). The numerics (shift by the row's first element, fp32 SFPU math in DEST, bf16 split of row sums)
// are described in layernorm_fused_rm_shifted_common.hpp and layernorm_fused_rm_precise_common.hpp.
//
// Per tile-row block of 32 rows x Wt tiles (DST: fp32, 4 tiles per half-sync section, 8 full-sync):
//   tilize      c_0 -> c_1 (bf16), kept for all passes; x0 = column 0 of c_1 tile 0
//   A  mean     S = sum_t (x_t - x0) (one FPU subtraction per tile accumulated into DEST; the masked last tile
//               subtracted, masked and added on the SFPU) -> c_27; bf16(S) -> c_24, rest -> c_26;
//               reduce, x 1/W                                                          -> c_25 (m)
//   B  inv std  S = sum_t (x_t - x0 - m)^2 (m resident in DEST, SFPU subtract, square added by addcmul) -> c_27;
//               split, reduce, x 1/W, + eps, rsqrt, 2 Newton steps -> c_27
//   C  output   ((x_t - x0 - m) * inv_std) * gamma_t + beta_t in DEST (m, inv_std resident per 2-tile section)
//               -> pack_untilize_dest -> c_16
//
// Compile-time args: compute_ct_args (layernorm_fused_rm_kernel_args.hpp); block_w is not used (the output's block
// is resident_block_w<Wt>()). Runtime args: compute_rt_args::num_blocks, eps_bits.
#include <cstdint>

#include "layernorm_fused_rm_shifted_common.hpp"

using namespace lnfrm;
using namespace lnfrm::shifted;

void kernel_main() {
    using namespace args;
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt_args::num_blocks);
    const uint32_t eps_bits = get_arg_val<uint32_t>(rt_args::eps_bits);

    // gamma and beta: tilized once, then persistent (popped once at the end, as the scaler and eps).
    begin_kernel(Wt);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Wt);
        cb_wait_front(cb_in, Wt);

        for (uint32_t pass = 0; pass < 2; ++pass) {
            stats_chunk(pass, cb_in, 0, Wt, /*partial=*/false, /*last_chunk=*/true);
            finish_pass(pass, eps_bits);
        }
        shifted_output<Wt, has_gamma, has_beta>(cb_in, 0);

        cb_pop_front(cb_in, Wt);
        cb_pop_front(cb_mean, 1);
        cb_pop_front(cb_inv_std, 1);
    }

    end_kernel(Wt);
}
