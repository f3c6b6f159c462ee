// SPDX-License-Identifier: Apache-2.0
//
// Room "memory": the chip's DRAM banks and the interleaved buffers allocated in them.
//
// Placement is tt-metal's interleaved layout (InterleavedAddrGen, tt_metal/hw/inc/internal/dataflow/
// dataflow_api_addrgen.h in the 0.81 wheel): page p of a buffer lives in bank p % num_banks at the bank-local
// address base + (p / num_banks) * aligned_page, every page padded to the DRAM alignment; every buffer has the
// same bank-local base address in every bank. Bank count, alignment and bank size come from the arch
// (cpp/tt_metal_mirror/arch). Banks are host vectors grown on first touch.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "arch/arch_params.hpp"

namespace tensix_emu {

/// One interleaved DRAM buffer: `num_pages` pages of `page_size` bytes, each padded to `aligned_page` bytes.
struct DramBuffer {
    uint32_t address = 0;      ///< bank-local base address, the same in every bank
    uint64_t size = 0;         ///< bytes, unpadded (num_pages * page_size)
    uint32_t page_size = 0;    ///< bytes
    uint32_t aligned_page = 0; ///< bytes: page_size rounded up to the DRAM alignment
    uint64_t num_pages = 0;
    uint64_t bank_bytes = 0;   ///< bytes reserved in every bank
};

/// The DRAM banks of one chip and the buffers allocated in them (not thread-safe: the caller serialises).
class Dram {
public:
    explicit Dram(const tt_metal_mirror::ArchParams& arch);

    /// Allocates size_bytes in page_size-byte pages, round-robin over the banks. Returns the bank-local base
    /// address. Throws EmulatorError when size_bytes is not a positive multiple of page_size or DRAM is full.
    uint32_t allocate(uint64_t size_bytes, uint32_t page_size);
    /// Host copy of a whole buffer in page order (size_bytes must be the buffer's size). Throws EmulatorError
    /// naming the call ("write_dram_buffer" / "read_dram_buffer") when no such buffer exists.
    void write(uint32_t address, const void* src, uint64_t size_bytes);
    void read(uint32_t address, void* dst, uint64_t size_bytes);
    /// Throws EmulatorError when no buffer starts at `address`.
    void deallocate(uint32_t address);

    /// The buffer holding bytes [offset, offset + size) of `bank`, or nullptr (a NOC access outside every buffer).
    const DramBuffer* find(uint32_t bank, uint64_t offset, uint64_t size) const;
    /// Host pointer to bytes [offset, offset + size) of `bank` (grows the bank's backing as needed).
    uint8_t* bank_ptr(uint32_t bank, uint64_t offset, uint64_t size);

private:
    /// (bank, bank-local address) of page `page` of `b` (the interleaved placement above).
    std::pair<uint32_t, uint64_t> page_location(const DramBuffer& b, uint64_t page) const;

    uint32_t num_banks_;
    uint32_t alignment_;
    uint64_t bank_size_;
    std::vector<std::vector<uint8_t>> banks_;
    std::map<uint32_t, DramBuffer> buffers_;  ///< keyed by base address
    uint64_t next_addr_;
};

}  // namespace tensix_emu
