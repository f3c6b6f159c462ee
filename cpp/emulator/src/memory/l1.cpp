// SPDX-License-Identifier: Apache-2.0
//
// Room "memory": per-core L1 backings mapped below 4 GiB (see l1.hpp).
#include "memory/l1.hpp"

#include <sys/mman.h>

#include "emu/emulator.hpp"

namespace tensix_emu {

L1Space::~L1Space() {
    for (auto& [idx, p] : l1_) {
        ::munmap(p, l1_size_);
    }
}

uint8_t* L1Space::core(uint32_t core_index) {
    auto it = l1_.find(core_index);
    if (it != l1_.end()) {
        return it->second;
    }
    void* p = ::mmap(nullptr, l1_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (p == MAP_FAILED || reinterpret_cast<uintptr_t>(p) + l1_size_ > 0xffffffffull) {
        throw EmulatorError("emulator: cannot map a core's L1 below 4 GiB (kernels use 32-bit L1 addresses)");
    }
    l1_[core_index] = static_cast<uint8_t*>(p);
    return static_cast<uint8_t*>(p);
}

}  // namespace tensix_emu
