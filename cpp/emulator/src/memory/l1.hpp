// SPDX-License-Identifier: Apache-2.0
//
// Room "memory": the L1 SRAM of every Tensix core. Each core's L1 (arch l1_size bytes, cpp/tt_metal_mirror/arch)
// is one anonymous host mapping placed below 4 GiB (MAP_32BIT), because kernels hold L1 addresses in 32-bit
// variables (get_write_ptr / get_read_ptr return uint32_t in tt-metal's dataflow_api.h): the address a kernel sees
// is the host address of the byte, so a kernel may dereference it as on silicon.
#pragma once

#include <cstdint>
#include <map>

namespace tensix_emu {

/// The L1 backings of the cores of one chip, created on first use and kept until the chip is destroyed.
class L1Space {
public:
    explicit L1Space(uint32_t l1_size) : l1_size_(l1_size) {}
    ~L1Space();
    L1Space(const L1Space&) = delete;
    L1Space& operator=(const L1Space&) = delete;

    /// Host base of the L1 of the core with linear index core_index (y * grid_x + x). Throws EmulatorError when
    /// no mapping below 4 GiB is available.
    uint8_t* core(uint32_t core_index);

private:
    uint32_t l1_size_;
    std::map<uint32_t, uint8_t*> l1_;  ///< core index -> L1 backing
};

/// The kernel-visible (32-bit) address of byte `offset` of the L1 whose host base is `l1`.
inline uint32_t l1_visible_addr(const uint8_t* l1, uint32_t offset) {
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(l1) + offset);
}

}  // namespace tensix_emu
