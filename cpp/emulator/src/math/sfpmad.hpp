// SPDX-License-Identifier: Apache-2.0
//
// Room "math": the Vector Unit's (SFPU) multiply-add SFPMAD, d = a * b + c on FP32 bit patterns, bit for bit as
// Wormhole (steps below) and Blackhole (the differences after them) compute it. Source:
// github.com/tenstorrent/tt-isa-documentation, Miscellaneous/FMA/fma.c (fma_model_wh, "bit-perfect models of ...
// FMA as found in Wormhole Tensix Vector Unit (SFPU)"), referenced by
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
// Blackhole (fma_model_bh in the same file; BlackholeA0/TensixTile/TensixCoprocessor/SFPMAD.md) shares steps 1, 2,
// 5 and 8's rounding; sfpmad_bits(SfpuArch::Blackhole, ...) follows it. The inputs where the two differ:
// - a NaN result (Inf * 0, a NaN operand, Inf - Inf): Blackhole returns the canonical 0x7fc00000 at once;
//   Wormhole 0x7f800001 with the product's (or a NaN addend's) sign, OR-ed with the sum's bits (step 3);
// - finite inputs whose product overflows, plus an infinite addend of the other sign: Blackhole gives the addend,
//   Wormhole a NaN (its Inf - Inf test counts the overflowed product as Inf);
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

/// Which chip's SFPMAD (the emulated program's arch, tt_metal_mirror::ArchParams::name).
enum class SfpuArch : uint8_t { Wormhole, Blackhole };

namespace sfpmad_detail {

constexpr uint32_t kSign = 0x80000000u;

/// One FP32 input, step 1: biased exponent, significand with its implicit one (0 for a denormal or zero).
struct Unpacked {
    int32_t e;
    uint32_t m;
    uint32_t sign;
    bool inf() const { return e == 255 && m == 0x800000u; }
    bool nan() const { return e == 255 && m != 0x800000u; }
};
inline Unpacked unpack(uint32_t u) {
    const int32_t e = int32_t((u >> 23) & 0xffu);
    return {e, e == 0 ? 0u : (u & 0x7fffffu) | 0x800000u, u & kSign};
}

/// Step 2: the product's significand with 26 fractional bits (46 exact -> the 20 lowest into a sticky bit).
inline uint32_t product_significand(uint32_t ma, uint32_t mb) {
    const uint64_t full = uint64_t(ma) * uint64_t(mb);
    return uint32_t(full >> 20) | uint32_t((full & 0xfffffu) != 0u);
}

/// Step 5: semi-sticky right shift (an operand shifted out entirely is 0, with no sticky bit).
inline uint32_t align(uint32_t m, int32_t shift) {
    if (shift >= 32) {
        return 0u;
    }
    const uint32_t kept = m >> shift;
    return kept != 0u ? kept | uint32_t((kept << shift) != m) : 0u;
}

/// Steps 5, 6: the operands aligned to the larger exponent, then added in sign-magnitude; the sign is the one
/// of the larger aligned magnitude (the product's on a tie).
struct Sum {
    int32_t e;
    uint32_t m;
    uint32_t sign;
};
inline Sum add(uint32_t pm, int32_t pe, uint32_t p_sign, uint32_t cm, int32_t ce, uint32_t c_sign) {
    const int32_t e = pe > ce ? pe : ce;
    pm = align(pm, e - pe);
    cm = align(cm, e - ce);
    const uint32_t m = p_sign == c_sign ? pm + cm : (pm >= cm ? pm - cm : cm - pm);
    return {e, m, pm >= cm ? p_sign : c_sign};
}

/// Step 8's rounding: exponent field and the significand with its leading one at bit 26, nearest even.
inline uint32_t round_nearest_even(int32_t e, uint32_t m) {
    uint32_t r = (uint32_t(e) << 23) + ((m >> 3) & 0x7fffffu);
    const uint32_t grs = m & 7u;
    return r + ((grs > 4u || (grs == 4u && (r & 1u) != 0u)) ? 1u : 0u);
}

}  // namespace sfpmad_detail

