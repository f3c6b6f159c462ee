// SPDX-License-Identifier: Apache-2.0
//
// Architecture parameters of the chips this project targets (Wormhole n150, Blackhole p150): what an in-tree op
// asks tt-metal's device and HAL for (compute_with_storage_grid_size, L1 size, allocator base, alignments, DRAM
// banks, DEST capacity). Both the op (cpp/device) and the emulator (cpp/emulator) read them from here; sources
// are cited in arch_params.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <tt-metalium/program_descriptors.hpp>

namespace tt_metal_mirror {

using ::CoreCoord;

/// Environment variable naming the default arch ("wormhole_b0" when unset).
inline constexpr const char* kArchEnv = "LAYERNORM_FUSED_RM_ARCH";

struct ArchParams {
    std::string name;                 ///< "wormhole_b0" | "blackhole"
    uint32_t grid_x = 0, grid_y = 0;  ///< worker compute grid (logical cores)
    uint32_t l1_size = 0;             ///< bytes of worker L1
    uint32_t l1_unreserved_base = 0;  ///< first byte of L1 free for circular buffers
    uint32_t num_dram_banks = 0;
    uint32_t dram_alignment = 0;  ///< bytes
    uint32_t l1_alignment = 0;    ///< bytes
    uint64_t dram_bank_size = 0;  ///< bytes per bank (the emulator allocates lazily)
    /// First byte of the kernel-config region [kernel_config_base, l1_unreserved_base) (HAL: MEM_MAP_END), where
    /// tt-metal places a program's runtime args, semaphores and CB configs. The emulator puts semaphore `id` at
    /// kernel_config_base + id * l1_alignment (get_semaphore's stride).
    uint32_t kernel_config_base = 0;
    /// NOC coordinates kernels address Tensix cores by (what tt-metal's worker_core_from_logical_core returns and
    /// get_noc_addr(x, y, addr) takes): logical x -> noc_x[x], logical y -> noc_y[y]. Sources in arch_params.cpp.
    std::vector<uint32_t> noc_x, noc_y;

    /// NOC coordinate of the worker core at logical (x, y); throws std::out_of_range outside the grid.
    CoreCoord worker_noc_coord(const CoreCoord& logical) const;
    /// Logical coordinate of the worker at NOC (x, y); false when no worker core sits there.
    bool logical_from_noc(uint32_t x, uint32_t y, CoreCoord& logical) const;
    /// Number of semaphore words the kernel-config region has room for (at l1_alignment stride).
    uint32_t max_semaphores() const { return (l1_unreserved_base - kernel_config_base) / l1_alignment; }

    /// Bytes of L1 above the unreserved base: what circular buffers may take on one core.
    uint64_t free_l1_bytes() const { return l1_size > l1_unreserved_base ? l1_size - l1_unreserved_base : 0; }

    static ArchParams wormhole_b0();
    static ArchParams blackhole();
    /// "wormhole_b0"/"wormhole"/"n150" or "blackhole"/"p150"; throws std::invalid_argument otherwise.
    static ArchParams by_name(const std::string& name);
    /// $LAYERNORM_FUSED_RM_ARCH when set (any name by_name accepts), else Wormhole B0. Throws
    /// std::invalid_argument naming the variable when it holds an unknown name.
    static ArchParams from_env();
};

/// Tiles the DEST register file holds for one math/pack half (half-sync) or in all (full-sync): 8 / 16 with a
/// 16-bit DEST, 4 / 8 with fp32 (tt-metal 0.81 api/compute/pack_untilize.h block-width limits; the same on
/// Wormhole and Blackhole).
constexpr uint32_t dest_tile_capacity(bool fp32_dest_acc_en, bool dst_full_sync_en) {
    return (dst_full_sync_en ? 16u : 8u) / (fp32_dest_acc_en ? 2u : 1u);
}
inline uint32_t dest_tile_capacity(const tt::tt_metal::ComputeConfigDescriptor& cc) {
    return dest_tile_capacity(cc.fp32_dest_acc_en, cc.dst_full_sync_en);
}

}  // namespace tt_metal_mirror
