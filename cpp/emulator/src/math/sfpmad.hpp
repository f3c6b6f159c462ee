// SPDX-License-Identifier: Apache-2.0
//
// Room "math": the Vector Unit's (SFPU) multiply-add SFPMAD, d = a * b + c on FP32 bit patterns, bit for bit as
// Wormhole computes it. Source: github.com/tenstorrent/tt-isa-documentation, Miscellaneous/FMA/fma.c
// (fma_model_wh, "bit-perfect models of ... FMA as found in Wormhole Tensix Vector Unit (SFPU)"), referenced by
// WormholeB0/TensixTile/TensixCoprocessor/SFPMAD.md ("partially fused"). Written here from that description:
//
// 1. Unpack: exponent field e and 24-bit significand m (implicit one); a denormal input (e == 0) has m = 0.
// 2. Product: the 48-bit significand product is realigned to the addend's format -- 26 fractional bits below the
//    leading one's position (23 mantissa bits + guard, round, sticky) -- by dropping its 20 lowest bits into one
//    sticky bit; its exponent is ea + eb - 127 on the addend's scale.
// 3. NaN / Inf (either input has e == 255 or the product's exponent reaches 255): Inf * 0, a NaN product
//    operand, or Inf + (-Inf) give a NaN carrying the product's sign; a NaN addend gives a NaN carrying its sign.
//    These NaN results are not returned at once: the add below still runs and its result's bits are OR-ed into
//    0x7f800001 | sign (the ISA: "the least significant bit of the mantissa is guaranteed to be set; other bits
//    ... might or might not be set"). Otherwise an infinite addend is the result, else the product's Inf.
// 4. A zero product, or one whose exponent is below 0, leaves the addend (or +0 when the addend is zero).
// 5. Alignment: the operand with the smaller exponent is shifted right; its dropped bits set bit 0 only if some
//    bits remain ("semi-sticky": an operand shifted out entirely contributes nothing, not even a sticky bit).
// 6. 32-bit sign-magnitude add; zero -> +0.
// 7. Normalise to the leading one at bit 26: a right shift by n keeps only the old bit 0 as sticky (not the
//    other dropped bits); exponent >= 255 -> Inf; below 0 -> +0 (before rounding, sign discarded).
// 8. Round to nearest, ties to even, on the 3 bits below the mantissa; a result whose exponent field is still 0
//    (denormal) -> +0. So -0 is never produced.
//
// Blackhole (fma_model_bh in the same file) differs, and is NOT modelled: the emulator's SFPU evaluation
// (math/sfpu.cpp, sfpu_functions.hpp) takes no arch, so Blackhole runs use this Wormhole model too (a known gap).
// The inputs where the two differ:
// - a NaN result (Inf * 0, a NaN operand, Inf - Inf): Blackhole returns the canonical 0x7fc00000 at once;
//   Wormhole 0x7f800001 with the product's (or a NaN addend's) sign, OR-ed with the sum's bits (step 3);
// - -0: a zero or underflowed product (exponent < 0) with a zero addend gives -0 on Blackhole when both the product
//   and the addend are negative (Wormhole +0, step 4);
// - results below the smallest normal: Blackhole shifts a sum whose exponent reaches 0 or below one place further
//   at exponent 0, rounds, and flushes to a sign-preserving zero unless the rounding carries into the smallest
//   normal; Wormhole gives +0 for an exponent below 0 before rounding and rounds an exponent-0 sum without the
//   extra shift (steps 7, 8) -- e.g. 2^-64 * -2^-63 + 0 is -0 on Blackhole, +0 on Wormhole;
// - normal results: the right shift of step 7 folds the dropped bits under the mask (n | 1) into the sticky bit on
//   Blackhole, bit 0 alone on Wormhole; n <= 2 for normal sums, so they differ only when the sum carries two places
//   (n == 2: a product significand in [2, 4) plus an addend of the same exponent) and the dropped bit 1 alone
//   decides a tie. Every other normal-in, normal-out case is bit-identical.
#pragma once
#include <cstdint>