/// SFPMAD on FP32 bit patterns, Wormhole: a * b + c per the steps above (inputs and result: uint32 FP32 bits).
inline uint32_t sfpmad_wormhole_bits(uint32_t a, uint32_t b, uint32_t c) {
    using namespace sfpmad_detail;
    const Unpacked x = unpack(a), y = unpack(b), z = unpack(c);
    const uint32_t p_sign = x.sign ^ y.sign;
    uint32_t pm = product_significand(x.m, y.m);
    int32_t pe = x.e + y.e - 127;
    const uint32_t cm = z.m << 3;

    // Step 3.
    uint32_t nan = 0u;
    if (x.e == 255 || y.e == 255 || z.e == 255 || pe >= 255) {
        const bool product_inf = x.e == 255 || y.e == 255 || pe >= 255;
        if (x.nan() || y.nan() || (x.inf() && y.m == 0u) || (y.inf() && x.m == 0u) ||
            (z.inf() && product_inf && z.sign != p_sign)) {
            nan = p_sign | 0x7f800001u;
        } else if (z.nan()) {
            nan = z.sign | 0x7f800001u;
        } else if (z.inf()) {
            return c;
        } else {
            return p_sign | 0x7f800000u;
        }
        pe = pe > 255 ? 255 : pe;
    }
    // Step 4.
    if (pm == 0u || pe < 0) {
        if (nan == 0u) {
            return z.m != 0u ? c : 0u;
        }
        pm = 0u;
        pe = 0;
    }
    // Steps 5, 6.
    const Sum sum = add(pm, pe, p_sign, cm, z.e, z.sign);
    int32_t re = sum.e;
    uint32_t rm = sum.m;
    const uint32_t r_sign = sum.sign;
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
    const uint32_t r = round_nearest_even(re, rm);
    if ((r >> 23) == 0u) {
        return nan;
    }
    return (nan != 0u ? nan : r_sign) | r;
}

/// SFPMAD on FP32 bit patterns, Blackhole: the Wormhole steps with the differences listed above.
inline uint32_t sfpmad_blackhole_bits(uint32_t a, uint32_t b, uint32_t c) {
    using namespace sfpmad_detail;
    const Unpacked x = unpack(a), y = unpack(b), z = unpack(c);
    const uint32_t p_sign = x.sign ^ y.sign;
    const uint32_t pm = product_significand(x.m, y.m);
    const int32_t pe = x.e + y.e - 127;
    const uint32_t cm = z.m << 3;
    if (x.e == 255 || y.e == 255 || z.e == 255 || pe >= 255) {
        if (x.nan() || y.nan() || z.nan() || (x.inf() && y.m == 0u) || (y.inf() && x.m == 0u) ||
            (z.inf() && (x.e == 255 || y.e == 255) && z.sign != p_sign)) {
            return 0x7fc00000u;
        }
        return z.inf() ? c : p_sign | 0x7f800000u;
    }
    if (pm == 0u || pe < 0) {
        return z.m != 0u ? c : z.sign & p_sign;
    }
    const Sum sum = add(pm, pe, p_sign, cm, z.e, z.sign);
    int32_t re = sum.e;
    uint32_t rm = sum.m;
    const uint32_t r_sign = sum.sign;
    if (rm == 0u) {
        return z.sign & p_sign;
    }
    int32_t n = 5 - __builtin_clz(rm);
    re += n;
    if (re >= 255) {
        return r_sign | 0x7f800000u;
    }
    if (re <= 0) {
        n += 1;
        re = 0;
    }
    rm = n <= 0 ? rm << -n : (rm >> n) | uint32_t((rm & uint32_t(n | 1)) != 0u);
    uint32_t r = round_nearest_even(re, rm);
    if ((r >> 23) == 0u) {
        r = 0u;  // flushed after rounding, sign kept
    }
    return r_sign | r;
}

/// SFPMAD of `arch` on FP32 bit patterns.
inline uint32_t sfpmad_bits(SfpuArch arch, uint32_t a, uint32_t b, uint32_t c) {
    return arch == SfpuArch::Blackhole ? sfpmad_blackhole_bits(a, b, c) : sfpmad_wormhole_bits(a, b, c);
}

}  // namespace tensix_emu::math
