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
//   (the writer exchanges hi = x0, lo = m_i, M2_i with the other cores of the tile-row: c_25 then holds them as
//   Float32 tiles, row j = slice j, column r = row r of the tile-row: wsplit_exchange)
//   combine the row's mean and inverse std from the S slices' rows on the SFPU, two DEST sections (combine_offset,
//           combine_finish below) -> c_27: page 0 the inverse std; bfloat16 input: page 1 mean - x0 of this slice;
//           float32: page 1 R and page 2 d, the mean as the pair R + d (column 0 of each)
//   output  output_resident_from (layernorm_fused_rm_precise_common.hpp), one chunk of Bc tiles of c_16 at a time, 2
//           tiles per DEST section with the section's operands resident in DEST: bfloat16 (y_t - c_27[1]) * c_27[0];
//           float32 ((x_t - c_27[1]) - c_27[2]) * c_27[0] (SFPU column broadcasts, the last two fused); then
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
// The combine (c_25: tiles H, L, M of the slots' x0_j, m_j, M2_j, 32 slots per group; N and w: n_j and n_j / W per
// row j, 0 in rows of no slice, whose H, L, M rows are 0), with R = x0_0 + m_0 (slice 0's mean, broadcast down the
// rows from row 0 of H and L: unary_bcast<ROW>) and, per slot j and tile-row row r (row j, column r):
//   d_j = (x0_j - R) + m_j                   the slice mean relative to R (not (x0_j + m_j) - R: x0_j may be an
//                                            outlier, and slice means relative to it would be rounded at its ulp)
//   d = sum_j (n_j / W) d_j                  combine_offset: the weighted tile w * D, its column sums (sfpu_reduce
//                                            REDUCE_COL, fp32 on the SFPU) -> row 0, packed to c_27
//   e_j = d_j - d,  M2 = sum_j (M2_j + n_j e_j^2)
//                                            combine_finish: d broadcast back down the rows from c_27, the column sums
//                                            of M + N * E * E; every term non-negative (the exact decomposition of the
//                                            total sum of squares into within- and between-slice parts: the factory)
//   inv_std = 1 / sqrt(M2 / W + eps)         rsqrt_tile and two Newton steps (newton_step), row 0
// The row mean is R + d: the pair keeps fp32 accuracy of the spread, not of |mean|. d comes from one pass: its error is
// a few fp32 roundings of max_j |d_j| (the tree of sfpu_reduce: 5 levels; the products, the subtractions), and e_j is
// centred on d, so the error of d enters M2 only squared. The results are rows; transpose_dest (32-bit) makes them
// columns for the output's broadcasts: inv_std's row 0 becomes column 0, and the tiles of R and of d, equal in every
// row (broadcast), become equal in every column. bfloat16 input: (R - x0) + d, x0 = column 0 of c_1 tile 0 (unary_bcast
// <COL>), this slice's own shift.
//
// CBs (precise roles): c_1 the input format (Float32: UnpackToDestFp32; bf16: unmarked, copied exactly), Ws pages;
// c_24 the bf16 parts of a row-sum tile (2 or 3 pages, one per part; not marked: reduce reads it through SrcB); c_25
// Float32 (marked), from the writer: the exchange tiles; c_26 Float32, 3 pages, to the writer: hi, lo, M2_i; c_27
// Float32 (marked), 2 pages (float32 input: 3): S with its remainder S - h_1, then m_i; d; the combined statistics. Its
// waits are single pages but the last (the output's statistics, one chunk): per tile-row c_27 takes 3 (float32: 5)
// pages before d, so d is page 1 (float32: 2) of the ring and the statistics chunk starts at page 0; c_3 (bf16 eps)
// waited and popped for the reader's sake.
//
// Compile-time args: compute_ct_args with Wt = Ws (inv_w_bits: 1 / W of the row), block_w = the untilize block width
// (output_resident's: 2, 1 when Bc is odd; LayerNormFusedRMWSplitProgramFactory::block_width), then wsplit_compute_ct_args
// (exchange_pages = wsplit_exchange::tile_pages(S), chunk_tiles = Bc, fp32_input); runtime args:
// wsplit_compute_rt_args (layernorm_fused_rm_kernel_args.hpp).
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/transpose_dest.h"
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
constexpr uint32_t cb_stats = cb_mean;     // c_25: the exchange tiles from the writer
constexpr Split kSliceSplit{cb_row, cb_parts, kParts, kNoCb};
namespace ex = layernorm_fused_rm::wsplit_exchange;
// Slot groups of the exchange (32 slots per group): c_25 holds 5 tiles per group (ex::tile_pages).
constexpr uint32_t kGroups = exchange_pages / ex::tile_pages(1);
static_assert(kGroups >= 1 && exchange_pages == ex::tile_pages(32 * kGroups), "c_25 holds the tile exchange");
constexpr uint32_t kS = 32 * kGroups;  // any S of kGroups groups: the page layout depends on the groups alone

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

