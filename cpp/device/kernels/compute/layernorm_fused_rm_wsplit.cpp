// SPDX-License-Identifier: Apache-2.0
//
// Compute kernel of the W-split program (layernorm_fused_rm_wsplit_program_factory.cpp: design, CB roles). Per
// tile-row, on this core's slice of Ws tiles:
//
//   tilize     c_0                                         -> c_1 (Ws tiles, kept until x - mean)
//   m_i        reduce-SUM-row(c_1) x 1 / w_i               -> c_27 (for the squares) and c_26 page 0 (to the writer)
//   M2_i       reduce-SUM-row((c_1 - m_i)^2 via c_24)      -> c_26 page 1 (to the writer)
//   (the writer exchanges the partials with the other cores of the tile-row and combines them)
//   inv std    rsqrt(c_25 tile 1 + eps)                    -> c_27      (c_25: P pages from the writer)
//   x - mean   sub_bcast_cols(c_1, c_25 tile 0)            -> c_24      (c_1, c_25 popped)
//   normalize, gamma, beta, untilize: as the row-resident kernel, on the slice (gamma/beta hold the slice, as tiles
//              the reader placed in c_6 / c_7: reader affine_flag::pretiled, waited for once); with both gamma and
//              beta the * gamma pass runs over the whole slice, then + beta and the untilize into c_16 one chunk of
//              Bc = chunk_tiles tiles at a time (c_0 is staged in such chunks too)
//
// w_i is the number of valid columns of the slice (Ws * 32, less in the last slice when W % 32 != 0, whose last
// tile is then reduced with the partial scaler tile). Compile-time args: compute_ct_args with Wt = Ws (inv_w_bits
// unused; block_w divides Bc), then wsplit_compute_ct_args (exchange_pages, chunk_tiles = Bc); runtime args:
// wsplit_compute_rt_args (layernorm_fused_rm_kernel_args.hpp).
#include <cstdint>

#include "layernorm_fused_rm_compute_common.hpp"

using namespace lnfrm;

namespace {
constexpr uint32_t exchange_pages =
    get_compile_time_arg_val(layernorm_fused_rm::wsplit_compute_ct_args::exchange_pages);
// Bc: the row-major staging chunk (c_0, c_16 hold Bc pages, and the reader's c_4, c_5; c_1, c_6, c_7, c_24 the whole
// slice).
constexpr uint32_t chunk_tiles = get_compile_time_arg_val(layernorm_fused_rm::wsplit_compute_ct_args::chunk_tiles);

// Slice mean: the row sum of the Ws tiles of c_1 times 1 / w_i, packed twice from the same DEST tile (no copy
// through the 19-bit source registers, which would truncate it to TF32): into c_27 for the squares and c_26 for
// the writer.
ALWI void slice_mean(uint32_t inv_w_bits, bool partial_last_tile) {
    constexpr uint32_t Ws = args::Wt;
    cb_wait_front(cb_in, Ws);
    tile_regs_acquire();
    formats(cb_scaler, cb_in, cb_inv_std);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, cb_inv_std);
    for (uint32_t t = 0; t < Ws; ++t) {
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, t,
                                                          (partial_last_tile && t == Ws - 1) ? 1 : 0, 0);
    }
    binop_with_scalar_tile_init();
    mul_unary_tile(0, inv_w_bits);
    tile_regs_commit();
    cb_reserve_back(cb_inv_std, 1);
    cb_reserve_back(cb_var, 1);
    tile_regs_wait();
    pack_tile(0, cb_inv_std);
    // reduce_init's packer edge mask belongs to the reduce's output CB: clear it before the second pack (the writer
    // reads column 0 only).
    reduce_uninit();
    pack_tile(0, cb_var);
    tile_regs_release();
    cb_push_back(cb_inv_std, 1);
    cb_push_back(cb_var, 1);
}
}  // namespace

void kernel_main() {
    using namespace args;
    constexpr uint32_t Ws = Wt;
    constexpr uint32_t one_bits = 0x3f800000u;  // 1.0f: M2 is a plain sum
    namespace rt = layernorm_fused_rm::wsplit_compute_rt_args;
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt::num_blocks);
    const uint32_t inv_w_bits_slice = get_arg_val<uint32_t>(rt::inv_w_slice_bits);
    const bool partial_last_tile = get_arg_val<uint32_t>(rt::partial_last_tile) != 0;

    static_assert(Ws % chunk_tiles == 0 && chunk_tiles % block_w == 0,
                  "the staging chunk divides the slice and the untilize block divides the chunk");

    begin_kernel(0);
    wait_affine<has_gamma, has_beta>(Ws);  // the slice of gamma / beta, placed as tiles by the reader

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Ws, chunk_tiles);

        // Partial statistics of the slice, centered on its own mean.
        slice_mean(inv_w_bits_slice, partial_last_tile);
        cb_wait_front(cb_inv_std, 1);
        centered(Ws, /*square=*/true, cb_inv_std);
        cb_pop_front(cb_inv_std, 1);
        row_sum(cb_xmm, cb_var, Ws, one_bits, /*first=*/true, /*last=*/true, partial_last_tile, /*pop_input=*/true);

        // The row's statistics, combined by the writer from every slice's partials.
        cb_wait_front(cb_mean, exchange_pages);
        inv_std(cb_mean, /*var_tile=*/1, /*own_var=*/false);
        centered(Ws, /*square=*/false, cb_mean, /*mean_tile=*/0);
        cb_pop_front(cb_in, Ws);
        cb_pop_front(cb_mean, exchange_pages);

        cb_wait_front(cb_inv_std, 1);
        normalize(Ws);
        cb_pop_front(cb_inv_std, 1);
        if constexpr (has_gamma && has_beta) {
            // * gamma in place over the whole slice first: affine_untilize's own pass would rotate only its chunk
            // of c_24 to the back, behind the tiles of the next chunks.
            formats(cb_xmm, cb_gamma, cb_xmm);
            mul_bcast_rows_init(cb_xmm, cb_gamma);
            rotate_xmm(Ws, [](uint32_t t) { mul_tiles_bcast_rows(cb_xmm, cb_gamma, 0, t, 0); });
        }
        for (uint32_t c = 0; c < Ws; c += chunk_tiles) {  // + beta (or * gamma alone), untilized one chunk at a time
            affine_untilize<block_w, chunk_tiles, has_gamma && !has_beta, has_beta>(c);
        }
    }

    pop_affine<has_gamma, has_beta>(Ws);
    end_kernel(0);
}
