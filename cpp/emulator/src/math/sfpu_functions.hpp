// SPDX-License-Identifier: Apache-2.0
//
// Vector Unit (SFPU) arithmetic and the SFPU functions the kernels call, as the wheel's LLK computes them:
// the pure model, no emulator state. "ISA:" paths are in github.com/tenstorrent/tt-isa-documentation,
// WormholeB0/TensixTile/TensixCoprocessor/; "LLK:" in the ttnn 0.81.1 wheel under
// ttnn/tt_metal/hw/ckernels/wormhole_b0/metal/llk_api/llk_sfpu/.
//
// SFPMAD (ISA: SFPMAD.md; SFPMUL.md = SFPMAD with VC = 0, SFPADD.md = SFPMAD with VA = 1.0): d = a * b + c on
// FP32 lanes, bit-exact as Wormhole computes it (math/sfpmad.hpp, after the ISA repository's bit-perfect model
// Miscellaneous/FMA/fma.c, fma_model_wh): partially fused -- the product keeps 26 fractional bits plus a sticky
// bit, one rounding to nearest even; denormal inputs read as zero; denormal and -0 results are +0; NaN results
// have the mantissa LSB set (other bits can leak from the sum). With b == 1 or c == 0 it is the IEEE add /
// multiply (ISA: SFPMAD.md), denormals and -0 aside. Blackhole's SFPMAD (fma_model_bh) differs in NaN, -0 and
// denormal-result handling (math/sfpmad.hpp lists the cases): every function below takes the program's arch.
// sfpi expression lowering (assumed, not documented in the wheel): `a * b` -> SFPMUL, `a + b` / `a - b` ->
// SFPADD, `c + a * b` written as one expression -> one SFPMAD (sfpi-gcc combines them), `-y` -> a sign flip
// (exact), sfpi::addexp -> SFPDIVP2 (ISA: SFPDIVP2.md, wrapping 8-bit exponent add, Inf/NaN unchanged).
// SFPSTOCHRND FP32 -> BF16 with sfpi RoundMode::Nearest (= NearestAway on Wormhole, sfpi include/sfpi_lib.h),
// ISA: SFPSTOCHRND_FloatFloat.md: round half away from zero on the magnitude; a zero or denormal input gives
// +0; Inf/NaN give Inf of the same sign.
#pragma once
#include <cmath>
#include <cstdint>

#include "formats/numerics.hpp"
#include "math/sfpmad.hpp"

