// SPDX-License-Identifier: Apache-2.0
//
// Room "formats": number formats, conversions and tile layout of the host Tensix emulator. Every conversion below names
// the hardware step it models and its source. Paths "ISA:" are in github.com/tenstorrent/tt-isa-documentation
// (WormholeB0/TensixTile/TensixCoprocessor/...); "LLK:" in the tt-llk / ckernels sources shipped in the ttnn
// 0.81.1 wheel (ttnn/tt_metal/tt-llk/tt_llk_wormhole_b0/..., ttnn/tt_metal/hw/ckernels/wormhole_b0/...).
//
// 1. Unpacker, L1 -> SrcA/SrcB (to_src). SrcA/SrcB hold 19-bit values (ISA: SrcASrcB.md "Each datum ... is up
//    to 19 bits wide": TF32 = 1+8+10, BF16 overlaid with the 3 low mantissa bits zero). bf16 L1 data is exact.
//    Float32 L1 data becomes TF32 when fp32_dest_acc_en and BF16 otherwise (LLK: common/inc/cunpack_common.h,
//    is_unpacker_format_conversion_supported_*: "FP32 -> TF32 valid when is_fp32_dest_acc_en"), and the
//    conversion "involves throwing away the low 13 bits of mantissa" (ISA: SrcASrcB.md) -> truncation. FP32 ->
//    BF16 in the unpacker is modelled as truncation too (same mechanism, no rounding stage documented in
//    ISA: Unpackers/FormatConversion.md). The FPU flushes denormal operands to zero (ISA: ELWADD.md, last
//    paragraph). A CB listed as UnpackToDestFp32 bypasses SrcA for copy_tile / tilize / unary_bcast (A2D to Dst,
//    exact); an FPU read of such a Float32 CB through SrcA/SrcB is refused (ISA: UNPACR_Regular.md, FP32 out to
//    SrcA/SrcB is UndefinedBehaviour; LLK: is_unpacker_format_conversion_supported_dest). The FPU reads both
//    operands in SrcA's style (ISA: ELWADD.md "SrcAStyle"): a TF32 SrcB under a BF16 SrcA is truncated to BF16
//    (pessimistic; RunOptions::optimistic_srcb keeps it), math/fidelity.hpp point 1.
// 1b. FPU multiplies (ELWMUL, MVMUL/GAPOOL reduce) run MATH_FIDELITY's phases with per-phase DEST writes:
//    math/fidelity.hpp (ISA: SrcASrcB.md, ELWMUL.md, MVMUL.md).
// 2. FPU result -> Dst. fp32 Dst: the float32 result as is. 16-bit Dst holds BF16 (ISA: ELWADD.md functional
//    model "Dst16b = WriteDstBF16(RoundToBF16(Result))"), rounded to nearest even: stochastic rounding is off by
//    default and "default rounding is round to nearest even" (LLK: llk_lib/llk_defs.h, StochRndType::None).
// 3. SFPU result -> 16-bit Dst. SFPSTORE truncates fp32 -> bf16 (LLK: common/inc/ckernel_defs.h,
//    DstRoundingMode::Default "SFPSTORE truncates fp32->bf16 on all architectures"). Ops that round first:
//    square (ckernel_sfpu_square.h float32_to_bf16_rne), mul_binary_tile (ckernel_sfpu_binary.h, RNE, and 0 when
//    an input is 0), add/sub_binary_tile only with DstRoundingMode::NearestEven; rsqrt/sqrt
//    (ckernel_sfpu_sqrt.h convert<vFloat16b>(..., RoundMode::Nearest) = SFPSTOCHRND, ties AWAY from zero on
//    Wormhole: sfpi include/sfpi_lib.h, ISA SFPSTOCHRND_FloatFloat.md). mul/add/sub_unary_tile truncate. SFPU
//    arithmetic is SFPMAD (bit-exact per arch; Wormhole: denormal inputs as 0, denormal/-0 results as +0) and
//    rsqrt/sqrt follow the LLK's algorithm for APPROX = math_approx_mode: math/sfpu_functions.hpp.
// 4. Packer, Dst -> L1 (from_dst). fp32 Dst -> Float16_b: the early format conversion "rounding" (the LLK sets
//    Read_32b_data=1, Read_int8(Read_raw)=0 for bf16 pack_src: LLK: common/inc/cpack_common.h), which is
//    "deterministic round-to-nearest with ties away from zero"; rounding flushes denormals to zero, turns -0
//    into +0 and NaN into infinity (ISA: Packers/FormatConversion.md, "Early format conversion"). Note:
//    llk_defs.h says "round to nearest even"; the ISA document is the more specific hardware description and
//    is followed here -- the two differ only on exact ties. 16-bit Dst -> Float16_b is the identity; any Dst ->
//    Float32 is exact.
//
// Where this model differs from silicon, and why:
// - Order and fusion of FPU arithmetic: per fidelity phase, sums (reduce) accumulate sequentially in float32 over
//   the whole reduced extent (32 or 1024 products) and round into DEST once per phase; silicon's MVMUL/GAPOOL sum
//   16 products per instruction in an order and internal precision the ISA leaves open ("the functional model
//   should be taken as a rough guide", ISA: ELWADD.md), so reduce results may differ in the last bits.
// - SFPMAD is bit-exact per arch (math/sfpmad.hpp, after the ISA repository's Miscellaneous/FMA/fma.c
//   fma_model_wh / fma_model_bh: product kept to 26 fractional bits plus sticky, one rounding); the rest of the
//   SFPU model (SFPSTOCHRND ties, the LLK algorithms) follows the Wormhole sources for both arches.
// - Which sfpi expressions become one SFPMAD is assumed (a * b + c in one expression), not read from the
//   compiler; rsqrt/sqrt results depend on it in the last fp32 bit.
// - RECIP (not used by the op) is an exact float32 division.
// - Packer fp32 -> bf16 ties: away from zero per the ISA document (see 4.); llk_defs.h claims nearest-even. If
//   silicon proves to round ties to even, only exact ties (low 16 bits == 0x8000) change.
// - Unpacker FP32 -> BF16 (16-bit DEST) is assumed to truncate like FP32 -> TF32 (see 1.).
// - Stochastic rounding (off unless a kernel enables it) and the FPU's non-IEEE NaN/infinity handling are not
//   modelled; FPU results (DEST writes) keep denormals.
//
// Tile layout in L1 (tt-metal TILE_LAYOUT, 32x32 tile of four 16x16 faces): face 0 = rows 0-15 cols 0-15,
// face 1 = rows 0-15 cols 16-31, face 2 = rows 16-31 cols 0-15, face 3 = rows 16-31 cols 16-31; faces
// stored one after another, each face row-major.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include <tt-metalium/program_descriptors.hpp>