// ---- The combine (header) ----

// DST[i] = its column sums in row 0 (sfpu_reduce REDUCE_COL, fp32 SFPU adds; rows 1..3 of the tile undefined after).
ALWI void column_sums(uint32_t i) {
    sfpu_reduce_init<PoolType::SUM, DataFormat::Float32>();
    sfpu_reduce<PoolType::SUM, DataFormat::Float32, ReduceDim::REDUCE_COL>(i);
}

// DST[i] transposed in place, all 32 bits of each value (transpose_dest<is_32bit>).
ALWI void transpose(uint32_t i) {
    transpose_dest_init<true, true>();
    transpose_dest<true, true>(i);
}

// DST[r] = R = x0_0 + m_0 in every row (row 0 of the group-0 H and L tiles broadcast down); DST[tmp] clobbered.
ALWI void slice0_mean(uint32_t r, uint32_t tmp) {
    bcast_from<BroadcastType::ROW>(cb_stats, ex::hi_page(0), r);
    bcast_from<BroadcastType::ROW>(cb_stats, ex::lo_page(0), tmp);
    add_dst(r, tmp);
}

// DST[w] = D = (H - R) + L of slot group g, R in DST[r]; DST[tmp] clobbered.
ALWI void slot_offsets(uint32_t g, uint32_t w, uint32_t r, uint32_t tmp) {
    copy_from(cb_stats, ex::hi_page(g), w);
    sub_dst(w, r);
    copy_from(cb_stats, ex::lo_page(g), tmp);
    add_dst(w, tmp);
}

// Section 1: d = sum_j (n_j / W) d_j in row 0 of a tile pushed to c_27. DST: 0 R, 1 D, 2 the sum, 3 scratch.
ALWI void combine_offset() {
    constexpr uint32_t s_r = 0, s_d = 1, s_sum = 2, s_t = 3;
    tile_regs_acquire();
    slice0_mean(s_r, s_d);
    for (uint32_t g = 0; g < kGroups; ++g) {
        slot_offsets(g, s_d, s_r, s_t);
        const uint32_t p = g == 0 ? s_sum : s_t;
        copy_from(cb_stats, ex::weight_page(kS, g), p);
        mul_dst(p, s_d);
        if (g > 0) {
            add_dst(s_sum, s_t);
        }
    }
    column_sums(s_sum);
    tile_regs_commit();
    pack_outs({s_sum, cb_row});
}

// One Newton step for y ~ 1 / sqrt(a) (DST tiles y, a; t clobbered): t = 1/2 - (a y) y / 2, y += y t, the last two
// operations fused (addcmul_tile: y + 1.0 * y * t); as newton_rsqrt (layernorm_fused_rm_precise_common.hpp) in 5
// steps instead of 6.
ALWI void newton_step(uint32_t y, uint32_t a, uint32_t t) {
    newton_residual(y, a, t);
    addcmul_tile_init();
    addcmul_tile<DataFormat::Float32>(y, y, t, y, kUnitBits);
}

