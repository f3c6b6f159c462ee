// SPDX-License-Identifier: Apache-2.0
//
// Precise compute kernel of the W-split program (fp32 DEST: FLOAT32 input, and BFLOAT16 input with fp32_dest_acc_en,
// the op's default config; LayerNormFusedRMWSplitProgramFactory::precise_kernel). Design of the program and the
// writer's exchange: layernorm_fused_rm_wsplit_program_factory.cpp; numerics (no FPU read of an UnpackToDestFp32 CB,
// fp32 SFPU arithmetic in DEST, row sums from bf16 parts): layernorm_fused_rm_precise_common.hpp.
//
// Per tile-row, on this core's slice of Ws tiles (DST: fp32, 4 tiles per half-sync section, 8 full-sync):
//   tilize    c_0 -> c_1 (exact: Float32 via UnpackToDestFp32, bf16 through SrcA), kept until the output; c_0 (and
//             gamma / beta's c_4, c_5 once) staged in chunks of Bc = chunk_tiles tiles, c_1 (c_6, c_7) whole
//   m1        S = sum_t x_t (SFPU) -> c_27; 3 bf16 parts -> c_24; reduce, x 1 / w_i -> c_27
//   m2        S = sum_t (x_t - m1) (masked past W) -> c_27 with m1 behind it; parts, reduce, x 1 / w_i; then
//             hi = m1 + m2 rounded, lo = m2 - (hi - m1)                       -> c_26 pages 0, 1 and c_27
//   M2_i      S = sum_t (x_t - hi - lo)^2 -> c_27 (hi, lo popped); parts -> c_24; reduce -> c_26 page 2
//   (the writer exchanges hi, lo, M2_i as fp32 with the other cores of the tile-row and combines them relative to
//   slot 0's hi K: c_25 tile 0 = K, tile 1 = the variance, tile 2 = the rest of the mean)
//   inv std   1 / sqrt(c_25 tile 1 + eps): rsqrt, 2 Newton steps                   -> c_27
//   output    ((x_t - c_25 tile 0 - c_25 tile 2) * inv_std) * gamma_t + beta_t in DEST -> pack_untilize_dest -> c_16,
//             one chunk of Bc tiles at a time
// The slice mean is m1 + m2 (the precise kernels' corrected two-pass mean), carried as the fp32 pair hi + lo so the
// row's mean keeps fp32 accuracy of the spread, not of |mean| (x ~ 1e4 + randn); M2_i is centred on hi + lo. w_i is
// the number of valid columns of the slice; the last slice's partial last tile (W % 32 != 0) holds zeros past W in
// c_1 (the reader zeroes c_0), and x - m1 (x - hi - lo) there is masked with the partial scaler tile c_2[1].
//
// CBs (precise roles): c_1 the input format (Float32: UnpackToDestFp32; bf16: unmarked, copied exactly), Ws pages; c_24
// the three bf16 parts of a row-sum tile (not marked: reduce reads it through SrcB); c_25 Float32 (marked), from the
// writer: K, variance, rest of the mean, exchange area (never read here); c_26 Float32, 3 pages, to the writer: hi, lo,
// M2_i; c_27 Float32 (marked), 2 pages: the row-sum tiles S, m1, hi and lo, then the inverse std (every 2-page chunk
// starts on page 0: 8 pushes per tile-row); c_3 (bf16 eps) waited and popped for the reader's sake, eps itself is
// runtime arg eps_bits in fp32.
//
// Compile-time args: compute_ct_args with Wt = Ws (inv_w_bits unused), block_w = the untilize block width (divides
// Bc, at most DEST capacity - 1), then wsplit_compute_ct_args (exchange_pages, chunk_tiles = Bc); runtime args:
// wsplit_compute_rt_args including eps_bits (layernorm_fused_rm_kernel_args.hpp).
#include <cstdint>

#include "layernorm_fused_rm_precise_common.hpp"

using namespace lnfrm;
using namespace lnfrm::precise;

