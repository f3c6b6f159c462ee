// SPDX-License-Identifier: Apache-2.0
//
// Array wrappers of the pure numeric models for tests (emu/numerics_probe.hpp).
#include "emu/numerics_probe.hpp"

#include <stdexcept>
#include <string>

#include "arch/arch_params.hpp"
#include "math/fidelity.hpp"
#include "math/sfpu_functions.hpp"

namespace tensix_emu::probe {

namespace {

void require_len(const Bits& v, size_t n, const char* name) {
    if (v.size() != n) {
        throw std::invalid_argument(std::string(name) + ": expected " + std::to_string(n) + " values, got " +
                                    std::to_string(v.size()));
    }
}

/// The SFPMAD of the arch named `arch` (any name tt_metal_mirror::ArchParams::by_name accepts).
math::SfpuArch sfpu_arch(const std::string& arch) {
    try {
        return tt_metal_mirror::ArchParams::by_name(arch).name == "blackhole" ? math::SfpuArch::Blackhole
                                                                               : math::SfpuArch::Wormhole;
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("arch: ") + e.what());
    }
}

}  // namespace

Bits fpu_elwmul(const Bits& a, const Bits& b, int math_fidelity, bool fp32_dest) {
    require_len(b, a.size(), "b");
    const int phases = math::fidelity_phase_count(math_fidelity);
    Bits out(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        out[i] = float_bits(math::elwmul(bits_float(a[i]), bits_float(b[i]), phases, fp32_dest));
    }
    return out;
}

Bits fpu_dot(const Bits& dst, const Bits& a, const Bits& b, uint32_t n, int math_fidelity, bool fp32_dest) {
    require_len(a, dst.size() * n, "a");
    require_len(b, dst.size() * n, "b");
    const int phases = math::fidelity_phase_count(math_fidelity);
    Bits out(dst.size());
    for (size_t r = 0; r < dst.size(); ++r) {
        out[r] = float_bits(math::fpu_dot(
            bits_float(dst[r]), n, [&](uint32_t k) { return bits_float(a[r * n + k]); },
            [&](uint32_t k) { return bits_float(b[r * n + k]); }, phases, fp32_dest));
    }
    return out;
}

Bits sfpmad(const Bits& a, const Bits& b, const Bits& c, const std::string& arch) {
    const math::SfpuArch chip = sfpu_arch(arch);
    require_len(b, a.size(), "b");
    require_len(c, a.size(), "c");
    Bits out(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        out[i] = float_bits(math::sfpmad(chip, bits_float(a[i]), bits_float(b[i]), bits_float(c[i])));
    }
    return out;
}

Bits sfpu_sqrt(const Bits& x, bool approximate, bool reciprocal, bool fp32_dest, const std::string& arch) {
    const math::SfpuArch chip = sfpu_arch(arch);
    Bits out(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
        out[i] = float_bits(math::sfpu_sqrt(chip, bits_float(x[i]), approximate, reciprocal, fp32_dest));
    }
    return out;
}

}  // namespace tensix_emu::probe
