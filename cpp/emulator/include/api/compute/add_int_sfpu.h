// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/add_int_sfpu.h. ttnn's kernel_lib names these calls on paths the emulator
// does not model; they are declared with upstream's signatures so kernel_lib compiles, and refused when reached.
#pragma once
#include <cstdint>

#include "api/compute/common_globals.h"
#include "emu/data_format.hpp"

namespace ckernel {
ALWI void add_int_tile_init() { emu_detail::refuse("add_int_tile_init" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
template <DataFormat format, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void add_int_tile(uint32_t, uint32_t, uint32_t) { emu_detail::refuse("add_int_tile" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
}  // namespace ckernel
