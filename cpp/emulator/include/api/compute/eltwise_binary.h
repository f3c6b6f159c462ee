// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/eltwise_binary.h: FPU add / sub / mul of two CB tiles into DEST.
#pragma once
#include <cstdint>

#include "api/compute/common.h"

namespace ckernel {
ALWI void add_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, uint32_t call_line = __builtin_LINE()) {
    (void)acc_to_dest; (void)call_line;
    api().binary_init(tensix_emu::BinaryOp::ADD, tensix_emu::BcastDim::NONE, icb0, icb1, "add_init");
}
ALWI void sub_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, uint32_t call_line = __builtin_LINE()) {
    (void)acc_to_dest; (void)call_line;
    api().binary_init(tensix_emu::BinaryOp::SUB, tensix_emu::BcastDim::NONE, icb0, icb1, "sub_init");
}
ALWI void mul_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, uint32_t call_line = __builtin_LINE()) {
    (void)acc_to_dest; (void)call_line;
    api().binary_init(tensix_emu::BinaryOp::MUL, tensix_emu::BcastDim::NONE, icb0, icb1, "mul_init");
}
}  // namespace ckernel

EMU_DEFINE_BINARY_TILES(add_tiles, ADD, NONE)
EMU_DEFINE_BINARY_TILES(sub_tiles, SUB, NONE)
EMU_DEFINE_BINARY_TILES(mul_tiles, MUL, NONE)
