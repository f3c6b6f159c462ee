// SPDX-License-Identifier: Apache-2.0
//
// Precise compute kernel of the W-split program (fp32 DEST: FLOAT32 input, and BFLOAT16 input with fp32_dest_acc_en,
// the op's default config; LayerNormFusedRMWSplitProgramFactory::precise_kernel). Design of the program and the
// writer's exchange: layernorm_fused_rm_wsplit_program_factory.cpp; numerics (no FPU read of an UnpackToDestFp32 CB,
// fp32 SFPU arithmetic in DEST, row sums from bf16 parts): layernorm_fused_rm_precise_common.hpp.
//
// Shift: every row of the slice is centred on the slice's own first element x0 (column 0 of c_1 tile 0), as the
// row-resident shifted kernel centres on the row's (layernorm_fused_rm_shifted_common.hpp): y = x - x0.
//   bfloat16 input: one FPU subtraction (sub_tiles_bcast_cols, both operands bf16 in the source registers), exact in
//     the fp32 DEST when their exponents differ by at most 16 (8-bit bf16 significands, 24-bit fp32), else rounded
//     once (2^-24 of |x - x0|);
//   float32 input (c_1 marked UnpackToDestFp32, never read by the FPU): x copied into DEST, x0 broadcast once per
//     pass into a DEST slot kept for the pass, y = x - x0 on the SFPU: exact when x is within a factor 2 of x0
//     (Sterbenz), else one rounding of 2^-24 |x - x0|, relative to the spread of the row, not to its mean.
// Per tile-row, on this core's slice of Ws tiles (DST: fp32, 4 tiles per half-sync section):
//   tilize  c_0 -> c_1 (exact: Float32 via UnpackToDestFp32, bf16 through SrcA), kept until the output; c_0 staged
//           in chunks of Bc = chunk_tiles tiles, c_1 whole (gamma / beta's c_6, c_7: the slice's tiles as the reader
//           placed them, reader affine_flag::pretiled, waited for once)
//   mean    S = sum_t y_t (masked past W; bfloat16: one FPU subtraction per tile accumulated into DEST, sum_shifted)
//           -> c_27; x0's tile -> c_26 page 0 (hi); S split into bf16 parts (2 for
//           bfloat16 input, 3 for float32) -> c_24; reduce, x 1 / w_i: m_i = the slice mean of y -> c_26 page 1 (lo)
//           and c_27
//   M2_i    S = sum_t (y_t - m_i)^2 (m_i broadcast once into a DEST slot kept for the pass; square and add fused by
//           addcmul_tile) -> c_27; parts, reduce -> c_26 page 2
//   (the writer exchanges hi = x0, lo = m_i, M2_i as fp32 with the other cores of the tile-row, combines them
//   relative to slice 0's mean, and computes 1 / sqrt(var + eps) itself; c_25 tile 1 = the inverse std; bfloat16
//   input: tile 0 = mean - x0 of this slice; float32: the mean as hi + lo, tile 0 = hi, tile 2 = lo)
//   output  output_resident_from (layernorm_fused_rm_precise_common.hpp), one chunk of Bc tiles of c_16 at a time, 2
//           tiles per DEST section with the section's operands resident in DEST: bfloat16 (y_t - c_25[0]) * c_25[1];
//           float32 ((x_t - c_25[0]) - c_25[2]) * c_25[1] (SFPU column broadcasts, the last two fused); then
//           * gamma_t + beta_t (addcmul_tile) -> pack_untilize_dest
// Slice mean x0 + m_i as the fp32 pair hi + lo: the row's mean keeps fp32 accuracy of the spread, not of |mean|
// (x ~ 1e4 + randn), and the row's first element may be an outlier (y = x - x0 large for the others: rounded
// relative to the spread). w_i is the number of valid columns of the slice; the last slice's partial last tile
// (W % 32 != 0) is masked past W in both passes with the partial scaler tile c_2[1] (its output columns there are
// computed from unmasked values and never written).
//
// Row sums: split() of the precise kernels re-derives each part from S in its own DEST section; here the pass packs
// h_1 = bf16(S) beside S, and (split_parts) the float32 kernel packs the exact remainder S - h_1 into c_27 beside
// h_2, so h_3 = bf16(S - h_1 - h_2) costs one subtraction (the parts are the same values). 2 parts leave at most
// 2^-18 |S| unsummed (bfloat16 input: within its output's rounding), 3 parts 2^-27 |S|.
//
// CBs (precise roles): c_1 the input format (Float32: UnpackToDestFp32; bf16: unmarked, copied exactly), Ws pages;
// c_24 the bf16 parts of a row-sum tile (2 or 3 pages, one per part; not marked: reduce reads it through SrcB); c_25
// Float32 (marked), from the writer (exchange area never read here); c_26 Float32, 3 pages, to the writer: hi, lo,
// M2_i; c_27 Float32 (marked), 2 pages: S with its remainder S - h_1, then m_i; c_3 (bf16 eps) waited and popped for
// the reader's sake.
//
// Compile-time args: compute_ct_args with Wt = Ws (inv_w_bits unused), block_w = the untilize block width
// (output_resident's: 2, 1 when Bc is odd; LayerNormFusedRMWSplitProgramFactory::block_width), then wsplit_compute_ct_args
// (exchange_pages, chunk_tiles = Bc, fp32_input); runtime args: wsplit_compute_rt_args (the writer adds eps)
// (layernorm_fused_rm_kernel_args.hpp).
#include <cstdint>

