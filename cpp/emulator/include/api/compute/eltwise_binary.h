// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/eltwise_binary.h: FPU add / sub / mul of two CB tiles into DEST.
// acc_to_dest (add_init, sub_init): every following add/sub_tiles accumulates, DEST[idst] += A op B (ISA ELWADD.md
// AddDst; math/fpu.hpp). mul_init's defaults to true as upstream's and changes nothing: the LLK programs ELWMUL with
// acc_to_dest 0 (tt-llk llk_math_eltwise_binary.h; eltwise_binary.h: "it is unused on WH/BH").
#pragma once
#include <cstdint>

#include "api/compute/common.h"
#include "llk_math_binary_api.h"

namespace ckernel {
ALWI void add_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    api().binary_init(tensix_emu::BinaryOp::ADD, tensix_emu::BcastDim::NONE, icb0, icb1, acc_to_dest, "add_init");
}
ALWI void sub_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    api().binary_init(tensix_emu::BinaryOp::SUB, tensix_emu::BcastDim::NONE, icb0, icb1, acc_to_dest, "sub_init");
}
ALWI void mul_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = true, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    api().binary_init(tensix_emu::BinaryOp::MUL, tensix_emu::BcastDim::NONE, icb0, icb1, acc_to_dest, "mul_init");
}
}  // namespace ckernel

EMU_DEFINE_BINARY_TILES(add_tiles, ADD, NONE)
EMU_DEFINE_BINARY_TILES(sub_tiles, SUB, NONE)
EMU_DEFINE_BINARY_TILES(mul_tiles, MUL, NONE)
