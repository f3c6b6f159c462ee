// SPDX-License-Identifier: Apache-2.0
//
// Mirror of tt-metal's tt_metal/api/tt-metalium/base_types.hpp (0.81): MathFidelity and UnpackToDestMode in
// tt::tt_metal, with tt-metal's enumerator values.
#pragma once

#include <cstdint>

namespace tt::tt_metal {

enum class MathFidelity : uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4, Invalid = 0xff };

/// Per-CB unpack mode: UnpackToDestFp32 unpacks a Float32 CB straight into a 32-bit DEST (lossless) and makes the
/// CB unusable as a SrcA/SrcB source; Default goes through the 19-bit source registers (SrcA/SrcB).
enum class UnpackToDestMode : uint8_t { UnpackToDestFp32 = 0, Default = 1 };

}  // namespace tt::tt_metal