namespace tensix_emu::math {

/// SFPMAD on FP32 bit patterns, Wormhole: a * b + c per the steps above (inputs and result: uint32 FP32 bits).
inline uint32_t sfpmad_wormhole_bits(uint32_t a, uint32_t b, uint32_t c) {
    constexpr uint32_t kSign = 0x80000000u;
    auto exponent = [](uint32_t u) { return int32_t((u >> 23) & 0xffu); };
    auto significand = [](uint32_t u) { return ((u >> 23) & 0xffu) == 0u ? 0u : (u & 0x7fffffu) | 0x800000u; };
    const int32_t ea = exponent(a), eb = exponent(b), ec = exponent(c);
    const uint32_t ma = significand(a), mb = significand(b), mc = significand(c);
    const uint32_t p_sign = (a ^ b) & kSign, c_sign = c & kSign;

    // Step 2: product significand with 26 fractional bits (46 exact -> drop 20 into a sticky bit).
    const uint64_t full = uint64_t(ma) * uint64_t(mb);
    uint32_t pm = uint32_t(full >> 20) | uint32_t((full & 0xfffffu) != 0u);
    int32_t pe = ea + eb - 127;
    uint32_t cm = mc << 3;
    int32_t ce = ec;

    // Step 3.
    uint32_t nan = 0u;
    const bool a_inf = ea == 255 && ma == 0x800000u, b_inf = eb == 255 && mb == 0x800000u;
    const bool a_nan = ea == 255 && !a_inf, b_nan = eb == 255 && !b_inf;
    const bool c_inf = ec == 255 && mc == 0x800000u, c_nan = ec == 255 && !c_inf;
    if (ea == 255 || eb == 255 || ec == 255 || pe >= 255) {
        const bool product_inf = ea == 255 || eb == 255 || pe >= 255;
        if (a_nan || b_nan || (a_inf && mb == 0u) || (b_inf && ma == 0u) ||
            (c_inf && product_inf && c_sign != p_sign)) {
            nan = p_sign | 0x7f800001u;
        } else if (c_nan) {
            nan = c_sign | 0x7f800001u;
        } else if (c_inf) {
            return c;
        } else {
            return p_sign | 0x7f800000u;
        }
        pe = pe > 255 ? 255 : pe;
    }
    // Step 4.
    if (pm == 0u || pe < 0) {
        if (nan == 0u) {
            return mc != 0u ? c : 0u;
        }
        pm = 0u;
        pe = 0;
    }
    // Step 5.
    auto align = [](uint32_t& m, int32_t shift) {
        if (shift >= 32) {
            m = 0u;
            return;
        }
        const uint32_t kept = m >> shift;
        m = kept != 0u ? kept | uint32_t((kept << shift) != m) : 0u;
    };
    int32_t re = pe > ce ? pe : ce;
    align(pm, re - pe);
    align(cm, re - ce);
    // Step 6.
    const uint32_t r_sign = pm >= cm ? p_sign : c_sign;
    uint32_t rm = p_sign == c_sign ? pm + cm : (pm >= cm ? pm - cm : cm - pm);
    if (rm == 0u) {
        return nan;
    }
    // Step 7.
    const int32_t n = 5 - __builtin_clz(rm);
    re += n;
    if (re >= 255) {
        return nan != 0u ? nan : r_sign | 0x7f800000u;
    }
    if (re < 0) {
        return nan;
    }
    rm = n <= 0 ? rm << -n : (rm >> n) | (rm & 1u);
    // Step 8.
    uint32_t r = (uint32_t(re) << 23) + ((rm >> 3) & 0x7fffffu);
    const uint32_t grs = rm & 7u;
    r += (grs > 4u || (grs == 4u && (r & 1u) != 0u)) ? 1u : 0u;
    if ((r >> 23) == 0u) {
        return nan;
    }
    return (nan != 0u ? nan : r_sign) | r;
}

}  // namespace tensix_emu::math