namespace tensix_emu {

using Tile = float[1024];  ///< logical 32x32, row-major (r * 32 + c)

inline float bf16_bits_to_float(uint16_t b) {
    uint32_t u = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

inline uint16_t float_to_bf16_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0) {
        return uint16_t((u >> 16) | 0x0040u);  // NaN: keep sign, force quiet
    }
    const uint32_t lsb = (u >> 16) & 1u;
    u += 0x7fffu + lsb;  // round to nearest, ties to even
    return uint16_t(u >> 16);
}

inline float round_to_bf16(float f) { return bf16_bits_to_float(float_to_bf16_bits(f)); }

inline uint32_t float_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}
inline float bits_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
inline bool is_nan(float f) { return (float_bits(f) & 0x7fffffffu) > 0x7f800000u; }
/// Keeps the top `keep` mantissa bits, drops the rest (truncation toward zero; NaN stays NaN).
inline float truncate_mantissa(float f, uint32_t keep) {
    const uint32_t drop = 23 - keep;
    uint32_t u = float_bits(f) & ~((1u << drop) - 1u);
    if (is_nan(f) && (u & 0x007fffffu) == 0) {
        u |= 1u << 22;
    }
    return bits_float(u);
}
inline float truncate_to_bf16(float f) { return truncate_mantissa(f, 7); }
inline float truncate_to_tf32(float f) { return truncate_mantissa(f, 10); }
/// FPU operand handling of denormals: flushed to zero, sign kept (ISA: ELWADD.md).
inline float flush_denormal(float f) {
    const uint32_t u = float_bits(f);
    return (u & 0x7f800000u) == 0 ? bits_float(u & 0x80000000u) : f;
}
/// Packer early conversion fp32 -> bf16 "rounding": nearest, ties away from zero; denormals -> 0,
/// -0 -> +0, NaN -> infinity (ISA: Packers/FormatConversion.md).
inline float pack_round_to_bf16(float f) {
    uint32_t u = float_bits(f);
    if (is_nan(f)) {
        return bits_float((u & 0x80000000u) | 0x7f800000u);
    }
    if ((u & 0x7f800000u) == 0) {
        return 0.0f;  // denormal or zero (including -0) -> +0
    }
    u += 0x8000u;  // ties away from zero on the magnitude (sign-magnitude encoding)
    u &= 0xffff0000u;
    return bits_float(u);
}

