// SPDX-License-Identifier: Apache-2.0
//
// Host side of DPRINT on the emulator (the role of tt-metal's DPRINT server, tt_metal/impl/debug/dprint_server.cpp):
// selects lines by core and RISC from the same environment variables tt-metal's rtoptions reads
// (tt_metal/llrt/rtoptions.cpp ParseFeatureCoreRange / ParseFeatureRiscvMask / ParseFeatureFileName /
// ParseFeaturePrependDeviceCoreRisc), prefixes each line and writes it to stdout or TT_METAL_DPRINT_FILE.
#pragma once
#include <cstdint>
#include <string>

namespace tensix_emu {

/// RISC indices as tt-metal's dprint_common.h numbers a Tensix core's processors and their short names.
enum DprintRisc : int { kDprintBR = 0, kDprintNC = 1, kDprintTR0 = 2, kDprintTR1 = 3, kDprintTR2 = 4 };

/// Writes the complete lines of `text` (a DPRINT message from RISC `risc` of logical core (x, y), whose NOC
/// coordinates are (noc_x, noc_y)) if TT_METAL_DPRINT_CORES selects the core and TT_METAL_DPRINT_RISCVS the RISC;
/// an unterminated tail stays in `pending` until the next message or dprint_flush. Thread-safe.
/// Errors: std::runtime_error naming the variable when TT_METAL_DPRINT_CORES / _RISCVS cannot be parsed.
void dprint_write(int risc, uint32_t x, uint32_t y, uint32_t noc_x, uint32_t noc_y, const std::string& text,
                  std::string& pending);
/// Writes what is left in `pending` as a last line (a kernel ended without a final "\n").
void dprint_flush(int risc, uint32_t x, uint32_t y, uint32_t noc_x, uint32_t noc_y, std::string& pending);

}  // namespace tensix_emu
