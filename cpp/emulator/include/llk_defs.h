// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-llk llk_lib/llk_defs.h (the enums kernels and ttnn's kernel_lib name from it): the
// reduce enums are the emulator's own (emu/kernel_iface.hpp), the others as in tt-llk wormhole_b0.
#pragma once
#include <cstdint>

#include "emu/kernel_iface.hpp"

namespace ckernel {
using PoolType = tensix_emu::PoolType;
using ReduceDim = tensix_emu::ReduceDim;
/// Which rows/columns of faces an SFPU op covers; the emulator implements RC only.
enum class VectorMode : std::uint8_t { None = 0, R = 1, C = 2, RC = 4, RC_custom = 6, Invalid = 0xFF };
/// DEST split in two halves (SyncHalf) or used whole (SyncFull).
enum class DstSync : std::uint8_t { SyncHalf = 0, SyncFull = 1 };
}  // namespace ckernel