inline float bits_to_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

/// Byte offset of logical element (r, c) inside a tile, in elements (multiply by datum size).
inline uint32_t tile_elem_index(uint32_t r, uint32_t c) {
    const uint32_t face = (r / 16) * 2 + (c / 16);
    return face * 256 + (r % 16) * 16 + (c % 16);
}

inline float load_datum(const uint8_t* p, tt::DataFormat f) {
    if (f == tt::DataFormat::Float32) {
        float v;
        std::memcpy(&v, p, 4);
        return v;
    }
    uint16_t b;
    std::memcpy(&b, p, 2);
    return bf16_bits_to_float(b);
}

/// Stores `v` in format f. For Float16_b, `v` must already be a bf16 value (the caller applied the packer's
/// conversion, from_dst); the low 16 bits are dropped.
inline void store_datum(uint8_t* p, tt::DataFormat f, float v) {
    if (f == tt::DataFormat::Float32) {
        std::memcpy(p, &v, 4);
        return;
    }
    const uint16_t b = uint16_t(float_bits(v) >> 16);
    std::memcpy(p, &b, 2);
}

/// Unpacker L1 -> SrcA/SrcB (point 1 above), including the FPU's denormal flush.
inline float to_src(float v, tt::DataFormat cb_format, bool fp32_dest) {
    if (cb_format == tt::DataFormat::Float32) {
        v = fp32_dest ? truncate_to_tf32(v) : truncate_to_bf16(v);
    }
    return flush_denormal(v);
}

/// Packer Dst -> L1 value conversion (point 4 above).
inline float from_dst(float v, tt::DataFormat out_format, bool fp32_dest) {
    if (out_format == tt::DataFormat::Float32) {
        return v;
    }
    return fp32_dest ? pack_round_to_bf16(v) : truncate_to_bf16(v);  // 16-bit Dst: already bf16 (identity)
}

/// Reads a tile stored in L1 tile layout into logical order.
inline void load_tile(const uint8_t* src, tt::DataFormat f, float* out) {
    const uint32_t ds = tt::datum_size(f);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            out[r * 32 + c] = load_datum(src + tile_elem_index(r, c) * ds, f);
        }
    }
}

/// Writes a logical tile of Dst values into L1 tile layout in the CB's format, through the packer's
/// conversion (from_dst).
inline void store_tile(uint8_t* dst, tt::DataFormat f, const float* in, bool fp32_dest) {
    const uint32_t ds = tt::datum_size(f);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            store_datum(dst + tile_elem_index(r, c) * ds, f, from_dst(in[r * 32 + c], f, fp32_dest));
        }
    }
}

}  // namespace tensix_emu
