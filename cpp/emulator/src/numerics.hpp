// SPDX-License-Identifier: Apache-2.0
//
// Number formats and tile layout of the host Tensix emulator.
//
// bfloat16: the upper 16 bits of an IEEE float32. The packer's float32 -> bfloat16 conversion is
// modelled as round-to-nearest-even with NaN kept quiet (documented as a modelling choice, to be
// checked against silicon in issue 3; tt-metal's host converters round to nearest even as well).
//
// Tile layout in L1 (tt-metal TILE_LAYOUT, 32x32 tile of four 16x16 faces): face 0 = rows 0-15 cols 0-15,
// face 1 = rows 0-15 cols 16-31, face 2 = rows 16-31 cols 0-15, face 3 = rows 16-31 cols 16-31; faces
// stored one after another, each face row-major.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "device/program_descriptor.hpp"

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

inline float load_datum(const uint8_t* p, layernorm_fused_rm::DataFormat f) {
    if (f == layernorm_fused_rm::DataFormat::Float32) {
        float v;
        std::memcpy(&v, p, 4);
        return v;
    }
    uint16_t b;
    std::memcpy(&b, p, 2);
    return bf16_bits_to_float(b);
}

inline void store_datum(uint8_t* p, layernorm_fused_rm::DataFormat f, float v) {
    if (f == layernorm_fused_rm::DataFormat::Float32) {
        std::memcpy(p, &v, 4);
        return;
    }
    const uint16_t b = float_to_bf16_bits(v);
    std::memcpy(p, &b, 2);
}

/// Reads a tile stored in L1 tile layout into logical order.
inline void load_tile(const uint8_t* src, layernorm_fused_rm::DataFormat f, float* out) {
    const uint32_t ds = layernorm_fused_rm::datum_size(f);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            out[r * 32 + c] = load_datum(src + tile_elem_index(r, c) * ds, f);
        }
    }
}

/// Writes a logical tile into L1 tile layout, converting to the CB's format (packer rounding).
inline void store_tile(uint8_t* dst, layernorm_fused_rm::DataFormat f, const float* in) {
    const uint32_t ds = layernorm_fused_rm::datum_size(f);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            store_datum(dst + tile_elem_index(r, c) * ds, f, in[r * 32 + c]);
        }
    }
}

}  // namespace tensix_emu
