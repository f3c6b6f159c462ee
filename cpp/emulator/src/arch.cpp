// SPDX-License-Identifier: Apache-2.0
//
// Architecture parameters of the emulated chips.
//
// L1: MEM_L1_SIZE in tt-metal 0.81.1 tt_metal/hw/inc/internal/tt-1xx/{wormhole,blackhole}/dev_mem_map.h:
//   Wormhole 1464 KiB = 1,499,136 B; Blackhole 1536 KiB = 1,572,864 B.
// Unreserved L1 base: MEM_MAP_END of the same headers (Wormhole 35,168 B, Blackhole 41,088 B, evaluated
//   with the host compiler) plus the 69 KiB kernel-config region tt-metal's HAL reserves after it for
//   Tensix cores (L1_KERNEL_CONFIG_SIZE), aligned to 16 B. Issue 3 re-checks this against the HAL.
// Grids: Wormhole n150 8x8 worker cores, Blackhole p150 13x10 (ARCHITECTURE.md, issue 5).
// DRAM: Wormhole 12 banks (6 channels x 2), Blackhole 8 banks; alignment 32 B / 64 B (issue 3).
#include <stdexcept>

#include "emu/emulator.hpp"

namespace tensix_emu {

namespace {
constexpr uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }
constexpr uint32_t kKernelConfigBytes = 69 * 1024;
}  // namespace

ArchParams ArchParams::wormhole_b0() {
    ArchParams p;
    p.name = "wormhole_b0";
    p.grid_x = 8;
    p.grid_y = 8;
    p.l1_size = 1464 * 1024;
    p.l1_unreserved_base = align_up(35168 + kKernelConfigBytes, 16);
    p.num_dram_banks = 12;
    p.dram_alignment = 32;
    p.l1_alignment = 16;
    p.dram_bank_size = 1ull << 30;
    return p;
}

ArchParams ArchParams::blackhole() {
    ArchParams p;
    p.name = "blackhole";
    p.grid_x = 13;
    p.grid_y = 10;
    p.l1_size = 1536 * 1024;
    p.l1_unreserved_base = align_up(41088 + kKernelConfigBytes, 16);
    p.num_dram_banks = 8;
    p.dram_alignment = 64;
    p.l1_alignment = 16;
    p.dram_bank_size = 1ull << 31;
    return p;
}

ArchParams ArchParams::by_name(const std::string& name) {
    if (name == "wormhole_b0" || name == "wormhole" || name == "n150") {
        return wormhole_b0();
    }
    if (name == "blackhole" || name == "p150") {
        return blackhole();
    }
    throw std::invalid_argument("unknown arch '" + name + "': expected 'wormhole_b0' or 'blackhole'");
}

}  // namespace tensix_emu
