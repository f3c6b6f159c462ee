// SPDX-License-Identifier: Apache-2.0
//
// Architecture parameters of the emulated chips. Sources (tt-metal 0.81.1 unless noted):
//
// L1 size: MEM_L1_SIZE, ttnn/tt_metal/hw/inc/internal/tt-1xx/{wormhole,blackhole}/dev_mem_map.h:
//   Wormhole (1464 * 1024) = 1,499,136 B; Blackhole (1536 * 1024) = 1,572,864 B.
// Unreserved L1 base (first byte for circular buffers): upstream's HAL, tt_metal/llrt/hal/tt-1xx/wormhole/
//   wh_hal_tensix.cpp and .../blackhole/bh_hal_tensix.cpp, create_tensix_mem_map():
//     DEFAULT_UNRESERVED = ((MEM_MAP_END + default_l1_kernel_config_size - 1) | (max_alignment - 1)) + 1
//   with default_l1_kernel_config_size = 69 * 1024 and max_alignment = max(DRAM_ALIGNMENT, L1_ALIGNMENT).
//   MEM_MAP_END evaluated from the 0.81.1 dev_mem_map.h with the host compiler: Wormhole 35,168, Blackhole 41,088
//   -> Wormhole 105,824 B, Blackhole 111,744 B.
// Alignment: L1_ALIGNMENT / DRAM_ALIGNMENT, .../tt-1xx/{wormhole,blackhole}/noc/noc_parameters.h:
//   Wormhole 16 / 32 B, Blackhole 16 / 64 B.
// Worker grid: compute_with_storage_grid_range of ttnn/tt_metal/core_descriptors/wormhole_b0_80_arch.yaml
//   (nebula_x1 = n150: [0,0]..[7,7] -> 8x8) and blackhole_140_arch.yaml (unharvested = p150: [0,0]..[12,9] -> 13x10).
// Kernel-config region: the HAL's KERNEL_CONFIG base is MEM_MAP_END (wh_hal_tensix.cpp / bh_hal_tensix.cpp,
//   create_tensix_mem_map) and runs up to the unreserved base; tt-metal's program finalize places the runtime args,
//   then the semaphores (get_semaphore: sem_l1_base + id * L1_ALIGNMENT, api/dataflow/dataflow_api.h), then the
//   CB configs there. Where the semaphores start inside the region depends on the program's runtime-arg sizes; the
//   emulator puts them at its start.
// NOC coordinates of worker cores (what kernels pass to get_noc_addr(x, y, addr)): tt-metal hands kernels virtual
//   coordinates (worker_core_from_logical_core). Wormhole with translation tables enabled (soc_descriptors/
//   wormhole_b0_80_arch.yaml: features.noc.translation_id_enabled: True) translates Tensix cores to logical + 18 in
//   x and y (tt-umd wormhole_implementation.hpp: tensix_translated_coordinate_start_x/y = 18, WormholeCoordinateManager
//   "translated = logical + start"). Blackhole: the NOC0 coordinates of the functional_workers of
//   soc_descriptors/blackhole_140_arch.yaml (x columns 1-7, 10-16; y rows 2-11), unharvested p150 assumed.
// DRAM banks: dram_views of ttnn/tt_metal/soc_descriptors/wormhole_b0_80_arch.yaml (12 views of 1 GiB each) and
//   blackhole_140_arch.yaml (8 views).
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/arch_params.hpp"

namespace tt_metal_mirror {

namespace {
constexpr uint32_t kKernelConfigBytes = 69 * 1024;  // default_l1_kernel_config_size (HAL)
constexpr uint32_t hal_unreserved_base(uint32_t mem_map_end, uint32_t dram_align, uint32_t l1_align) {
    const uint32_t max_alignment = dram_align > l1_align ? dram_align : l1_align;
    return ((mem_map_end + kKernelConfigBytes - 1) | (max_alignment - 1)) + 1;
}
static_assert(hal_unreserved_base(35168, 32, 16) == 105824);
static_assert(hal_unreserved_base(41088, 64, 16) == 111744);

std::vector<uint32_t> range_from(uint32_t start, uint32_t n) {
    std::vector<uint32_t> v;
    for (uint32_t i = 0; i < n; ++i) {
        v.push_back(start + i);
    }
    return v;
}
}  // namespace

CoreCoord ArchParams::worker_noc_coord(const CoreCoord& logical) const {
    if (logical.x >= noc_x.size() || logical.y >= noc_y.size()) {
        throw std::out_of_range("worker_noc_coord: logical core (" + std::to_string(logical.x) + "," +
                                std::to_string(logical.y) + ") is outside the " + name + " grid");
    }
    return CoreCoord{noc_x[logical.x], noc_y[logical.y]};
}

bool ArchParams::logical_from_noc(uint32_t x, uint32_t y, CoreCoord& logical) const {
    for (uint32_t i = 0; i < noc_x.size(); ++i) {
        for (uint32_t j = 0; j < noc_y.size(); ++j) {
            if (noc_x[i] == x && noc_y[j] == y) {
                logical = CoreCoord{i, j};
                return true;
            }
        }
    }
    return false;
}

ArchParams ArchParams::wormhole_b0() {
    ArchParams p;
    p.name = "wormhole_b0";
    p.grid_x = 8;
    p.grid_y = 8;
    p.l1_size = 1464 * 1024;
    p.num_dram_banks = 12;
    p.dram_alignment = 32;
    p.l1_alignment = 16;
    p.l1_unreserved_base = hal_unreserved_base(35168, p.dram_alignment, p.l1_alignment);
    p.kernel_config_base = 35168;
    p.dram_bank_size = 1ull << 30;
    p.noc_x = range_from(18, p.grid_x);
    p.noc_y = range_from(18, p.grid_y);
    return p;
}

ArchParams ArchParams::blackhole() {
    ArchParams p;
    p.name = "blackhole";
    p.grid_x = 13;
    p.grid_y = 10;
    p.l1_size = 1536 * 1024;
    p.num_dram_banks = 8;
    p.dram_alignment = 64;
    p.l1_alignment = 16;
    p.l1_unreserved_base = hal_unreserved_base(41088, p.dram_alignment, p.l1_alignment);
    p.kernel_config_base = 41088;
    p.dram_bank_size = 1ull << 31;
    p.noc_x = {1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15};
    p.noc_y = range_from(2, p.grid_y);
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

ArchParams ArchParams::from_env() {
    const char* env = std::getenv(kArchEnv);
    if (!env || !*env) {
        return wormhole_b0();
    }
    try {
        return by_name(env);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(kArchEnv) + ": " + e.what());
    }
}

}  // namespace tt_metal_mirror
