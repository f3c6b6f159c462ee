// SPDX-License-Identifier: Apache-2.0
//
// Mirror of tt-metal's tt_metal/api/tt-metalium/tt_backend_api_types.hpp (0.81): tt::DataFormat and the byte
// sizes of a datum and of a 32x32 tile. Only the formats this project uses.
#pragma once

#include <cstdint>

namespace tt {

/// Tile/element data formats, named and numbered as tt::DataFormat.
enum class DataFormat : uint8_t { Float32 = 0, Float16_b = 5, UInt32 = 8, Invalid = 0xff };

/// Bytes per element of a data format (Float16_b = 2, Float32 = 4; 0 for Invalid).
constexpr uint32_t datum_size(DataFormat f) {
    switch (f) {
        case DataFormat::Float16_b: return 2;
        case DataFormat::Float32:
        case DataFormat::UInt32: return 4;
        default: return 0;
    }
}

/// Bytes of one 32x32 tile in format f (tt::tile_size): 2048 for Float16_b, 4096 for Float32.
constexpr uint32_t tile_size(DataFormat f) { return 32u * 32u * datum_size(f); }

/// The enumerator's name ("Float32", "Float16_b", "UInt32", "Invalid").
constexpr const char* to_string(DataFormat f) {
    switch (f) {
        case DataFormat::Float32: return "Float32";
        case DataFormat::Float16_b: return "Float16_b";
        case DataFormat::UInt32: return "UInt32";
        default: return "Invalid";
    }
}

}  // namespace tt
