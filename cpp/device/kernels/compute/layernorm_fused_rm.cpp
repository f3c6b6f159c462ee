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
// 7 and 8 rotate c_24 through itself (pop the front tile, push its result at the back).
//
// Facts from tt-metal 0.81.1 kernel headers: compute_kernel_hw_startup must precede every other
// compute call; REDUCE_ROW leaves each row's value in column 0 of the DEST tile (reduce.h);
// bcast ROW uses row 0 of operand B, bcast COL column 0 (bcast.h); pack_untilize_dest block width is
// at most the DEST capacity (8 tiles 16-bit half-sync, 4 tiles fp32) and must divide the full width.
//
// Compile-time args: 0 Wt, 1 untilize block width (tiles, divides Wt, <= DEST capacity),
// 2 1/W as float32 bits. Runtime args: 0 number of tile-row blocks for this core.
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/bcast.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/pack_untilize.h"
#include "api/compute/reduce.h"
#include "api/compute/tilize.h"

#include "../layernorm_fused_rm_cb_index.hpp"

namespace {
namespace cb = layernorm_fused_rm::cb;
constexpr uint32_t cb_in_rm = cb::in_rm;
constexpr uint32_t cb_in = cb::in_tiled;
constexpr uint32_t cb_scaler = cb::scaler;
constexpr uint32_t cb_eps = cb::eps;
constexpr uint32_t cb_gamma_rm = cb::gamma_rm;
constexpr uint32_t cb_beta_rm = cb::beta_rm;
constexpr uint32_t cb_gamma = cb::gamma_tiled;
constexpr uint32_t cb_beta = cb::beta_tiled;
constexpr uint32_t cb_out_rm = cb::out_rm;
constexpr uint32_t cb_xmm = cb::centered;
constexpr uint32_t cb_mean = cb::mean;
constexpr uint32_t cb_var = cb::variance;
constexpr uint32_t cb_inv_std = cb::inv_std;

// Tilizes one 32-row block of `tiles` tiles from a row-major CB into a tile CB.
ALWI void tilize_rows(uint32_t icb, uint32_t ocb, uint32_t tiles) {
    tilize_init(icb, tiles, ocb);
    cb_wait_front(icb, tiles);
    cb_reserve_back(ocb, tiles);
    tilize_block(icb, tiles, ocb);
    cb_push_back(ocb, tiles);
    cb_pop_front(icb, tiles);
    tilize_uninit(icb, ocb);
}

// Row-wise SUM over `tiles` tiles of icb (scaler 1.0), times 1/W in DEST, into one tile of ocb.
// Pops icb after the math when pop_input is set.
ALWI void row_mean(uint32_t icb, uint32_t ocb, uint32_t tiles, uint32_t inv_w_bits, bool pop_input) {
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(icb, cb_scaler, ocb);
    binop_with_scalar_tile_init();
    cb_wait_front(icb, tiles);
    tile_regs_acquire();
    for (uint32_t t = 0; t < tiles; ++t) {
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(icb, cb_scaler, t, 0, 0);
    }
    mul_unary_tile(0, inv_w_bits);
    tile_regs_commit();
    if (pop_input) {
        cb_pop_front(icb, tiles);
    }
    cb_reserve_back(ocb, 1);
    tile_regs_wait();
    pack_tile(0, ocb);
    tile_regs_release();
    cb_push_back(ocb, 1);
    reduce_uninit();
}

// x - mean (bcast cols) of every tile of cb_in into cb_xmm; squared when `square` is set.
ALWI void centered(uint32_t tiles, bool square) {
    sub_bcast_cols_init(cb_in, cb_mean);
    if (square) {
        square_tile_init();
    }
    cb_reserve_back(cb_xmm, tiles);
    for (uint32_t t = 0; t < tiles; ++t) {
        tile_regs_acquire();
        sub_tiles_bcast_cols(cb_in, cb_mean, t, 0, 0);
        if (square) {
            square_tile(0);
        }
        tile_regs_commit();
        tile_regs_wait();
        pack_tile(0, cb_xmm);
        tile_regs_release();
    }
    cb_push_back(cb_xmm, tiles);
}
// Rewrites the `tiles` tiles of c_24 in place: for each, op(t) computes the new tile t into DST 0 from the
// front tile of c_24, whose page is then popped and re-reserved at the back for the result. After `tiles`
// steps c_24 holds the results in the original order.
template <typename Op>
ALWI void rotate_xmm(uint32_t tiles, Op op) {
    for (uint32_t t = 0; t < tiles; ++t) {
        cb_wait_front(cb_xmm, 1);
        tile_regs_acquire();
        op(t);
        tile_regs_commit();
        cb_pop_front(cb_xmm, 1);
        cb_reserve_back(cb_xmm, 1);
        tile_regs_wait();
        pack_tile(0, cb_xmm);
        tile_regs_release();
        cb_push_back(cb_xmm, 1);
    }
}
}  // namespace