// Section 2: M2 = sum_j (M2_j + n_j (d_j - d)^2) (d from c_27, popped), the inverse std, and the mean's parts, all
// as columns, pushed to c_27 as one chunk: inverse std, then (bfloat16) (R - x0) + d or (float32) R and d.
// DST: 0 the sum, then the inverse std; 1 R; 2 scratch, then a = var + eps; 3 d, scratch (groups past the first, the
// Newton steps), d again.
ALWI void combine_finish(uint32_t eps_bits) {
    constexpr uint32_t s_acc = 0, s_r = 1, s_w = 2, s_d = 3;
    cb_wait_front(cb_row, 1);
    tile_regs_acquire();
    slice0_mean(s_r, s_w);
    bcast_from<BroadcastType::ROW>(cb_row, 0, s_d);
    for (uint32_t g = 0; g < kGroups; ++g) {
        const uint32_t v = g == 0 ? s_acc : s_d;  // the group's term; past group 0 in d's slot, d reloaded
        slot_offsets(g, s_w, s_r, v);
        if (g > 0) {
            bcast_from<BroadcastType::ROW>(cb_row, 0, s_d);
        }
        sub_dst(s_w, s_d);  // e_j
        copy_from(cb_stats, ex::count_page(kS, g), v);
        mul_dst(v, s_w);
        mul_dst(v, s_w);  // n_j e_j^2
        copy_from(cb_stats, ex::m2_page(g), s_w);
        add_dst(v, s_w);
        if (g > 0) {
            add_dst(s_acc, v);
        }
    }
    column_sums(s_acc);
    binop_with_scalar_tile_init();
    mul_unary_tile(s_acc, args::inv_w_bits);
    add_unary_tile(s_acc, eps_bits);
    copy_dest_values_init();
    copy_dest_values<DataFormat::Float32>(s_acc, s_w);
    rsqrt_tile_init();
    rsqrt_tile(s_acc);
    newton_step(s_acc, s_w, s_d);
    newton_step(s_acc, s_w, s_d);
    transpose(s_acc);
    transpose(s_r);
    bcast_from<BroadcastType::ROW>(cb_row, 0, s_d);
    transpose(s_d);
    if constexpr (!fp32_in) {
        bcast_from<BroadcastType::COL>(cb_in, 0, s_w);  // x0 of this slice
        sub_dst(s_r, s_w);
        add_dst(s_r, s_d);
    }
    tile_regs_commit();
    cb_pop_front(cb_row, 1);
    constexpr uint32_t n = fp32_in ? 3 : 2;
    cb_reserve_back(cb_row, n);
    tile_regs_wait();
    pack_reconfig_data_format(cb_row);
    pack_tile(s_acc, cb_row);
    pack_tile(s_r, cb_row);
    if constexpr (fp32_in) {
        pack_tile(s_d, cb_row);
    }
    tile_regs_release();
    cb_push_back(cb_row, n);
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
    const uint32_t eps_bits = get_arg_val<uint32_t>(rt::eps_bits);

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

        // The row's statistics from the S slices' partials (c_25, from the writer) -> c_27.
        cb_wait_front(cb_stats, exchange_pages);
        combine_offset();
        combine_finish(eps_bits);
        cb_pop_front(cb_stats, exchange_pages);
        constexpr uint32_t n_stats = fp32_in ? 3 : 2;
        cb_wait_front(cb_row, n_stats);
        // Output, c_16 one chunk at a time: DST 0, 1 the tiles; the shift uses DST 2 (float32: R).
        for (uint32_t c = 0; c < Ws; c += chunk_tiles) {
            output_resident_from<chunk_tiles, has_gamma, has_beta>(
                cb_row, fp32_in ? 2 : 1, cb_row, 0,
                [](uint32_t t0, uint32_t n) {
                    if constexpr (fp32_in) {
                        shift_by_x0(t0, n, cb_row, 1);  // x - R
                    } else {
                        for (uint32_t j = 0; j < n; ++j) {
                            shifted(t0 + j, j);  // x - x0 (FPU)
                        }
                    }
                },
                c);
        }

        cb_pop_front(cb_in, Ws);
        cb_pop_front(cb_row, n_stats);
    }

    pop_affine<has_gamma, has_beta>(Ws);
    end_kernel(0);
}
