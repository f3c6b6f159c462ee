// SPDX-License-Identifier: Apache-2.0
//
// Steps shared by the fp32-DEST compute kernels: the precise kernels (layernorm_fused_rm_precise.cpp, row-resident,
// and layernorm_fused_rm_precise_streaming.cpp), used for FLOAT32 input, and the shifted kernels
// (layernorm_fused_rm_shifted*.cpp), used for BFLOAT16 input with fp32_dest_acc_en.
//
// Why: every FPU op (binary, bcast, reduce) reads its CB operands through the 19-bit source registers
// SrcA/SrcB, which hold TF32 (fp32 truncated to 10 mantissa bits, ISA SrcASrcB.md), and the FPU takes its operand
// format from SrcA (ISA MVMUL.md, ELWADD.md: a TF32 SrcB next to a bf16 SrcA may be used at bf16 precision). Here
// the FPU touches data only where that is harmless:
//   * copy_tile from a Float32 CB marked UnpackToDestFp32 (c_1, c_24) and unary_bcast from a Float32 CB so marked
//     (c_6, c_7, c_25, c_27: bcast.h unpacks 32-bit formats straight to DEST, "SrcB is only 19bits wide") bring
//     operands into the fp32 DEST exactly; so do copy_tile and unary_bcast of bf16 tiles (exact in any source
//     register). No FPU op reads a CB marked UnpackToDestFp32 (ISA UNPACR_Regular.md: converting FP32 into
//     SrcA/SrcB that way is undefined; tt-llk cunpack_common.h is_unpacker_format_conversion_supported_dest);
//   * all arithmetic on fp32 values is SFPU arithmetic on DEST tiles in fp32 (sub/add/mul_binary_tile,
//     square_tile, mul/add_unary_tile, rsqrt_tile followed by two Newton steps);
//   * the FPU reduces (32-column row sums) read only bf16 parts of a row-sum tile S (split(): S = h_1 + h_2 + ...,
//     each h_k the bf16 rounding of what is left) against the bf16 1.0 scaler: every product is exact at HiFi3 and
//     HiFi4 (the precise kernels' factory sets HiFi4).
// The mean is m1 + m2 (corrected two-pass algorithm): m1 the mean of x (W-split kernel) or x0 + the mean of x - x0
// (x0 the row's first element: layernorm_fused_rm_precise.cpp), m2 the mean of x - m1. x - m1 is exact
// when x is near m1 (Sterbenz), so rows with a large mean relative to their spread (x ~ 1e4 +- 1) keep their
// centered values to fp32 accuracy of the spread, not of the mean.
// W % 32 != 0: the columns of the row's last tile past W are 0 in c_1 (the reader zeroes c_0), and x - m1
// there is masked to 0 with row 0 of the partial reduce-scaler tile c_2[1] (1.0 in the valid columns, else 0).
#pragma once
#include <cstdint>

#include "api/compute/copy_dest_values.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/addcmul.h"
#include "api/compute/sfpu_binary_bcast.h"
#include "layernorm_fused_rm_compute_common.hpp"

