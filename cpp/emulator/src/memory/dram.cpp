// SPDX-License-Identifier: Apache-2.0
//
// Room "memory": DRAM banks and interleaved buffers (see dram.hpp for the placement and its source).
#include "memory/dram.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "emu/emulator.hpp"

namespace tensix_emu {

namespace {
constexpr uint32_t kDramBase = 64 * 1024;  // first bank-local address handed out

uint64_t align_up64(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
}  // namespace

Dram::Dram(const tt_metal_mirror::ArchParams& arch)
    : num_banks_(arch.num_dram_banks),
      alignment_(arch.dram_alignment),
      bank_size_(arch.dram_bank_size),
      banks_(arch.num_dram_banks),
      next_addr_(kDramBase) {}

uint32_t Dram::allocate(uint64_t size_bytes, uint32_t page_size) {
    if (page_size == 0 || size_bytes % page_size != 0) {
        throw EmulatorError("allocate_dram_buffer: size " + std::to_string(size_bytes) +
                            " B is not a positive multiple of the page size " + std::to_string(page_size) + " B");
    }
    if (buffers_.empty()) {
        next_addr_ = kDramBase;  // every buffer freed: start over
    }
    DramBuffer b;
    b.size = size_bytes;
    b.page_size = page_size;
    b.aligned_page = static_cast<uint32_t>(align_up64(page_size, alignment_));
    b.num_pages = size_bytes / page_size;
    b.bank_bytes = align_up64((b.num_pages + num_banks_ - 1) / num_banks_ * b.aligned_page, alignment_);
    b.address = static_cast<uint32_t>(align_up64(next_addr_, alignment_));
    if (b.address + std::max<uint64_t>(b.bank_bytes, 1) > bank_size_) {
        throw EmulatorError("allocate_dram_buffer: out of emulated DRAM (" + std::to_string(size_bytes) + " B)");
    }
    next_addr_ = b.address + std::max<uint64_t>(b.bank_bytes, alignment_);
    buffers_[b.address] = b;
    return b.address;
}

std::pair<uint32_t, uint64_t> Dram::page_location(const DramBuffer& b, uint64_t page) const {
    return {uint32_t(page % num_banks_), b.address + (page / num_banks_) * b.aligned_page};
}

void Dram::write(uint32_t address, const void* src, uint64_t size_bytes) {
    auto it = buffers_.find(address);
    if (it == buffers_.end() || size_bytes != it->second.size) {
        throw EmulatorError("write_dram_buffer: no buffer of " + std::to_string(size_bytes) + " B at address " +
                            std::to_string(address));
    }
    const DramBuffer& b = it->second;
    const auto* p = static_cast<const uint8_t*>(src);
    for (uint64_t page = 0; page < b.num_pages; ++page) {
        const auto [bank, off] = page_location(b, page);
        std::memcpy(bank_ptr(bank, off, b.aligned_page), p + page * b.page_size, b.page_size);
    }
}

void Dram::read(uint32_t address, void* dst, uint64_t size_bytes) {
    auto it = buffers_.find(address);
    if (it == buffers_.end() || size_bytes != it->second.size) {
        throw EmulatorError("read_dram_buffer: no buffer of " + std::to_string(size_bytes) + " B at address " +
                            std::to_string(address));
    }
    const DramBuffer& b = it->second;
    auto* p = static_cast<uint8_t*>(dst);
    for (uint64_t page = 0; page < b.num_pages; ++page) {
        const auto [bank, off] = page_location(b, page);
        std::memcpy(p + page * b.page_size, bank_ptr(bank, off, b.aligned_page), b.page_size);
    }
}

void Dram::deallocate(uint32_t address) {
    if (buffers_.erase(address) == 0) {
        throw EmulatorError("deallocate_dram_buffer: no buffer at address " + std::to_string(address));
    }
}

uint8_t* Dram::bank_ptr(uint32_t bank, uint64_t offset, uint64_t size) {
    auto& b = banks_.at(bank);
    if (b.size() < offset + size) {
        b.resize(offset + size, 0);
    }
    return b.data() + offset;
}

const DramBuffer* Dram::find(uint32_t bank, uint64_t offset, uint64_t size) const {
    auto it = buffers_.upper_bound(static_cast<uint32_t>(std::min<uint64_t>(offset, 0xffffffffu)));
    if (it == buffers_.begin()) {
        return nullptr;
    }
    --it;
    const DramBuffer& b = it->second;
    const uint64_t pages_here = b.num_pages / num_banks_ + (bank < b.num_pages % num_banks_ ? 1 : 0);
    const uint64_t end = b.address + pages_here * b.aligned_page;
    if (offset >= b.address && offset + size <= end) {
        return &b;
    }
    return nullptr;
}

}  // namespace tensix_emu
