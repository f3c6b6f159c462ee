// SPDX-License-Identifier: Apache-2.0
//
// Compute steps shared by the row-resident (layernorm_fused_rm.cpp) and streaming
// (layernorm_fused_rm_streaming.cpp) compute kernels. Both run the same per-tile math in the same order,
// so the two programs give the same results where both fit.
#pragma once
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/bcast.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/pack.h"
#include "api/compute/pack_untilize.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/reduce.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/tilize.h"

#include "../layernorm_fused_rm_cb_index.hpp"
#include "../layernorm_fused_rm_kernel_args.hpp"

namespace lnfrm {
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

// Compile-time args, the same layout for every compute kernel (compute_ct_args; block_w is the untilize block
// width of the row-resident kernels and the chunk width Bt of the streaming ones). Runtime args: rt_args.
namespace ct_args = layernorm_fused_rm::compute_ct_args;
namespace rt_args = layernorm_fused_rm::compute_rt_args;
namespace affine_flag = layernorm_fused_rm::affine_flag;
namespace args {
constexpr uint32_t Wt = get_compile_time_arg_val(ct_args::Wt);
constexpr uint32_t block_w = get_compile_time_arg_val(ct_args::block_w);
constexpr uint32_t inv_w_bits = get_compile_time_arg_val(ct_args::inv_w_bits);
constexpr bool has_gamma = (get_compile_time_arg_val(ct_args::affine_flags) & affine_flag::gamma) != 0;
constexpr bool has_beta = (get_compile_time_arg_val(ct_args::affine_flags) & affine_flag::beta) != 0;
constexpr bool partial = get_compile_time_arg_val(ct_args::partial) != 0;
constexpr uint32_t scaler_tiles = partial ? 2 : 1;  // full scaler tile, then the partial one
static_assert(Wt % block_w == 0, "the block width must divide Wt");
}  // namespace args

// Points the unpacker's SrcA and SrcB and the packer at the data formats of these CBs. The inits do not
// reconfigure data formats (tt-metal 0.81 reconfig_data_format.h); the op mixes bf16/fp32 row CBs with
// Float32 statistics CBs, so every step states the formats it unpacks and packs.
ALWI void formats(uint32_t srca_cb, uint32_t srcb_cb, uint32_t pack_cb) {
    reconfig_data_format(srca_cb, srcb_cb);
    pack_reconfig_data_format(pack_cb);
}

// Tilizes one 32-row block of `tiles` tiles from a row-major CB into a tile CB, `chunk` tiles at a time (0: all at
// once): the row-major CB then holds one chunk of the block (each chunk its own 32 rows of chunk * 32 columns, as
// the reader stages it; tilize_block counts tile-sized pages, tt-metal 0.81 tilize.h), the tile CB the whole block.
// chunk divides tiles.
ALWI void tilize_rows(uint32_t icb, uint32_t ocb, uint32_t tiles, uint32_t chunk = 0) {
    const uint32_t w = chunk == 0 ? tiles : chunk;
    formats(icb, icb, ocb);
    tilize_init(icb, w, ocb);
    for (uint32_t done = 0; done < tiles; done += w) {
        cb_wait_front(icb, w);
        cb_reserve_back(ocb, w);
        tilize_block(icb, w, ocb);
        cb_push_back(ocb, w);
        cb_pop_front(icb, w);
    }
    tilize_uninit(icb, ocb);
}

// gamma and beta, those given, for `tiles` tiles: tilized from their row-major CBs (one block: tilize_rows) and
// waited for.
template <bool has_gamma, bool has_beta>
ALWI void tilize_affine(uint32_t tiles) {
    if constexpr (has_gamma) {
        tilize_rows(cb_gamma_rm, cb_gamma, tiles);
        cb_wait_front(cb_gamma, tiles);
    }
    if constexpr (has_beta) {
        tilize_rows(cb_beta_rm, cb_beta, tiles);
        cb_wait_front(cb_beta, tiles);
    }
}

// gamma and beta, those given, for `tiles` tiles, as the reader placed them (affine_flag::pretiled): waited for.
template <bool has_gamma, bool has_beta>
ALWI void wait_affine(uint32_t tiles) {
    if constexpr (has_gamma) {
        cb_wait_front(cb_gamma, tiles);
    }
    if constexpr (has_beta) {
        cb_wait_front(cb_beta, tiles);
    }
}

// Pops the `tiles` tiles of gamma and beta, those given.
template <bool has_gamma, bool has_beta>
ALWI void pop_affine(uint32_t tiles) {
    if constexpr (has_gamma) {
        cb_pop_front(cb_gamma, tiles);
    }
    if constexpr (has_beta) {
        cb_pop_front(cb_beta, tiles);
    }
}

// Start of every compute kernel: hardware start-up, then the persistent CBs: gamma and beta (those given) tilized for
// the whole row when `resident_affine_tiles` is Wt (row-resident programs; the streaming and W-split programs pass 0:
// their reader places gamma / beta as tiles, wait_affine), the reduce scaler and eps waited for.
ALWI void begin_kernel(uint32_t resident_affine_tiles) {
    compute_kernel_hw_startup(cb_in_rm, cb_in_rm, cb_in);
    if (resident_affine_tiles > 0) {
        tilize_affine<args::has_gamma, args::has_beta>(resident_affine_tiles);
    }
    cb_wait_front(cb_scaler, args::scaler_tiles);
    cb_wait_front(cb_eps, 1);
}

// End of every compute kernel: the persistent CBs of begin_kernel popped once, balancing the reader's pushes.
ALWI void end_kernel(uint32_t resident_affine_tiles) {
    if (resident_affine_tiles > 0) {
        pop_affine<args::has_gamma, args::has_beta>(resident_affine_tiles);
    }
    cb_pop_front(cb_scaler, args::scaler_tiles);
    cb_pop_front(cb_eps, 1);
}

// Row-wise SUM (scaler 1.0) of `tiles` tiles of icb, accumulated in DEST onto the running partial sum in
// ocb (when `first` is false: the partial is copied into DEST first and popped), times 1/W in DEST when
// `last`; the result replaces the partial in ocb. With first = last = true this is the plain row mean.
// When `last` and `partial_last_tile`, the row's last tile is reduced with scaler tile 1, whose columns
// past W are 0 (W not a multiple of 32). icb is popped after the math when pop_input is set.
ALWI void row_sum(uint32_t icb, uint32_t ocb, uint32_t tiles, uint32_t inv_w_bits, bool first, bool last,
                  bool partial_last_tile, bool pop_input) {
    if (!first) {
        formats(ocb, ocb, ocb);
        copy_init(ocb);
        cb_wait_front(ocb, 1);
    }
    cb_wait_front(icb, tiles);
    tile_regs_acquire();
    if (!first) {
        copy_tile(ocb, 0, 0);
    }
    // REDUCE_ROW SUM unpacks the scaler to SrcA and the data to SrcB (reduce.h).
    formats(cb_scaler, icb, ocb);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(icb, cb_scaler, ocb);
    for (uint32_t t = 0; t < tiles; ++t) {
        const uint32_t scaler_tile = (last && partial_last_tile && t == tiles - 1) ? 1 : 0;
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(icb, cb_scaler, t, scaler_tile, 0);
    }
    if (last) {
        binop_with_scalar_tile_init();
        mul_unary_tile(0, inv_w_bits);
    }
    tile_regs_commit();
    if (pop_input) {
        cb_pop_front(icb, tiles);
    }
    if (!first) {
        cb_pop_front(ocb, 1);
    }
    cb_reserve_back(ocb, 1);
    tile_regs_wait();
    pack_tile(0, ocb);
    tile_regs_release();
    cb_push_back(ocb, 1);
    reduce_uninit();
}

// x - mean (bcast cols) of the first `tiles` tiles of cb_in into cb_xmm; squared when `square` is set. The mean is
// tile mean_tile of mean_cb (c_25 tile 0 unless the W-split kernel says otherwise).
ALWI void centered(uint32_t tiles, bool square, uint32_t mean_cb = cb_mean, uint32_t mean_tile = 0) {
    formats(cb_in, mean_cb, cb_xmm);
    sub_bcast_cols_init(cb_in, mean_cb);
    if (square) {
        square_tile_init();
    }
    cb_reserve_back(cb_xmm, tiles);
    for (uint32_t t = 0; t < tiles; ++t) {
        tile_regs_acquire();
        sub_tiles_bcast_cols(cb_in, mean_cb, t, mean_tile, 0);
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

// 1 / sqrt(variance + eps): c_26 -> c_27. The W-split kernel passes the variance as tile var_tile of var_cb, which
// it has waited for and pops itself (own_var = false).
ALWI void inv_std(uint32_t var_cb = cb_var, uint32_t var_tile = 0, bool own_var = true) {
    formats(var_cb, cb_eps, cb_inv_std);
    add_bcast_scalar_init(var_cb, cb_eps);
    rsqrt_tile_init();
    if (own_var) {
        cb_wait_front(var_cb, 1);
    }
    tile_regs_acquire();
    add_tiles_bcast_scalar(var_cb, cb_eps, var_tile, 0, 0);
    rsqrt_tile(0);
    tile_regs_commit();
    if (own_var) {
        cb_pop_front(var_cb, 1);
    }
    cb_reserve_back(cb_inv_std, 1);
    tile_regs_wait();
    pack_tile(0, cb_inv_std);
    tile_regs_release();
    cb_push_back(cb_inv_std, 1);
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

// * inv_std (bcast cols) on the `tiles` centered tiles of c_24, in place.
ALWI void normalize(uint32_t tiles) {
    formats(cb_xmm, cb_inv_std, cb_xmm);
    mul_bcast_cols_init(cb_xmm, cb_inv_std);
    rotate_xmm(tiles, [](uint32_t) { mul_tiles_bcast_cols(cb_xmm, cb_inv_std, 0, 0, 0); });
}

// The last step of a row chunk: the normalized tiles of c_24 times gamma and plus beta (row 0 of their
// tiles gamma_offset + t broadcast down the rows; each optional), untilized straight from DEST into a
// row-major block of full_w tiles in c_16, block_w tiles at a time. With both gamma and beta the
// multiply is a pass over c_24 in place and the add is done in DEST; with one of them that op is done in
// DEST; with neither the tiles are copied into DEST. Pops the full_w tiles of c_24.
template <uint32_t block_w, uint32_t full_w, bool has_gamma, bool has_beta>
ALWI void affine_untilize(uint32_t offset) {
    static_assert(full_w % block_w == 0, "untilize block width must divide the untilized width");
    if constexpr (has_gamma && has_beta) {
        formats(cb_xmm, cb_gamma, cb_xmm);
        mul_bcast_rows_init(cb_xmm, cb_gamma);
        rotate_xmm(full_w, [offset](uint32_t t) { mul_tiles_bcast_rows(cb_xmm, cb_gamma, 0, offset + t, 0); });
    }
    // pack_untilize_dest_init points the packer at c_16 itself.
    if constexpr (has_beta) {
        reconfig_data_format(cb_xmm, cb_beta);
        add_bcast_rows_init(cb_xmm, cb_beta);
    } else if constexpr (has_gamma) {
        reconfig_data_format(cb_xmm, cb_gamma);
        mul_bcast_rows_init(cb_xmm, cb_gamma);
    } else {
        reconfig_data_format(cb_xmm, cb_xmm);
        copy_init(cb_xmm);
    }
    pack_untilize_dest_init<block_w, full_w>(cb_out_rm);
    cb_reserve_back(cb_out_rm, full_w);
    for (uint32_t b = 0; b < full_w / block_w; ++b) {
        cb_wait_front(cb_xmm, block_w);
        tile_regs_acquire();
        for (uint32_t j = 0; j < block_w; ++j) {
            const uint32_t t = offset + b * block_w + j;
            if constexpr (has_beta) {
                add_tiles_bcast_rows(cb_xmm, cb_beta, j, t, j);
            } else if constexpr (has_gamma) {
                mul_tiles_bcast_rows(cb_xmm, cb_gamma, j, t, j);
            } else {
                copy_tile(cb_xmm, j, j);
            }
        }
        tile_regs_commit();
        cb_pop_front(cb_xmm, block_w);
        tile_regs_wait();
        pack_untilize_dest<block_w, full_w>(cb_out_rm, 1, b);
        tile_regs_release();
    }
    cb_push_back(cb_out_rm, full_w);
    pack_untilize_uninit(cb_out_rm);
}
}  // namespace lnfrm
