// SPDX-License-Identifier: Apache-2.0
//
// Compute kernel of ttnn.layernorm_fused_rm (TRISC0/1/2). Per tile-row block of 32 rows x Wt tiles:
//
//   tilize      c_0 (row-major)                      -> c_1 (Wt tiles, kept for passes 2, 3 and 6)
//   2 mean      reduce-SUM-row(c_1, scaler 1.0) x 1/W -> c_25      (1/W applied in DEST precision)
//   3 (x-m)^2   sub_bcast_cols(c_1, c_25), square     -> c_24
//   4 variance  reduce-SUM-row(c_24) x 1/W            -> c_26
//   5 inv std   rsqrt(c_26 + eps)                     -> c_27
//   6 x - mean  sub_bcast_cols(c_1, c_25)             -> c_24      (c_1, c_25 popped)
//   7 normalize c_24 * c_27 (bcast cols)              -> c_24, in place: pop 1 / push 1 per tile
//   8 gamma     c_24 * c_6 (bcast rows)               -> c_24, in place
//   9 beta      c_24 + c_7 (bcast rows) in DEST       -> pack_untilize_dest -> c_16 (Wt pages)
//
// The variance is taken from centered values (pass 3), never as E[x^2] - E[x]^2. The squares reuse
// c_24 and the centered values are recomputed in pass 6, so the 13 CBs of the design suffice; passes
// 7 and 8 rotate c_24 through itself (pop the front tile, push its result at the back). The steps live
// in layernorm_fused_rm_compute_common.hpp, shared with the streaming kernel.
//
// Facts from tt-metal 0.81.1 kernel headers: compute_kernel_hw_startup must precede every other
// compute call; REDUCE_ROW leaves each row's value in column 0 of the DEST tile (reduce.h);
// bcast ROW uses row 0 of operand B, bcast COL column 0 (bcast.h); pack_untilize_dest block width is
// at most the DEST capacity (8 tiles 16-bit half-sync, 4 tiles fp32) and must divide the full width.
//
// Compile-time args: compute_ct_args (layernorm_fused_rm_kernel_args.hpp), block_w = the untilize block width
// (tiles, divides Wt, <= DEST capacity). Runtime args: compute_rt_args::num_blocks.
#include <cstdint>

#include "layernorm_fused_rm_compute_common.hpp"

using namespace lnfrm;

void kernel_main() {
    using namespace args;
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt_args::num_blocks);

    // gamma and beta: tilized once, then persistent (popped once at the end, as the scaler and eps).
    begin_kernel(Wt);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Wt);

        // 2: mean; c_1 stays for passes 3 and 6.
        row_sum(cb_in, cb_mean, Wt, inv_w_bits, /*first=*/true, /*last=*/true, partial, /*pop_input=*/false);
        cb_wait_front(cb_mean, 1);

        // 3, 4: variance of the centered values; 5: 1/sqrt(var + eps).
        centered(Wt, /*square=*/true);
        row_sum(cb_xmm, cb_var, Wt, inv_w_bits, /*first=*/true, /*last=*/true, partial, /*pop_input=*/true);
        inv_std();

        // 6: x - mean again; the input tiles and the mean are done after this.
        centered(Wt, /*square=*/false);
        cb_pop_front(cb_in, Wt);
        cb_pop_front(cb_mean, 1);

        // 7: * inv_std in place in c_24; 8, 9: * gamma, + beta, untilize into c_16.
        cb_wait_front(cb_inv_std, 1);
        normalize(Wt);
        cb_pop_front(cb_inv_std, 1);
        affine_untilize<block_w, Wt, has_gamma, has_beta>(0);
    }

    end_kernel(Wt);
}
