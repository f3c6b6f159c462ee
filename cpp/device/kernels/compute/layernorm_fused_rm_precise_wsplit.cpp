// SPDX-License-Identifier: Apache-2.0
//
// Precise compute kernel of the W-split program (FLOAT32 input; fp32 DEST). Design of the program and the writer's
// exchange: layernorm_fused_rm_wsplit_program_factory.cpp; numerics (no FPU read of an UnpackToDestFp32 CB, fp32
// SFPU arithmetic in DEST, row sums from bf16 parts): layernorm_fused_rm_precise_common.hpp.
//
// Per tile-row, on this core's slice of Ws tiles (DST: fp32, 4 tiles per half-sync section, 8 full-sync):
//   tilize    c_0 -> c_1 (exact: UnpackToDestFp32), kept until the output
//   m_i       S = sum_t x_t (SFPU) -> c_27; 3 bf16 parts -> c_24; reduce, x 1 / w_i -> c_27; copied -> c_26 page 0
//   M2_i      S = sum_t (x_t - m_i)^2 (masked past W) -> c_27 (m_i popped); parts -> c_24; reduce -> c_26 page 1
//   (the writer exchanges m_i, M2_i as fp32 with the other cores of the tile-row and combines them: c_25)
//   inv std   1 / sqrt(c_25 tile 1 + eps): rsqrt, 2 Newton steps                   -> c_27
//   output    ((x_t - c_25 tile 0) * inv_std) * gamma_t + beta_t in DEST -> pack_untilize_dest -> c_16
// M2_i is centred on the m_i the writer receives (the same fp32 tile), so the writer's combination sees consistent pairs.
// w_i is the number of valid columns of the slice; the last slice's partial last tile (W % 32 != 0) holds zeros past
// W in c_1 (the reader zeroes c_0), and x - m_i there is masked with the partial scaler tile c_2[1].
//
// CBs (precise roles): c_1 Float32 (UnpackToDestFp32), Ws pages; c_24 the three bf16 parts of a row-sum tile (not
// marked: reduce reads it through SrcB); c_25 Float32 (marked), from the writer: combined mean, variance, exchange
// area (never read here); c_26 Float32, 2 pages, to the writer: m_i, M2_i; c_27 Float32 (marked), 1 page: the
// row-sum tile S, then m_i, then S of the squares, then the inverse std; c_3 (bf16 eps) waited and popped for the
// reader's sake, eps itself is runtime arg eps_bits in fp32.
//
// Compile-time args: compute_ct_args with Wt = Ws (inv_w_bits unused), block_w = the untilize block width (divides
// Ws, at most DEST capacity - 1), then wsplit_compute_ct_args; runtime args: wsplit_compute_rt_args including
// eps_bits (layernorm_fused_rm_kernel_args.hpp).
#include <cstdint>

#include "layernorm_fused_rm_precise_common.hpp"

using namespace lnfrm;
using namespace lnfrm::precise;

namespace {
constexpr uint32_t exchange_pages =
    get_compile_time_arg_val(layernorm_fused_rm::wsplit_compute_ct_args::exchange_pages);
constexpr uint32_t cb_row = cb_inv_std;    // c_27: S, m_i, S of the squares, 1 / std
constexpr uint32_t cb_partials = cb_var;   // c_26: m_i, M2_i to the writer
constexpr Split kSliceSplit{cb_row, cb_xmm, 3, kNoCb};  // S in c_27, its three bf16 parts in c_24
constexpr uint32_t kOneBits = 0x3f800000u;  // 1.0f: M2_i is a plain sum

// The front tile of icb (Float32, UnpackToDestFp32: exact in DEST) packed into ocb, icb not popped.
ALWI void copy_tile_to(uint32_t icb, uint32_t ocb) {
    tile_regs_acquire();
    copy_from(icb, 0, 0);
    tile_regs_commit();
    pack_to(ocb);
}
}  // namespace

void kernel_main() {
    using namespace args;
    constexpr uint32_t Ws = Wt;
    static_assert(block_w >= 1, "the factory sizes the untilize block to DEST capacity - 1 (one scratch tile)");
    namespace rt = layernorm_fused_rm::wsplit_compute_rt_args;
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt::num_blocks);
    const uint32_t inv_w_slice_bits = get_arg_val<uint32_t>(rt::inv_w_slice_bits);
    const bool partial_last_tile = get_arg_val<uint32_t>(rt::partial_last_tile) != 0;
    const uint32_t eps_bits = get_arg_val<uint32_t>(rt::eps_bits);

    begin_kernel(Ws);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Ws);
        cb_wait_front(cb_in, Ws);

        // m_i: the slice mean, to c_27 (for the squares) and c_26 page 0 (to the writer).
        tile_sum(Ws, cb_row, [](uint32_t t, uint32_t w, uint32_t) { copy_from(cb_in, t, w); });
        split_reduce(kSliceSplit, cb_row, Finish::Mean, 0, inv_w_slice_bits);
        cb_wait_front(cb_row, 1);
        copy_tile_to(cb_row, cb_partials);

        // M2_i = sum over the slice of (x - m_i)^2, to c_26 page 1; m_i popped from c_27 before S takes its page.
        tile_sum(
            Ws, cb_row,
            [partial_last_tile](uint32_t t, uint32_t w, uint32_t tmp) {
                copy_from(cb_in, t, w);
                bcast_from<BroadcastType::COL>(cb_row, 0, tmp);
                sub_dst(w, tmp);
                if (partial && partial_last_tile && t == Ws - 1) {
                    mask_padding(w, tmp);
                }
                square_tile_init();
                square_tile(w);
            },
            /*pop_cb=*/cb_row);
        split_reduce(kSliceSplit, cb_partials, Finish::Mean, 0, kOneBits);

        // The row's statistics, combined by the writer from every slice's partials.
        cb_wait_front(cb_mean, exchange_pages);
        inv_std_of(cb_mean, /*var_tile=*/1, eps_bits, cb_inv_std);
        cb_wait_front(cb_inv_std, 1);
        output_block<block_w, Ws, has_gamma, has_beta>(
            partial_last_tile,
            [](uint32_t t, uint32_t j, uint32_t tmp, bool last_tile) { centered_into(t, j, tmp, 1, last_tile); });

        cb_pop_front(cb_in, Ws);
        cb_pop_front(cb_mean, exchange_pages);
        cb_pop_front(cb_inv_std, 1);
    }

    end_kernel(Ws);
}