namespace lnfrm::precise {

constexpr uint32_t cb_sum = cb_xmm;    // c_24: element-wise row-sum tiles S
constexpr uint32_t cb_split = cb_var;  // c_26 (precise kernels: bfloat16, 3 pages): the bf16 parts of S

// After tile_regs_commit: DST[idst] packed into one page pushed to ocb (its format set), DEST released.
ALWI void pack_to(uint32_t ocb, uint32_t idst = 0) {
    cb_reserve_back(ocb, 1);
    tile_regs_wait();
    pack_reconfig_data_format(ocb);
    pack_tile(idst, ocb);
    tile_regs_release();
    cb_push_back(ocb, 1);
}

ALWI void copy_from(uint32_t icb, uint32_t tile, uint32_t idst) {
    reconfig_data_format(icb, icb);
    copy_init(icb);
    copy_tile(icb, tile, idst);
}

template <BroadcastType bt>
ALWI void bcast_from(uint32_t icb, uint32_t tile, uint32_t idst) {
    reconfig_data_format(icb, icb);
    unary_bcast_init<bt>(icb);
    unary_bcast<bt>(icb, tile, idst);
    unary_bcast_uninit<bt>(icb);
}

ALWI void sub_dst(uint32_t a, uint32_t b) {
    sub_binary_tile_init();
    sub_binary_tile(a, b, a);
}
ALWI void add_dst(uint32_t a, uint32_t b) {
    add_binary_tile_init();
    add_binary_tile(a, b, a);
}
ALWI void mul_dst(uint32_t a, uint32_t b) {
    mul_binary_tile_init();
    mul_binary_tile(a, b, a);
}

// DST[w] *= 1 in the row's valid columns, 0 past W (row 0 of the partial scaler tile c_2[1]); DST[tmp] clobbered.
ALWI void mask_padding(uint32_t w, uint32_t tmp) {
    bcast_from<BroadcastType::ROW>(cb_scaler, 1, tmp);
    mul_dst(w, tmp);
}

constexpr uint32_t kNoCb = 0xffffffffu;
constexpr uint32_t kHalfBits = 0x3f000000u;       // 0.5f
constexpr uint32_t kMinusHalfBits = 0xbf000000u;  // -0.5f

// Where split_reduce_mean / split_reduce_inv_std find S and put its parts. s_cb: Float32, UnpackToDestFp32 (S is
// copied into DEST exactly). part_cb: bfloat16, `parts` free pages. rest_cb: kNoCb, or a Float32 CB NOT marked
// UnpackToDestFp32 (reduce reads it through SrcB) with one free page.
struct Split {
    uint32_t s_cb;
    uint32_t part_cb;
    uint32_t parts;
    uint32_t rest_cb;
};

// Splits the front tile S of sp.s_cb into bf16 tiles h_1 = bf16(S), h_k = bf16(S - h_1 - ... - h_{k-1}) pushed
// into sp.part_cb (the packer rounds fp32 to the nearest bf16, ISA Packers/FormatConversion.md, so each
// difference is exact in fp32 and at most 2^-9 of the previous one), then, with a rest CB, the remainder
// S - h_1 - ... - h_parts exactly into it. Why bf16 parts: the FPU takes its operand format from SrcA (ISA
// MVMUL.md, ELWADD.md); the reduce's scaler in SrcA is bf16, so a TF32 value in SrcB may be multiplied at bf16
// precision. bf16 parts times the 1.0 scaler are exact at HiFi3 and HiFi4 (ISA SrcASrcB.md: phases 0 and 1 take
// SrcB's implicit bit and top six mantissa bits, phases 2 and 3 the seventh). S is not popped.
ALWI void split(const Split& sp) {
    const uint32_t pieces = sp.parts + (sp.rest_cb != kNoCb ? 1u : 0u);
    for (uint32_t k = 0; k < pieces; ++k) {
        const uint32_t out_cb = k < sp.parts ? sp.part_cb : sp.rest_cb;
        if (k > 0) {
            cb_wait_front(sp.part_cb, k);
        }
        tile_regs_acquire();
        copy_from(sp.s_cb, 0, 0);
        for (uint32_t i = 0; i < k; ++i) {
            copy_from(sp.part_cb, i, 1);  // bf16 through SrcA: exact
            sub_dst(0, 1);
        }
        tile_regs_commit();
        pack_to(out_cb);
    }
}

// DST[idst] += the row sums (REDUCE_ROW SUM against the 1.0 scaler) of the parts and rest left by split().
ALWI void reduce_parts(const Split& sp, uint32_t ocb, uint32_t idst) {
    // REDUCE_ROW SUM unpacks the scaler to SrcA and the data to SrcB (reduce.h).
    formats(cb_scaler, sp.part_cb, ocb);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(sp.part_cb, cb_scaler, ocb);
    for (uint32_t p = 0; p < sp.parts; ++p) {
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(sp.part_cb, cb_scaler, p, 0, idst);
    }
    if (sp.rest_cb != kNoCb) {
        reconfig_data_format_srcb(sp.rest_cb);
        reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(sp.rest_cb, cb_scaler, ocb);
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(sp.rest_cb, cb_scaler, 0, 0, idst);
    }
    reduce_uninit();
}

// DST[t] = (1 - a y^2) / 2 = 1/2 - (a y) y / 2, the residual of a Newton step for y ~ 1/sqrt(a) (DST tiles y, a).
ALWI void newton_residual(uint32_t y, uint32_t a, uint32_t t) {
    mul_binary_tile_init();
    mul_binary_tile(a, y, t);
    mul_binary_tile(t, y, t);
    binop_with_scalar_tile_init();
    mul_unary_tile(t, kMinusHalfBits);
    add_unary_tile(t, kHalfBits);
}

// One Newton step for y ~ 1/sqrt(a): y += y * (1 - a y^2) / 2 (DST tiles y, a; t is clobbered). The correction is
// small, so its own rounding is negligible: the step squares the relative error (e -> 1.5 e^2) and adds about one
// fp32 rounding. Two steps take silicon's approximate rsqrt (relative error up to 8.8e-4, math_approx_mode,
// ckernel_sfpu_sqrt.h) and its precise one to fp32 accuracy, so no result depends on which rsqrt ran.
ALWI void newton_rsqrt(uint32_t y, uint32_t a, uint32_t t) {
    newton_residual(y, a, t);
    mul_binary_tile_init();
    mul_binary_tile(t, y, t);
    add_dst(y, t);
}

// Waits for the front tile S of sp.s_cb, splits it (split) and waits for its parts and rest.
ALWI void split_and_wait(const Split& sp) {
    cb_wait_front(sp.s_cb, 1);
    split(sp);
    cb_wait_front(sp.part_cb, sp.parts);
    if (sp.rest_cb != kNoCb) {
        cb_wait_front(sp.rest_cb, 1);
    }
}

// Pops S and the parts and rest split_and_wait left.
ALWI void pop_split(const Split& sp) {
    cb_pop_front(sp.s_cb, 1);
    cb_pop_front(sp.part_cb, sp.parts);
    if (sp.rest_cb != kNoCb) {
        cb_pop_front(sp.rest_cb, 1);
    }
}

// The row mean: row sums of the front tile S of sp.s_cb (its 32 columns added per row) x 1 / W (args::inv_w_bits,
// the float32 bits of 1 / W) into column 0 of a tile pushed to ocb; pops S and the parts.
ALWI void split_reduce_mean(const Split& sp, uint32_t ocb) {
    split_and_wait(sp);
    tile_regs_acquire();
    reduce_parts(sp, ocb, 0);
    binop_with_scalar_tile_init();
    mul_unary_tile(0, args::inv_w_bits);
    tile_regs_commit();
    pop_split(sp);
    pack_to(ocb);
}

// DST slots of the element-wise row-sum passes.
constexpr uint32_t d_acc = 0;
constexpr uint32_t d_work = 1;
constexpr uint32_t d_tmp = 2;

// ---- Row sums of x - x0 by the FPU's accumulate mode (the bfloat16-input mean passes) ----
// ELWSUB has an AddDst flag (ISA WormholeB0/TensixTile/TensixCoprocessor/ELWSUB.md, functional model in ELWADD.md):
// Dst += SrcA - SrcB, SrcB's column 0 broadcast supported; with an fp32 DEST `float Result = SrcA - SrcB; if (AddDst)
// Result += ReadDstFP32(Dst); Dst = WriteDstFP32(Result)`. tt-llk llk_math_eltwise_binary.h
// eltwise_binary_configure_mop_standard puts acc_to_dest into every ELWSUB of the MOP, for every broadcast type
// including COL; bcast.h's inits take no acc_to_dest, so (as upstream's weighted_reduce_nc.cpp and
// compute_indexer_score.cpp do) the full init sub_bcast_cols_init is followed by the math-only
// llk_math_eltwise_binary_init<ELWSUB, COL, LoFi>(a, b, 1) (llk_math_binary_api.h; LoFi as sub_bcast_cols_init
// passes: add and sub run at LoFi). Every later binary init (sub_bcast_cols_init again) reprograms the MOP with
// acc_to_dest = 0. x - x0 of two bf16 values is exact in fp32 when their exponents differ by at most 16, so the
// FPU's Result is the term y and DEST += y is one fp32 rounding, as the SFPU add it replaces (in the ISA's model;
// the ISA leaves the FPU's internal precision open: "precision could be either lower or higher than what is shown").

// DST[d_acc] = (DST[d_acc] when onto_acc) + sum_t (x_t - x0) over tiles 0 .. tiles - 1 of icb (bf16, SrcA), x0 =
// column 0 of tile shift_tile of shift_cb (bf16, SrcB): one FPU subtraction per tile, the first (not onto_acc) a plain
// one into DST[d_acc], the others accumulated into it. masked_last (W % 32 != 0, the row's last tile among these):
// the last tile is subtracted into DST[d_work], masked past W (DST[d_tmp] scratch) and added on the SFPU, the mask
// coming before the add (the first tile itself when it is the only one and not onto_acc: masked in DST[d_acc]).
ALWI void sum_shifted(uint32_t icb, uint32_t shift_cb, uint32_t shift_tile, uint32_t tiles, bool onto_acc,
                      bool masked_last) {
    const uint32_t fused = masked_last ? tiles - 1 : tiles;  // tiles summed by the FPU alone
    reconfig_data_format(icb, shift_cb);
    sub_bcast_cols_init(icb, shift_cb);
    uint32_t t = 0;
    if (!onto_acc && fused > 0) {
        sub_tiles_bcast_cols(icb, shift_cb, 0, shift_tile, d_acc);
        t = 1;
    }
    if (t < fused) {
        MATH((llk_math_eltwise_binary_init<EltwiseBinaryType::ELWSUB, BroadcastType::COL, MathFidelity::LoFi>(
            icb, shift_cb, 1 /* acc_to_dest */)));
        for (; t < fused; ++t) {
            sub_tiles_bcast_cols(icb, shift_cb, t, shift_tile, d_acc);
        }
    }
    if (masked_last) {
        const bool alone = !onto_acc && tiles == 1;
        const uint32_t w = alone ? d_acc : d_work;
        sub_bcast_cols_init(icb, shift_cb);  // acc_to_dest = 0 again
        sub_tiles_bcast_cols(icb, shift_cb, tiles - 1, shift_tile, w);
        mask_padding(w, d_tmp);
        if (!alone) {
            add_dst(d_acc, w);
        }
    }
}

// The split of the precise kernels: S in c_24, three bf16 parts in c_26 (S - h_1 - h_2 - h_3 is at most 2^-27 |S|).
constexpr Split kPreciseSplit{cb_sum, cb_split, 3, kNoCb};

// ---- Resident operands (every fp32-DEST kernel since the tile-step cut) ----
// A per-row operand (x0, m, 1 / std: column 0 of a tile) is brought into a DEST slot once per DEST section with
// unary_bcast<COL> (every column then holds the row's value, so the SFPU broadcast below never meets a non-finite
// value in columns 1..7 that column 0 does not have: ckernel_sfpu_binary_bcast.h masks columns 1..7 by multiplying
// with 0, and Inf * 0 is NaN) and applied to each tile by one SFPU broadcast op (api/compute/sfpu_binary_bcast.h,
// fp32 operands in DEST, no FPU source register involved). Two fused SFPU ops replace op pairs:
// addcmul_tile (api/compute/eltwise_unary/addcmul.h: a + value * b * c, value = 1.0) gives S + d * d and
// z * gamma + beta in one step each. A DEST section holds 4 fp32 tiles in half-sync, and every section that packs
// (the output) starts from an empty DEST, so the output loads its operands once per block of up to 2 tiles.

constexpr uint32_t kUnitBits = 0x3f800000u;  // 1.0f

// DST[w] -= column 0 of DST[col] broadcast across the columns (sfpu_sub_bcast_col).
ALWI void sub_col_dst(uint32_t w, uint32_t col) {
    sfpu_bcast_col_init();
    sfpu_sub_bcast_col(w, col);
}

// DST[w] = (DST[w] - column 0 of DST[mean]) * column 0 of DST[inv] (sfpu_normalize_bcast_col: SFPADD, then SFPMUL).
ALWI void normalize_col_dst(uint32_t w, uint32_t mean, uint32_t inv) {
    sfpu_bcast_col_init();
    sfpu_normalize_bcast_col(w, mean, inv);
}

// DST[acc] += DST[w] * DST[w] (addcmul_tile).
ALWI void add_square_dst(uint32_t acc, uint32_t w) {
    addcmul_tile_init();
    addcmul_tile<DataFormat::Float32>(acc, w, w, acc, kUnitBits);
}

// DST[j] = DST[j] * DST[g] + DST[b] (addcmul_tile).
ALWI void mul_add_dst(uint32_t j, uint32_t g, uint32_t b) {
    addcmul_tile_init();
    addcmul_tile<DataFormat::Float32>(b, j, g, j, kUnitBits);
}

// Untilize block width of output_resident for `tiles` tiles: 2 tiles and the two operand slots fill the 4 fp32 tiles
// of a half-sync DEST section; 1 when `tiles` is odd.
template <uint32_t tiles>
constexpr uint32_t resident_block_w() {
    return tiles % 2 == 0 ? 2 : 1;
}

// Output of `tiles` tiles from tile first_tile on (tile t with tile t of c_6/c_7): ((y_t - m) * inv_std) * gamma_t +
// beta_t, untilized from DEST into c_16 (one row-major block `tiles` wide), resident_block_w<tiles>() tiles per DEST
// section. shift(t0, n) leaves y of tiles t0 .. t0 + n - 1 in DST[0 .. n) and may use DST 2 and 3. m: column 0 of
// tile mean_tile of mean_cb; 1 / std: column 0 of tile inv_tile of inv_cb (both Float32, UnpackToDestFp32).
// first_tile > 0: the W-split's chunked output, c_1 and c_6/c_7 holding the whole slice and c_16 one chunk.
// DST: 0, 1 the tiles; 2 m, then gamma; 3 1 / std, then beta.
template <uint32_t tiles, bool has_gamma, bool has_beta, typename Shift>
ALWI void output_resident_from(uint32_t mean_cb, uint32_t mean_tile, uint32_t inv_cb, uint32_t inv_tile, Shift shift,
                               uint32_t first_tile = 0) {
    constexpr uint32_t bw = resident_block_w<tiles>();
    constexpr uint32_t s_a = 2, s_b = 3;
    pack_untilize_dest_init<bw, tiles>(cb_out_rm);
    cb_reserve_back(cb_out_rm, tiles);
    for (uint32_t b = 0; b < tiles / bw; ++b) {
        tile_regs_acquire();
        shift(first_tile + b * bw, bw);
        bcast_from<BroadcastType::COL>(mean_cb, mean_tile, s_a);
        bcast_from<BroadcastType::COL>(inv_cb, inv_tile, s_b);
        for (uint32_t j = 0; j < bw; ++j) {
            normalize_col_dst(j, s_a, s_b);
        }
        for (uint32_t j = 0; j < bw; ++j) {
            const uint32_t t = first_tile + b * bw + j;
            if constexpr (has_gamma && has_beta) {
                bcast_from<BroadcastType::ROW>(cb_gamma, t, s_a);
                bcast_from<BroadcastType::ROW>(cb_beta, t, s_b);
                mul_add_dst(j, s_a, s_b);
            } else if constexpr (has_gamma) {
                bcast_from<BroadcastType::ROW>(cb_gamma, t, s_a);
                mul_dst(j, s_a);
            } else if constexpr (has_beta) {
                bcast_from<BroadcastType::ROW>(cb_beta, t, s_a);
                add_dst(j, s_a);
            }
        }
        tile_regs_commit();
        tile_regs_wait();
        pack_untilize_dest<bw, tiles>(cb_out_rm, 1, b);
        tile_regs_release();
    }
    cb_push_back(cb_out_rm, tiles);
    pack_untilize_uninit(cb_out_rm);
}

// output_resident_from with m = c_25 tile mean_tile and 1 / std = c_27 tile 0.
template <uint32_t tiles, bool has_gamma, bool has_beta, typename Shift>
ALWI void output_resident(uint32_t mean_tile, Shift shift) {
    output_resident_from<tiles, has_gamma, has_beta>(cb_mean, mean_tile, cb_inv_std, 0, shift);
}

// The fp32 kernels' shift for output_resident: DST[j] = x (tile t0 + j of c_1) - x0 (column 0 of tile x0_tile of
// x0_cb, in DST 2), j < n.
ALWI void shift_by_x0(uint32_t t0, uint32_t n, uint32_t x0_cb, uint32_t x0_tile) {
    for (uint32_t j = 0; j < n; ++j) {
        copy_from(cb_in, t0 + j, j);
    }
    bcast_from<BroadcastType::COL>(x0_cb, x0_tile, 2);
    for (uint32_t j = 0; j < n; ++j) {
        sub_col_dst(j, 2);
    }
}

// Pass A of the precise kernels, one chunk of `tiles` tiles of c_1: S += sum_t (x_t - x0), x0 = column 0 of c_25
// tile 0 (stage_x0; a row element, so |x - x0| <= 2 max |x - mean| in every row), the term masked past W on the row's
// last tile (`last_chunk`). S starts from c_24's front tile when `partial` (its `copies` pages popped) and is pushed
// to c_24 `copies` times. One DEST section: DST 0 S, 1 the tile's term, 2 scratch, 3 x0.
ALWI void x0_sum_chunk(uint32_t tiles, bool partial, bool last_chunk, uint32_t copies) {
    constexpr uint32_t s_x0 = 3;
    tile_regs_acquire();
    if (partial) {
        cb_wait_front(cb_sum, copies);
        copy_from(cb_sum, 0, d_acc);
    }
    bcast_from<BroadcastType::COL>(cb_mean, 0, s_x0);
    for (uint32_t t = 0; t < tiles; ++t) {
        const uint32_t w = (!partial && t == 0) ? d_acc : d_work;
        copy_from(cb_in, t, w);
        sub_col_dst(w, s_x0);
        if (args::partial && last_chunk && t == tiles - 1) {
            mask_padding(w, d_tmp);
        }
        if (w != d_acc) {
            add_dst(d_acc, w);
        }
    }
    tile_regs_commit();
    if (partial) {
        cb_pop_front(cb_sum, copies);
    }
    cb_reserve_back(cb_sum, copies);
    tile_regs_wait();
    pack_reconfig_data_format(cb_sum);
    for (uint32_t k = 0; k < copies; ++k) {
        pack_tile(d_acc, cb_sum);
    }
    tile_regs_release();
    cb_push_back(cb_sum, copies);
}

// The row's first tile (c_1 tile 0: x0 is its column 0) copied exactly into c_25 and waited for: the shift of pass A.
ALWI void stage_x0() {
    tile_regs_acquire();
    copy_from(cb_in, 0, 0);
    tile_regs_commit();
    pack_to(cb_mean);
    cb_wait_front(cb_mean, 1);
}

// c_25 = [x0, m] (m = the mean of x - x0) -> [m1], m1 = fl(x0 + m): the row's mean to within one rounding plus m's
// error, the shift of pass B.
ALWI void shift_to_mean() {
    cb_wait_front(cb_mean, 2);
    tile_regs_acquire();
    bcast_from<BroadcastType::COL>(cb_mean, 0, 0);
    bcast_from<BroadcastType::COL>(cb_mean, 1, 1);
    add_dst(0, 1);
    tile_regs_commit();
    cb_pop_front(cb_mean, 2);
    pack_to(cb_mean);
    cb_wait_front(cb_mean, 1);
}

// Pass B of the precise kernels, one block of `tiles` tiles of c_1 from tile first_tile (a streaming chunk, or the
// row-resident kernel's block of the same width): d = x - m1 (m1: column 0 of c_25 tile 0; exact by Sterbenz when the
// mean is large against the spread, else rounded relative to |x - m1|), masked past W on the row's last tile
// (`last_chunk`); the block's own sums S1 = sum_t d and S2 = sum_t d^2 (addcmul_tile) start from its first tile, and
// with `partial` the running totals of the blocks before (the front tiles of s1_cb and s2_cb, popped) are added to
// them once, at the end. S1 is pushed to s1_cb and S2 to s2_cb (the same CB: S1 then S2, 2 pages).
// Why blocks: each element of S2 is a chain of roundings, and d = x - m1 lies on the input's grid (multiples of
// ulp(x), 2^-10 at |x| ~ 1e4), so d^2 is a multiple of 2^-20 whose bits below the running sum's ulp (2^-17 once
// S2 >= 64) are those of an integer square: 0, 1 or 4 units mod 8, never 2, 3, 5, 6, 7. Round to nearest drops the
// 1 unit every time, a bias, not noise, so the error grows with the chain's length: one chain over the row (Wt
// terms, what this did before) made S2 low by 5e-7 on average and 1 / std high by 2.3e-7 for rows 1e4 + randn at W
// 4096 (float32 target 3e-7 of the row's scale). In blocks of Bt <= 8 tiles (streaming_chunk) no chain is longer
// than max(Bt, Wt / Bt), and the block totals (sums of many squares) carry no such pattern (README "Numerics").
// One DEST section: DST 0 S1, 1 S2, 2 the tile's d, then the S1 total, 3 m1 (on the row's last tile, the mask
// scratch), then the S2 total.
ALWI void centered_sums_chunk(uint32_t first_tile, uint32_t tiles, bool partial, bool last_chunk, uint32_t s1_cb,
                              uint32_t s2_cb) {
    constexpr uint32_t s_1 = 0, s_2 = 1, s_d = 2, s_m1 = 3;
    const bool one_cb = s1_cb == s2_cb;
    tile_regs_acquire();
    bcast_from<BroadcastType::COL>(cb_mean, 0, s_m1);
    for (uint32_t t = 0; t < tiles; ++t) {
        const bool first = t == 0;
        const uint32_t w = first ? s_1 : s_d;
        copy_from(cb_in, first_tile + t, w);
        sub_col_dst(w, s_m1);
        if (args::partial && last_chunk && t == tiles - 1) {
            mask_padding(w, s_m1);
        }
        if (first) {
            mul_binary_tile_init();
            mul_binary_tile(s_1, s_1, s_2);
        } else {
            add_dst(s_1, w);
            add_square_dst(s_2, w);
        }
    }
    if (partial) {  // the totals of the chunks before: S1 += total S1, S2 += total S2
        cb_wait_front(s1_cb, one_cb ? 2 : 1);
        if (!one_cb) {
            cb_wait_front(s2_cb, 1);
        }
        copy_from(s1_cb, 0, s_d);
        add_dst(s_1, s_d);
        copy_from(s2_cb, one_cb ? 1 : 0, s_m1);
        add_dst(s_2, s_m1);
    }
    tile_regs_commit();
    if (partial) {
        cb_pop_front(s1_cb, one_cb ? 2 : 1);
        if (!one_cb) {
            cb_pop_front(s2_cb, 1);
        }
    }
    cb_reserve_back(s1_cb, one_cb ? 2 : 1);
    if (!one_cb) {
        cb_reserve_back(s2_cb, 1);
    }
    tile_regs_wait();
    pack_reconfig_data_format(s1_cb);
    pack_tile(s_1, s1_cb);
    pack_reconfig_data_format(s2_cb);
    pack_tile(s_2, s2_cb);
    tile_regs_release();
    if (one_cb) {
        cb_push_back(s1_cb, 2);
    } else {
        cb_push_back(s1_cb, 1);
        cb_push_back(s2_cb, 1);
    }
}

// The shift of the precise kernels' output (output_resident): DST[j] = x (tile t0 + j of c_1) - m1 (c_25 tile 0, in
// DST 2), j < n; output_resident then subtracts m2 (c_25 tile 1).
ALWI void shift_by_m1(uint32_t t0, uint32_t n) { shift_by_x0(t0, n, cb_mean, 0); }

// 1 / sqrt(s / W + eps), or 1 / sqrt(s / W - m2^2 + eps) when `shifted` (s sums (x - m1)^2, m2 = c_25 tile 1, the
// mean of x - m1), s the row sums of S, into column 0 of a tile pushed to ocb, with the row sums taken once: var + eps
// is computed in DST 0 and copied into DST 1 (copy_dest_values, bit for bit) for the Newton steps, where the earlier
// version reduced twice. Same values, 3 (shifted kernels: 2 reduces, x 1 / W, + eps) to 7 (precise: 3
// reduces, x 1 / W, m2^2 subtracted, + eps) steps fewer. DST 2, 3 scratch.
ALWI void split_reduce_inv_std(const Split& sp, uint32_t ocb, bool shifted, uint32_t eps_bits) {
    split_and_wait(sp);
    tile_regs_acquire();
    reduce_parts(sp, ocb, 0);
    binop_with_scalar_tile_init();
    mul_unary_tile(0, args::inv_w_bits);
    if (shifted) {
        bcast_from<BroadcastType::COL>(cb_mean, 1, 2);
        mul_binary_tile_init();
        mul_binary_tile(2, 2, 2);
        sub_dst(0, 2);
    }
    binop_with_scalar_tile_init();
    add_unary_tile(0, eps_bits);
    copy_dest_values_init();
    copy_dest_values<DataFormat::Float32>(0, 1);
    rsqrt_tile_init();
    rsqrt_tile(0);
    newton_rsqrt(0, 1, 2);
    newton_rsqrt(0, 1, 2);
    tile_regs_commit();
    pop_split(sp);
    pack_to(ocb);
}

}  // namespace lnfrm::precise
