// SPDX-License-Identifier: Apache-2.0
//
// Matrix Unit (FPU) multiply under math fidelity: the pure model, no emulator state. Every FPU multiply and
// reduce of the emulator goes through the functions here (element-wise: elwmul; sums of products: fpu_dot).
// "ISA:" paths are in github.com/tenstorrent/tt-isa-documentation, WormholeB0/TensixTile/TensixCoprocessor/;
// "LLK:" paths in the ttnn 0.81.1 wheel's ttnn/tt_metal/tt-llk/tt_llk_wormhole_b0/.
//
// 1. Operand style (ISA: ELWMUL.md / ELWADD.md / MVMUL.md functional models, "SrcAStyle"): the FPU reads BOTH
//    operands in the style of SrcA's configured format: SrcA Float16_b (or Float32 unpacked to BF16 with a
//    16-bit DEST) -> BF16 style, SrcA Float32 unpacked to TF32 (fp32 DEST) -> TF32 style. In BF16 style a TF32
//    value in SrcB is read with ReadBF16, which the ISA does not define further; this model takes the
//    pessimistic reading (the 3 low TF32 mantissa bits are not seen: SrcB truncated to BF16) unless the caller
//    asks for the optimistic one (SrcB keeps its TF32 bits; see read_operand).
// 2. Fidelity phases (ISA: SrcASrcB.md "Fidelity phases (floating-point)", ELWMUL.md SrcAFidelityBits /
//    SrcBFidelityBits). Phase p multiplies SrcAFidelityBits(a, p) by SrcBFidelityBits(b, p):
//      SrcA, even phase: sign, exponent, implicit 1 and the top 4 mantissa bits (mask 0xfff80000);
//      SrcA, odd phase:  the next 5 mantissa bits (a minus a with bits 18..14 cleared) -- the TF32 LSB (bit 13)
//                        is consumed by no phase ("the least significant bit of the TF32 mantissa is ignored");
//      SrcB, phase 0/1:  sign, exponent, implicit 1 and the top 6 mantissa bits (mask 0xfffe0000);
//      SrcB, phase 2/3:  the next 4 mantissa bits (b minus b with bits 16..13 cleared).
//    Each partial product is exact in fp32 (at most 5 x 7 significant bits).
// 3. Phase count (LLK: llk_lib/llk_defs.h MathFidelity LoFi=0, HiFi2=2, HiFi3=3, HiFi4=4; llk_lib/
//    llk_math_eltwise_binary.h and llk_math_reduce.h run to_underlying(math_fidelity) phases, 1 for LoFi),
//    phases 0, 1, ... in order (the fidelity counter starts at 0 and increments by 1 per phase).
// 4. Per-phase accumulation (ISA: ELWMUL.md / MVMUL.md): every phase adds its product into DEST and writes
//    DEST back in DEST's format: fp32 DEST rounds the sum to fp32 (RNE), 16-bit DEST rounds it to BF16 (RNE,
//    numerics.hpp point 2) after EVERY phase.
// 5. Sums of products (MVMUL, GAPOOL: reduce): per phase, the products of one output element are summed in
//    fp32 in index order ("float x = 0; x += ..." in MVMUL.md), then added into DEST as in 4. The ISA warns its
//    floating-point model "should be taken as a rough guide" (order, fusion and internal precision may differ
//    on silicon): this is where the model is least certain.
// ELWMUL adds into DEST ("Dst += SrcA * SrcB", ISA WormholeB0 ELWMUL.md: there is no "=" form; "to get the effect
// of Dst = SrcA * SrcB, ZEROACC can be used prior to ELWMUL"), whatever acc_to_dest the LLK is given (tt-llk
// llk_math_eltwise_binary.h programs ELWMUL with acc_to_dest 0 and issues no ZEROACC in the standard path): the LLK
// relies on the packer having cleared the section it released. So the model starts each element-wise product from
// the DEST element's current value: +0 in a section the packer cleared, and whatever an earlier call of the same
// acquire wrote there otherwise (silicon accumulates onto it).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "formats/numerics.hpp"

namespace tensix_emu::math {

/// ISA SrcAStyle for floating-point operands (FP16 and INT8 styles are not used by the emulated formats).
enum class SrcStyle : uint8_t { BF16, TF32 };

/// Number of fidelity phases of a MathFidelity value (LoFi=0 -> 1, HiFi2 -> 2, HiFi3 -> 3, HiFi4 -> 4).
/// Throws std::invalid_argument for any other value (LLK: llk_lib/llk_defs.h has no other enumerator).
inline int fidelity_phase_count(int math_fidelity) {
    switch (math_fidelity) {
        case 0: return 1;
        case 2: return 2;
        case 3: return 3;
        case 4: return 4;
        default:
            throw std::invalid_argument("math_fidelity: expected LoFi(0), HiFi2(2), HiFi3(3) or HiFi4(4), got " +
                                        std::to_string(math_fidelity));
    }
}

/// The value the FPU sees for an operand already in SrcA/SrcB (to_src applied), in the style of SrcA
/// (point 1). In BF16 style a TF32 SrcB value is truncated to BF16 unless `optimistic`.
inline float read_operand(float v, SrcStyle style, bool optimistic) {
    return style == SrcStyle::BF16 && !optimistic ? truncate_to_bf16(v) : v;
}

/// ISA ELWMUL.md SrcAFidelityBits: the part of SrcA's mantissa phase `phase` consumes.
inline float srca_fidelity_bits(float x, int phase) {
    if ((phase & 1) == 0) {
        return bits_float(float_bits(x) & 0xfff80000u);
    }
    return x - bits_float(float_bits(x) & 0xfff83fffu);
}

/// ISA ELWMUL.md SrcBFidelityBits: the part of SrcB's mantissa phase `phase` consumes.
inline float srcb_fidelity_bits(float x, int phase) {
    if ((phase & 2) == 0) {
        return bits_float(float_bits(x) & 0xfffe0000u);
    }
    return x - bits_float(float_bits(x) & 0xfffe1fffu);
}

/// DEST write of an FPU result (point 4): fp32 as is, 16-bit DEST rounds to BF16 nearest even.
inline float dest_write(float v, bool fp32_dest) { return fp32_dest ? v : round_to_bf16(v); }

/// ELWMUL over `phases` fidelity phases onto the DEST element's value `d` (+0 in a cleared section): returns the DEST
/// value. a = SrcA value, b = SrcB value, both as read_operand returns them.
inline float elwmul(float a, float b, int phases, bool fp32_dest, float d = 0.0f) {
    for (int p = 0; p < phases; ++p) {
        d = dest_write(d + srca_fidelity_bits(a, p) * srcb_fidelity_bits(b, p), fp32_dest);
    }
    return d;
}

/// MVMUL / GAPOOL sum of n products into DEST element `dst` over `phases` phases (point 5). a(k), b(k) give
/// the SrcA and SrcB operands of product k (as read_operand returns them). Returns the new DEST value.
template <class A, class B>
inline float fpu_dot(float dst, uint32_t n, A a, B b, int phases, bool fp32_dest) {
    for (int p = 0; p < phases; ++p) {
        float x = 0.0f;
        for (uint32_t k = 0; k < n; ++k) {
            x += srca_fidelity_bits(a(k), p) * srcb_fidelity_bits(b(k), p);
        }
        dst = dest_write(dst + x, fp32_dest);
    }
    return dst;
}

}  // namespace tensix_emu::math
