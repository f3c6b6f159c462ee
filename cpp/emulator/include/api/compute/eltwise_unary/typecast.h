// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/eltwise_unary/typecast.h. ttnn's kernel_lib names these calls on paths the emulator
// does not model; they are declared with upstream's signatures so kernel_lib compiles, and refused when reached.
#pragma once
#include <cstdint>

#include "api/compute/common_globals.h"

namespace ckernel {
template <uint32_t in_dtype, uint32_t out_dtype>
ALWI void typecast_tile_init() { emu_detail::refuse("typecast_tile_init" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
template <uint32_t in_dtype, uint32_t out_dtype>
ALWI void typecast_tile(uint32_t) { emu_detail::refuse("typecast_tile" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
}  // namespace ckernel
