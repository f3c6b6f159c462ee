// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/binary_max_min.h. ttnn's kernel_lib names these calls on paths the emulator
// does not model; they are declared with upstream's signatures so kernel_lib compiles, and refused when reached.
#pragma once
#include <cstdint>

#include "api/compute/common_globals.h"
#include "llk_defs.h"

namespace ckernel {
ALWI void binary_max_tile_init() { emu_detail::refuse("binary_max_tile_init" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
ALWI void binary_min_tile_init() { emu_detail::refuse("binary_min_tile_init" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
ALWI void binary_max_int32_tile_init() { emu_detail::refuse("binary_max_int32_tile_init" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
ALWI void binary_min_int32_tile_init() { emu_detail::refuse("binary_min_int32_tile_init" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
ALWI void binary_max_tile(uint32_t, uint32_t, uint32_t, VectorMode = VectorMode::RC) { emu_detail::refuse("binary_max_tile" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
ALWI void binary_min_tile(uint32_t, uint32_t, uint32_t, VectorMode = VectorMode::RC) { emu_detail::refuse("binary_min_tile" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
ALWI void binary_max_int32_tile(uint32_t, uint32_t, uint32_t, VectorMode = VectorMode::RC) {
    emu_detail::refuse("binary_max_int32_tile" " (used by ttnn kernel_lib on a path the emulator does not model)");
}
ALWI void binary_min_int32_tile(uint32_t, uint32_t, uint32_t, VectorMode = VectorMode::RC) {
    emu_detail::refuse("binary_min_int32_tile" " (used by ttnn kernel_lib on a path the emulator does not model)");
}
}  // namespace ckernel