#include "layernorm_fused_rm_precise_common.hpp"

using namespace lnfrm;
using namespace lnfrm::precise;

namespace {
namespace wct = layernorm_fused_rm::wsplit_compute_ct_args;
constexpr uint32_t exchange_pages = get_compile_time_arg_val(wct::exchange_pages);
// Bc: the row-major staging chunk (c_0, c_16 hold Bc pages, and the reader's c_4, c_5; c_1, c_6, c_7 the whole
// slice).
constexpr uint32_t chunk_tiles = get_compile_time_arg_val(wct::chunk_tiles);
constexpr bool fp32_in = get_compile_time_arg_val(wct::fp32_input) != 0;
constexpr uint32_t kParts = fp32_in ? 3 : 2;
constexpr uint32_t cb_row = cb_inv_std;    // c_27: S and S - h_1, then m_i
constexpr uint32_t cb_parts = cb_xmm;      // c_24: bf16 parts of S
constexpr uint32_t cb_partials = cb_var;   // c_26: hi, lo, M2_i to the writer
constexpr uint32_t cb_stats = cb_mean;     // c_25: from the writer
constexpr Split kSliceSplit{cb_row, cb_parts, kParts, kNoCb};

// DEST slots of the two statistics passes: the running sum, the current term, the pass's kept operand (m_i; also
// the mask's scratch on the last tile, where m_i is no longer needed) and x0 (float32) / x0's tile (bfloat16).
constexpr uint32_t d_sum = 0, d_term = 1, d_kept = 2, d_x0 = 3;

// DST[w] = x_t - x0 (bfloat16: FPU subtraction of column 0 of c_1 tile 0; float32: SFPU, x0 in DST[d_x0]).
ALWI void shifted(uint32_t t, uint32_t w) {
    if constexpr (fp32_in) {
        copy_from(cb_in, t, w);
        sub_dst(w, d_x0);
    } else {
        reconfig_data_format(cb_in, cb_in);
        sub_bcast_cols_init(cb_in, cb_in);
        sub_tiles_bcast_cols(cb_in, cb_in, t, 0, w);
    }
}

// A DEST tile packed into one page of a CB (kNoCb: none).
struct Out {
    uint32_t idst, cb;
};
constexpr Out kNone{0, kNoCb};

// After tile_regs_commit: each given Out packed (the CB's format set) within one pack hand-off, the pages pushed.
ALWI void pack_outs(Out a, Out b = kNone, Out c = kNone) {
    const Out outs[3] = {a, b, c};
    for (const Out& o : outs) {
        if (o.cb != kNoCb) {
            cb_reserve_back(o.cb, 1);
        }
    }
    tile_regs_wait();
    for (const Out& o : outs) {
        if (o.cb != kNoCb) {
            pack_reconfig_data_format(o.cb);
            pack_tile(o.idst, o.cb);
        }
    }
    tile_regs_release();
    for (const Out& o : outs) {
        if (o.cb != kNoCb) {
            cb_push_back(o.cb, 1);
        }
    }
}

// One statistics pass over the Ws tiles in one DEST section: S = sum_t v_t, v_t = y_t (pass 0) or (y_t - m_i)^2
// (pass 1, m_i = c_27 tile 0, popped), masked past W on the slice's partial last tile; S pushed to c_27 and its bf16
// rounding h_1 to c_24. Pass 0 also pushes x0's tile to c_26 (column 0 = x0 of each row: the partial hi).
ALWI void stats_pass(uint32_t pass, bool partial_last_tile) {
    constexpr uint32_t Ws = args::Wt;
    tile_regs_acquire();
    if constexpr (fp32_in) {
        bcast_from<BroadcastType::COL>(cb_in, 0, d_x0);
    } else if (pass == 0) {
        copy_from(cb_in, 0, d_x0);
    }
    if (pass == 1) {
        bcast_from<BroadcastType::COL>(cb_row, 0, d_kept);
    }
    if (!fp32_in && pass == 0) {
        // One FPU subtraction per tile accumulated into S (sum_shifted, layernorm_fused_rm_precise_common.hpp; its
        // DST slots d_acc, d_work, d_tmp are d_sum, d_term, d_kept), the masked last tile excepted.
        static_assert(d_acc == d_sum && d_work == d_term && d_tmp == d_kept, "sum_shifted's DST slots");
        sum_shifted(cb_in, cb_in, 0, Ws, /*onto_acc=*/false, args::partial && partial_last_tile);
    } else {
        for (uint32_t t = 0; t < Ws; ++t) {
            const uint32_t w = t == 0 ? d_sum : d_term;
            shifted(t, w);
            if (pass == 1) {
                sub_dst(w, d_kept);
            }
            if (args::partial && partial_last_tile && t == Ws - 1) {
                mask_padding(w, d_kept);
            }
            if (pass == 0 && t > 0) {
                add_dst(d_sum, d_term);  // float32 input
            } else if (pass == 1 && t == 0) {
                square_tile_init();
                square_tile(d_sum);
            } else if (pass == 1) {
                add_square_dst(d_sum, d_term);  // S += d^2 (addcmul_tile)
            }
        }
    }
    tile_regs_commit();
    if (pass == 1) {
        cb_pop_front(cb_row, 1);
    }
    // S, h_1 = bf16(S) (the first part: split_parts), and in pass 0 x0's tile.
    pack_outs({d_sum, cb_row}, {d_sum, cb_parts}, pass == 0 ? Out{d_x0, cb_partials} : kNone);
}

// The other bf16 parts of S (c_27 tile 0) into c_24 behind h_1 = bf16(S), which stats_pass packed from the same DEST
// tile (the packer rounds to nearest, ISA Packers/FormatConversion.md): h_2 = bf16(S - h_1) (S - h_1 exact in fp32),
// with 3 parts S - h_1 also packed exactly into c_27 behind S and h_3 = bf16((S - h_1) - h_2), S popped first.
// S (2 parts) or S - h_1 (3) stays in c_27.
ALWI void split_parts() {
    for (uint32_t k = 1; k < kParts; ++k) {
        cb_wait_front(cb_parts, k);
        if (k == 2) {  // S is no longer needed: S - h_1 comes to the front (every wait is one page: no chunk
            cb_pop_front(cb_row, 1);  // crosses the end of c_27)
            cb_wait_front(cb_row, 1);
        }
        tile_regs_acquire();
        copy_from(cb_row, 0, 0);
        copy_from(cb_parts, k - 1, 1);  // bf16 through SrcA: exact
        sub_dst(0, 1);
        tile_regs_commit();
        pack_outs({0, cb_parts}, k == 1 && kParts == 3 ? Out{0, cb_row} : kNone);  // h_k (and S - h_1)
    }
}

// Row sums of S (c_27 tile 0) from its parts, times scale_bits (float32 bits) unless it is 1.0, into column 0 of a
// tile pushed to c_26 and, when `keep`, to c_27; S (or S - h_1) and the parts popped.
ALWI void finish_sum(uint32_t scale_bits, bool keep) {
    cb_wait_front(cb_row, 1);
    split_parts();
    cb_wait_front(cb_parts, kParts);
    tile_regs_acquire();
    reduce_parts(kSliceSplit, cb_partials, 0);
    if (scale_bits != 0x3f800000u) {
        binop_with_scalar_tile_init();
        mul_unary_tile(0, scale_bits);
    }
    tile_regs_commit();
    cb_pop_front(cb_row, 1);  // S, or S - h_1 (3 parts)
    cb_pop_front(cb_parts, kParts);
    pack_outs({0, cb_partials}, keep ? Out{0, cb_row} : kNone);
}
}  // namespace

