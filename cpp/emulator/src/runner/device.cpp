// SPDX-License-Identifier: Apache-2.0
//
// Room "runner": the public Device API (include/emu/emulator.hpp) over DeviceImpl (program_run.hpp), and
// tilize_reference, the host tilize tests compare the emulator's tilize_block against.
#include <cstring>
#include <stdexcept>

#include "formats/numerics.hpp"
#include "runner/program_run.hpp"

namespace tensix_emu {

Device::Device(const ArchParams& arch) : impl_(std::make_unique<DeviceImpl>(arch)) {}
Device::~Device() = default;

const ArchParams& Device::arch() const { return impl_->arch; }

uint32_t Device::allocate_dram_buffer(uint64_t size_bytes, uint32_t page_size) {
    return impl_->dram.allocate(size_bytes, page_size);
}

void Device::write_dram_buffer(uint32_t address, const void* src, uint64_t size_bytes) {
    impl_->dram.write(address, src, size_bytes);
}

void Device::read_dram_buffer(uint32_t address, void* dst, uint64_t size_bytes) const {
    impl_->dram.read(address, dst, size_bytes);
}

void Device::deallocate_dram_buffer(uint32_t address) { impl_->dram.deallocate(address); }

RunStats Device::run(const ProgramDescriptor& program, const RunOptions& options) { return impl_->run(program, options); }

std::vector<uint8_t> tilize_reference(const void* data, uint32_t rows, uint32_t cols, DataFormat format) {
    if (rows % 32 || cols % 32 || rows == 0 || cols == 0) {
        throw std::invalid_argument("tilize_reference: rows and cols must be positive multiples of 32");
    }
    const uint32_t ds = tt::datum_size(format);
    const auto* src = static_cast<const uint8_t*>(data);
    std::vector<uint8_t> out(size_t(rows) * cols * ds);
    const uint32_t tiles_w = cols / 32;
    for (uint32_t tr = 0; tr < rows / 32; ++tr) {
        for (uint32_t tc = 0; tc < tiles_w; ++tc) {
            uint8_t* tile = out.data() + (size_t(tr) * tiles_w + tc) * 1024 * ds;
            for (uint32_t r = 0; r < 32; ++r) {
                for (uint32_t c = 0; c < 32; ++c) {
                    std::memcpy(tile + tile_elem_index(r, c) * ds,
                                src + ((size_t(tr) * 32 + r) * cols + tc * 32 + c) * ds, ds);
                }
            }
        }
    }
    return out;
}

}  // namespace tensix_emu