namespace {
constexpr uint32_t exchange_pages =
    get_compile_time_arg_val(layernorm_fused_rm::wsplit_compute_ct_args::exchange_pages);
// Bc: the row-major staging chunk (c_0, c_4, c_5, c_16 hold Bc pages; c_1, c_6, c_7 the whole slice).
constexpr uint32_t chunk_tiles = get_compile_time_arg_val(layernorm_fused_rm::wsplit_compute_ct_args::chunk_tiles);
constexpr uint32_t cb_row = cb_inv_std;    // c_27: S, m_i, S of the squares, 1 / std
constexpr uint32_t cb_partials = cb_var;   // c_26: m_i, M2_i to the writer
constexpr Split kSliceSplit{cb_row, cb_xmm, 3, kNoCb};  // S in c_27, its three bf16 parts in c_24
constexpr uint32_t kOneBits = 0x3f800000u;  // 1.0f: M2_i is a plain sum

constexpr uint32_t d_keep = 3;  // DST slot holding m1 during the m2 pass

// m2 (the slice mean of x - m1, from S = c_27 tile 0, m1 = c_27 tile 1) and the slice mean as an fp32 pair:
// hi = m1 + m2 rounded, lo = m2 - (hi - m1) (Fast2Sum, Dekker 1971: exact when the SFPU adds round to nearest, as
// |m2| <= |m1| wherever it matters: m2 is the mean of x - m1). hi, lo go to the writer (c_26 pages 0, 1) and to c_27
// for the squares (x - hi - lo); S, m1 and the parts are popped.
ALWI void mean_hi_lo(uint32_t inv_w_bits) {
    split(kSliceSplit);
    cb_wait_front(kSliceSplit.part_cb, kSliceSplit.parts);
    tile_regs_acquire();
    reduce_parts(kSliceSplit, cb_row, 0);
    binop_with_scalar_tile_init();
    mul_unary_tile(0, inv_w_bits);  // m2
    copy_from(cb_row, 1, 1);        // m1
    add_binary_tile_init();
    add_binary_tile(1, 0, 2);  // hi
    sub_binary_tile_init();
    sub_binary_tile(2, 1, 3);  // hi - m1
    sub_binary_tile(0, 3, 0);  // lo
    tile_regs_commit();
    cb_pop_front(cb_row, 2);
    cb_pop_front(kSliceSplit.part_cb, kSliceSplit.parts);
    cb_reserve_back(cb_partials, 2);
    cb_reserve_back(cb_row, 2);
    tile_regs_wait();
    pack_reconfig_data_format(cb_partials);
    pack_tile(2, cb_partials);
    pack_tile(0, cb_partials);
    pack_reconfig_data_format(cb_row);
    pack_tile(2, cb_row);
    pack_tile(0, cb_row);
    tile_regs_release();
    cb_push_back(cb_partials, 2);
    cb_push_back(cb_row, 2);
}
}  // namespace

void kernel_main() {
    using namespace args;
    constexpr uint32_t Ws = Wt;
    static_assert(block_w >= 1, "the factory sizes the untilize block to DEST capacity - 1 (one scratch tile)");
    static_assert(chunk_tiles >= 1 && Ws % chunk_tiles == 0 && chunk_tiles % block_w == 0,
                  "the staging chunk divides the slice and the untilize block divides the chunk");
    namespace rt = layernorm_fused_rm::wsplit_compute_rt_args;
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt::num_blocks);
    const uint32_t inv_w_slice_bits = get_arg_val<uint32_t>(rt::inv_w_slice_bits);
    const bool partial_last_tile = get_arg_val<uint32_t>(rt::partial_last_tile) != 0;
    const uint32_t eps_bits = get_arg_val<uint32_t>(rt::eps_bits);

    begin_kernel(Ws, chunk_tiles);

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Ws, chunk_tiles);
        cb_wait_front(cb_in, Ws);

        // m1: the slice mean of x -> c_27.
        tile_sum(Ws, cb_row, [](uint32_t t, uint32_t w, uint32_t) { copy_from(cb_in, t, w); });
        split_reduce(kSliceSplit, cb_row, Finish::Mean, 0, inv_w_slice_bits);
        cb_wait_front(cb_row, 1);
        // S of x - m1 (m1 kept in DST 3, popped, packed back behind S: c_27 = [S, m1]), then m2, hi, lo.
        tile_sum(
            Ws, cb_row,
            [partial_last_tile](uint32_t t, uint32_t w, uint32_t tmp) {
                if (t == 0) {
                    bcast_from<BroadcastType::COL>(cb_row, 0, d_keep);
                }
                copy_from(cb_in, t, w);
                sub_dst(w, d_keep);
                if (partial && partial_last_tile && t == Ws - 1) {
                    mask_padding(w, tmp);
                }
            },
            /*pop_cb=*/cb_row, 1, /*keep_slot=*/d_keep);
        cb_wait_front(cb_row, 2);
        mean_hi_lo(inv_w_slice_bits);
        cb_wait_front(cb_row, 2);

        // M2_i = sum over the slice of (x - hi - lo)^2 -> c_26 page 2; hi, lo popped before S takes c_27.
        tile_sum(
            Ws, cb_row,
            [partial_last_tile](uint32_t t, uint32_t w, uint32_t tmp) {
                centered_into(t, w, tmp, 2, partial_last_tile && t == Ws - 1, cb_row, 1);
                square_tile_init();
                square_tile(w);
            },
            /*pop_cb=*/cb_row, 2);
        split_reduce(kSliceSplit, cb_partials, Finish::Mean, 0, kOneBits);

        // The row's statistics, combined by the writer from every slice's partials: mean K + lo (c_25 tiles 0, 2),
        // variance (tile 1).
        cb_wait_front(cb_mean, exchange_pages);
        inv_std_of(cb_mean, /*var_tile=*/1, eps_bits, cb_inv_std);
        cb_wait_front(cb_inv_std, 1);
        for (uint32_t c = 0; c < Ws; c += chunk_tiles) {  // c_16 one chunk at a time
            output_block<block_w, chunk_tiles, has_gamma, has_beta>(
                partial_last_tile && c + chunk_tiles == Ws,
                [](uint32_t t, uint32_t j, uint32_t tmp, bool last_tile) {
                    centered_into(t, j, tmp, 2, last_tile, cb_mean, /*lo_tile=*/2);
                },
                c);
        }

        cb_pop_front(cb_in, Ws);
        cb_pop_front(cb_mean, exchange_pages);
        cb_pop_front(cb_inv_std, 1);
    }

    end_kernel(Ws);
}
