// SPDX-License-Identifier: Apache-2.0
//
// Shifted streaming compute kernel of ttnn.layernorm_fused_rm (LayerNormFusedRMStreamingProgramFactory with
// BFLOAT16 input and fp32_dest_acc_en): rows too wide for L1, one chunk of Bt tiles at a time, the reader sending
// every tile-row three times as for layernorm_fused_rm_streaming.cpp. Same math, in the same order, as the
// row-resident shifted kernel (layernorm_fused_rm_shifted_common.hpp), so the two programs agree bit for bit:
//
//   each pass, chunk 0: the row's first tile is copied into c_24 (bf16, exact) and kept for the pass: x0 is its
//                       column 0 for every chunk
//   pass 1  per chunk: S += sum_t (x_t - x0), the partial S kept in c_27 between chunks; then m -> c_25
//   pass 2  per chunk: S += sum_t (x_t - x0 - m)^2; then 1 / sqrt(var + eps)                          -> c_27
//   pass 3  per chunk: gamma c_6, beta c_7 (when given; tiles the reader placed) waited for, x tilized c_0 -> c_1;
//           ((x_t - x0 - m) * inv_std) * gamma + beta in DEST -> pack_untilize_dest -> c_16 (Bt pages)
//
// Compile-time args: compute_ct_args (layernorm_fused_rm_kernel_args.hpp), block_w = the chunk width Bt (divides
// Wt: streaming_chunk, layernorm_fused_rm_program_factory.cpp). Runtime args: num_blocks, eps_bits.
#include <cstdint>

#include "layernorm_fused_rm_shifted_common.hpp"

using namespace lnfrm;
using namespace lnfrm::shifted;

namespace {
// Copies tile 0 of c_1 (the row's first tile) into c_24: the shift x0 for the rest of the pass.
ALWI void stage_shift() {
    tile_regs_acquire();
    copy_from(cb_in, 0, 0);  // bf16 through SrcA: exact
    tile_regs_commit();
    cb_reserve_back(cb_xmm, 1);
    tile_regs_wait();
    pack_reconfig_data_format(cb_xmm);
    pack_tile(0, cb_xmm);
    tile_regs_release();
    cb_push_back(cb_xmm, 1);
    cb_wait_front(cb_xmm, 1);
}
}  // namespace

void kernel_main() {
    using namespace args;
    constexpr uint32_t Bt = block_w;  // the chunk width: each row CB holds one chunk
    constexpr uint32_t chunks = Wt / Bt;
    static_assert(Bt >= 1 && Wt % Bt == 0, "the chunk width divides Wt");
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt_args::num_blocks);
    const uint32_t eps_bits = get_arg_val<uint32_t>(rt_args::eps_bits);

    begin_kernel(0);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        // Passes 1 and 2: the statistics.
        for (uint32_t pass = 0; pass < 2; ++pass) {
            for (uint32_t c = 0; c < chunks; ++c) {
                tilize_rows(cb_in_rm, cb_in, Bt);
                cb_wait_front(cb_in, Bt);
                if (c == 0) {
                    stage_shift();
                }
                stats_chunk(pass, cb_xmm, 0, Bt, /*partial=*/c > 0, /*last_chunk=*/c == chunks - 1);
                cb_pop_front(cb_in, Bt);
            }
            cb_pop_front(cb_xmm, 1);  // x0: c_24 takes bf16(S) next
            finish_pass(pass, eps_bits);
        }

        // Pass 3: normalize, scale, shift, untilize, chunk by chunk.
        for (uint32_t c = 0; c < chunks; ++c) {
            wait_affine<has_gamma, has_beta>(Bt);
            tilize_rows(cb_in_rm, cb_in, Bt);
            cb_wait_front(cb_in, Bt);
            if (c == 0) {
                stage_shift();
            }
            shifted_output<Bt, has_gamma, has_beta>(cb_xmm, 0);
            cb_pop_front(cb_in, Bt);
            pop_affine<has_gamma, has_beta>(Bt);
        }
        cb_pop_front(cb_xmm, 1);
        cb_pop_front(cb_inv_std, 1);
        cb_pop_front(cb_mean, 1);
    }
    end_kernel(0);
}