void kernel_main() {
    using namespace args;
    constexpr uint32_t Ws = Wt;
    static_assert(block_w == resident_block_w<chunk_tiles>(), "the factory's block width is output_resident's");
    static_assert(chunk_tiles >= 1 && Ws % chunk_tiles == 0, "the staging chunk divides the slice");
    namespace rt = layernorm_fused_rm::wsplit_compute_rt_args;
    const uint32_t num_blocks = get_arg_val<uint32_t>(rt::num_blocks);
    const uint32_t inv_w_slice_bits = get_arg_val<uint32_t>(rt::inv_w_slice_bits);
    const bool partial_last_tile = get_arg_val<uint32_t>(rt::partial_last_tile) != 0;

    begin_kernel(0);
    wait_affine<has_gamma, has_beta>(Ws);  // the slice of gamma / beta, placed as tiles by the reader

    for (uint32_t block = 0; block < num_blocks; ++block) {
        tilize_rows(cb_in_rm, cb_in, Ws, chunk_tiles);
        cb_wait_front(cb_in, Ws);

        stats_pass(0, partial_last_tile);
        finish_sum(inv_w_slice_bits, /*keep=*/true);  // m_i: c_26 page 1 and c_27
        cb_wait_front(cb_row, 1);
        stats_pass(1, partial_last_tile);
        finish_sum(0x3f800000u, /*keep=*/false);  // M2_i: c_26 page 2

        // The row's statistics from the writer (c_25): tile 1 the inverse std; the centring as in the header.
        cb_wait_front(cb_stats, exchange_pages);
        // Output, c_16 one chunk at a time: DST 0, 1 the tiles; the shift uses DST 2 (float32: the mean's hi part).
        for (uint32_t c = 0; c < Ws; c += chunk_tiles) {
            output_resident_from<chunk_tiles, has_gamma, has_beta>(
                cb_stats, fp32_in ? 2 : 0, cb_stats, 1,
                [](uint32_t t0, uint32_t n) {
                    if constexpr (fp32_in) {
                        shift_by_x0(t0, n, cb_stats, 0);  // x - mean hi
                    } else {
                        for (uint32_t j = 0; j < n; ++j) {
                            shifted(t0 + j, j);  // x - x0 (FPU)
                        }
                    }
                },
                c);
        }

        cb_pop_front(cb_in, Ws);
        cb_pop_front(cb_stats, exchange_pages);
    }

    pop_affine<has_gamma, has_beta>(Ws);
    end_kernel(0);
}