void kernel_main() {
    constexpr uint32_t Wt = get_compile_time_arg_val(0);
    constexpr uint32_t block_w = get_compile_time_arg_val(1);
    constexpr uint32_t inv_w_bits = get_compile_time_arg_val(2);
    static_assert(Wt % block_w == 0, "untilize block width must divide Wt");
    const uint32_t num_blocks = get_arg_val<uint32_t>(0);

    compute_kernel_hw_startup(cb_in_rm, cb_in_rm, cb_in);

    // gamma and beta: tilized once, then persistent (waited, never popped until the end).
    tilize_rows(cb_gamma_rm, cb_gamma, Wt);
    tilize_rows(cb_beta_rm, cb_beta, Wt);
    cb_wait_front(cb_gamma, Wt);
    cb_wait_front(cb_beta, Wt);
    cb_wait_front(cb_scaler, 1);
    cb_wait_front(cb_eps, 1);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Wt);

        // 2: mean; c_1 stays for passes 3 and 6.
        row_mean(cb_in, cb_mean, Wt, inv_w_bits, /*pop_input=*/false);
        cb_wait_front(cb_mean, 1);

        // 3, 4: variance of the centered values.
        centered(Wt, /*square=*/true);
        row_mean(cb_xmm, cb_var, Wt, inv_w_bits, /*pop_input=*/true);

        // 5: 1/sqrt(var + eps).
        add_bcast_scalar_init(cb_var, cb_eps);
        rsqrt_tile_init();
        cb_wait_front(cb_var, 1);
        tile_regs_acquire();
        add_tiles_bcast_scalar(cb_var, cb_eps, 0, 0, 0);
        rsqrt_tile(0);
        tile_regs_commit();
        cb_pop_front(cb_var, 1);
        cb_reserve_back(cb_inv_std, 1);
        tile_regs_wait();
        pack_tile(0, cb_inv_std);
        tile_regs_release();
        cb_push_back(cb_inv_std, 1);

        // 6: x - mean again; the input tiles and the mean are done after this.
        centered(Wt, /*square=*/false);
        cb_pop_front(cb_in, Wt);
        cb_pop_front(cb_mean, 1);

        // 7: (x - mean) * inv_std, rotating c_24 in place.
        mul_bcast_cols_init(cb_xmm, cb_inv_std);
        cb_wait_front(cb_inv_std, 1);
        rotate_xmm(Wt, [](uint32_t) { mul_tiles_bcast_cols(cb_xmm, cb_inv_std, 0, 0, 0); });
        cb_pop_front(cb_inv_std, 1);

        // 8: * gamma (row 0 of each gamma tile broadcast down the rows), in place.
        mul_bcast_rows_init(cb_xmm, cb_gamma);
        rotate_xmm(Wt, [](uint32_t t) { mul_tiles_bcast_rows(cb_xmm, cb_gamma, 0, t, 0); });

        // 9: + beta in DEST, untilized straight from DEST into the row-major output block.
        add_bcast_rows_init(cb_xmm, cb_beta);
        pack_untilize_dest_init<block_w, Wt>(cb_out_rm);
        cb_reserve_back(cb_out_rm, Wt);
        for (uint32_t b = 0; b < Wt / block_w; ++b) {
            cb_wait_front(cb_xmm, block_w);
            tile_regs_acquire();
            for (uint32_t j = 0; j < block_w; ++j) {
                add_tiles_bcast_rows(cb_xmm, cb_beta, j, b * block_w + j, j);
            }
            tile_regs_commit();
            cb_pop_front(cb_xmm, block_w);
            tile_regs_wait();
            pack_untilize_dest<block_w, Wt>(cb_out_rm, 1, b);
            tile_regs_release();
        }
        cb_push_back(cb_out_rm, Wt);
        pack_untilize_uninit(cb_out_rm);
    }

    // Persistent CBs: balance the reader's pushes once at the end.
    cb_pop_front(cb_gamma, Wt);
    cb_pop_front(cb_beta, Wt);
    cb_pop_front(cb_scaler, 1);
    cb_pop_front(cb_eps, 1);
}
