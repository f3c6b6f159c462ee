// SPDX-License-Identifier: Apache-2.0
//
// The emulator's pure numeric models (cpp/emulator/src/math/fidelity.hpp, sfpu_functions.hpp) applied to
// arrays of FP32 bit patterns, for the bit-exact tests against numpy (bound as _C.emu_numerics). Inputs and
// outputs are uint32 FP32 bit patterns; arrays of one call have equal lengths (std::invalid_argument naming
// the argument otherwise).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tensix_emu::probe {

using Bits = std::vector<uint32_t>;

/// ELWMUL of SrcA value a[i] by SrcB value b[i] into a zeroed DEST element under math_fidelity
/// (0 LoFi, 2 HiFi2, 3 HiFi3, 4 HiFi4); fp32_dest selects the DEST format (else BF16).
Bits fpu_elwmul(const Bits& a, const Bits& b, int math_fidelity, bool fp32_dest);
/// MVMUL/GAPOOL-style sum of n products per output: out[r] = DEST after adding sum_k a[r*n+k]*b[r*n+k]
/// phase by phase to dst[r]. len(a) == len(b) == len(dst) * n.
Bits fpu_dot(const Bits& dst, const Bits& a, const Bits& b, uint32_t n, int math_fidelity, bool fp32_dest);
/// SFPMAD a*b+c lanewise, as the chip `arch` computes it ("wormhole_b0" / "blackhole" or an alias
/// tt_metal_mirror::ArchParams::by_name accepts; std::invalid_argument naming `arch` otherwise).
Bits sfpmad(const Bits& a, const Bits& b, const Bits& c, const std::string& arch);
/// rsqrt_tile (reciprocal) or sqrt_tile on DEST values, APPROX = approximate, DEST fp32 or 16-bit, SFPMAD of `arch`.
Bits sfpu_sqrt(const Bits& x, bool approximate, bool reciprocal, bool fp32_dest, const std::string& arch);

}  // namespace tensix_emu::probe