namespace tensix_emu::math {

/// ISA SFPMAD: a * b + c, bit-exact for arch (math/sfpmad.hpp).
inline float sfpmad(SfpuArch arch, float a, float b, float c) {
    return bits_float(sfpmad_bits(arch, float_bits(a), float_bits(b), float_bits(c)));
}
inline float sfpmul(SfpuArch arch, float a, float b) { return sfpmad(arch, a, b, 0.0f); }
inline float sfpadd(SfpuArch arch, float a, float b) { return sfpmad(arch, 1.0f, a, b); }
inline float sfpsub(SfpuArch arch, float a, float b) { return sfpmad(arch, 1.0f, a, -b); }

/// LLK ckernel_sfpu_addcmul.h calculate_addcmul on one lane: prod = value * b (SFPMUL), then prod * c + a as ONE
/// SFPMAD (one rounding, the product's low bits folded into a sticky bit: math/sfpmad.hpp), FP32 DEST.
inline float sfpu_addcmul(SfpuArch arch, float a, float b, float c, float value) {
    return sfpmad(arch, sfpmul(arch, value, b), c, a);
}

/// The value LLK tt-llk tt_llk_wormhole_b0/common/inc/sfpu/ckernel_sfpu_binary_bcast.h broadcasts from one row of
/// a column-vector tile (v: that row's columns 0..7, as SFPLOAD brings them into one 8-lane sub-vector):
/// _record_broadcast_replay_ multiplies the lanes by the mask LREG6 = {1.0, 0, ..., 0} (SFPMUL), then three
/// rotate-and-add stages (SFPSHFT2 ROR by 1, 2, 4; SFPADD) sum the 8 lanes into every lane. So the result is
/// column 0 through SFPMUL (denormal -> +0), unless a column 1..7 holds Inf or NaN: Inf * 0 is NaN, which the adds
/// spread (the same header's scalar path notes "multiplying those lanes by a zero mask would produce NaNs").
inline float sfpu_bcast_col_value(SfpuArch arch, const float* v) {
    float lanes[8];
    for (int c = 0; c < 8; ++c) {
        lanes[c] = sfpmul(arch, v[c], c == 0 ? 1.0f : 0.0f);
    }
    for (int k = 1; k < 8; k *= 2) {
        float rotated[8];
        for (int c = 0; c < 8; ++c) {
            rotated[c] = lanes[(c + 8 - k) % 8];
        }
        for (int c = 0; c < 8; ++c) {
            lanes[c] = sfpadd(arch, lanes[c], rotated[c]);
        }
    }
    return lanes[0];
}

/// ISA SFPDIVP2 with SFPDIVP2_MOD1_ADD: exponent field += imm (8-bit wrap), Inf/NaN unchanged.
inline float sfp_addexp(float x, int imm) {
    const uint32_t u = float_bits(x);
    const uint32_t e = (u >> 23) & 0xffu;
    if (e == 255u) {
        return x;
    }
    return bits_float((u & 0x807fffffu) | (((e + uint32_t(imm)) & 0xffu) << 23));
}

/// ISA SFPSTOCHRND (FP32 -> BF16, non-stochastic): see the header comment. Returns a float holding a BF16.
inline float sfp_round_bf16_nearest_away(float x) {
    uint32_t u = float_bits(x);
    const uint32_t e = (u >> 23) & 0xffu;
    if (e == 0u) {
        return 0.0f;
    }
    if (e == 255u) {
        return bits_float(u & 0xff800000u);
    }
    const uint32_t discarded = u & 0xffffu;
    u -= discarded;
    if ((discarded << 7) >= 0x400000u) {
        u += 0x10000u;
    }
    return bits_float(u);
}

/// LLK ckernel_sfpu_square.h float32_to_bf16_rne_prgm: integer round-to-nearest-even to BF16, no NaN care.
inline float sfp_round_bf16_rne_int(float x) {
    uint32_t u = float_bits(x);
    u = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
    return bits_float(u);
}

/// sfpi `x < 0.0F`: a sign-bit test (LLK ckernel_sfpu_sqrt.h comment "`x < 0.0F` is a sign-bit test").
inline bool sfp_sign(float x) { return (float_bits(x) >> 31) != 0u; }

/// Constants of sqrt_init / rsqrt_init (LLK ckernel_sfpu_sqrt.h, after Kokosinski et al., Numerical
/// Algorithms 2024): APPROX -> SQRT_10-bits, otherwise SQRT_23-bits.
constexpr uint32_t kSqrtApproxMagic = 0x5f0b3892u;
constexpr float kSqrtApproxP1 = 1.89099014875f;
constexpr uint32_t kSqrtMagic = 0x5f1110a0u;
constexpr float kSqrtP1 = 2.2825186f;
constexpr float kSqrtP2 = 2.2533049f;

/// LLK ckernel_sfpu_sqrt.h _calculate_sqrt_body_<APPROXIMATE, RECIPROCAL, FAST_APPROX=false> on one lane
/// (the FP32 value before the DEST store). rsqrt_tile is RECIPROCAL = true (ckernel_sfpu_rsqrt.h).
inline float sfpu_sqrt_body(SfpuArch arch, float x, bool approximate, bool reciprocal) {
    const uint32_t xb = float_bits(x);
    const uint32_t inf_bits = 0x7f800000u;
    const uint32_t magic = approximate ? kSqrtApproxMagic : kSqrtMagic;
    float y = bits_float(magic - (xb >> 1));
    const bool finite_nonzero = inf_bits - xb != 0u && (xb << 1) != 0u;  // x != +inf, |x| != 0
    if (approximate) {
        const float c = sfpmul(arch, x, y);
        const float t = sfpmad(arch, -y, c, kSqrtApproxP1);
        if (reciprocal) {
            if (finite_nonzero) {
                y = sfpmul(arch, y, t);
                if (sfp_sign(x)) {
                    y = bits_float(0x7fc00000u);  // std::numeric_limits<float>::quiet_NaN()
                }
            } else {
                y = bits_float(inf_bits - xb);  // +-0 -> +-inf, +inf -> 0
            }
        } else {
            y = c;
            if (xb != inf_bits) {
                y = sfpmul(arch, y, t);
            }
        }
    } else {
        float xy = sfpmul(arch, x, y);
        const float c = sfpmul(arch, -y, xy);
        y = sfpmul(arch, y, sfpmad(arch, c, sfpadd(arch, kSqrtP2, c), kSqrtP1));
        xy = sfpmul(arch, x, y);
        const float one_minus_xyy = sfpmad(arch, -y, xy, 1.0f);
        if (reciprocal) {
            const float half_y = sfp_addexp(y, -1);
            if (finite_nonzero) {
                y = sfpmad(arch, one_minus_xyy, half_y, y);
                if (sfp_sign(x)) {
                    y = bits_float(0x7fc00000u);
                }
            } else {
                y = bits_float(inf_bits - xb);
            }
        } else {
            const float half_xy = sfpmul(arch, 0.5f, xy);
            if (int32_t(xb) < int32_t(inf_bits)) {  // signed compare: negative x also refines
                y = sfpmad(arch, one_minus_xyy, half_xy, xy);
            }
        }
    }
    if (!reciprocal) {
        if ((xb << 1) == 0u) {
            y = x;
        } else if (sfp_sign(x)) {
            y = bits_float(0x7fc00000u);
        }
    }
    return y;
}

/// rsqrt_tile / sqrt_tile on one DEST value (LLK _calculate_sqrt_internal_): the body, then with a 16-bit
/// DEST convert<vFloat16b>(RoundMode::Nearest) (SFPSTOCHRND, ties away) before the store.
inline float sfpu_sqrt(SfpuArch arch, float x, bool approximate, bool reciprocal, bool fp32_dest) {
    const float y = sfpu_sqrt_body(arch, x, approximate, reciprocal);
    return fp32_dest ? y : sfp_round_bf16_nearest_away(y);
}

}  // namespace tensix_emu::math
