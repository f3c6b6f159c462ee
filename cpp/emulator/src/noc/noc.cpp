// SPDX-License-Identifier: Apache-2.0
//
// Room "noc": NOC addressing, DRAM <-> L1 transfers with their checks, barriers, counters (see noc.hpp).
#include "noc/noc.hpp"

#include <cstring>

#include "kernel_failure.hpp"

namespace tensix_emu {

namespace {
constexpr uint64_t kDramTag = 1ull << 63;
constexpr uint64_t kL1Tag = 1ull << 62;
}  // namespace

void NocPort::write_barrier() {
    pending_writes_ = 0;
    writes_flushed();
}

uint64_t Noc::dram_addr(uint32_t bank_id, uint32_t bank_offset) const {
    if (bank_id >= arch_.num_dram_banks) {
        fail("DRAM bank " + std::to_string(bank_id) + " does not exist (" + std::to_string(arch_.num_dram_banks) +
             " banks)");
    }
    return kDramTag | (uint64_t(bank_id) << 40) | bank_offset;
}

uint64_t Noc::l1_addr(uint32_t x, uint32_t y, uint32_t offset) const {
    return kL1Tag | (uint64_t(x & 0xff) << 48) | (uint64_t(y & 0xff) << 40) | offset;
}

std::pair<uint32_t, uint64_t> NocPort::dram_target(uint64_t addr, const char* call) const {
    const uint32_t bank = uint32_t((addr >> 40) & 0xff);
    const uint64_t off = addr & 0xffffffffffull;
    if (off % noc_.arch_.dram_alignment != 0) {
        fail(std::string(call) + ": DRAM address " + std::to_string(off) + " in bank " + std::to_string(bank) +
             " is not " + std::to_string(noc_.arch_.dram_alignment) + "-byte aligned");
    }
    return {bank, off};
}

const DramBuffer& NocPort::dram_buffer(uint32_t bank, uint64_t off, uint32_t size, const char* call) const {
    const DramBuffer* b = noc_.dram_.find(bank, off, size);
    if (!b) {
        fail(std::string(call) + ": DRAM bank " + std::to_string(bank) + " [" + std::to_string(off) + ", +" +
             std::to_string(size) + ") is not inside any allocated buffer");
    }
    return *b;
}

void NocPort::count(const DramBuffer& b, uint32_t size, bool write) {
    NocCounters& n = noc_.counters_;
    (write ? n.dram_bytes_written : n.dram_bytes_read) += size;
    (write ? n.dram_bytes_written_per_buffer : n.dram_bytes_read_per_buffer)[b.address] += size;
    n.transactions += 1;
    n.transactions_per_core[core_] += 1;
}

void NocPort::read(uint64_t src, uint32_t dst_l1, uint32_t size) {
    const char* call = "noc_async_read";
    const auto& arch = noc_.arch_;
    const uintptr_t base = reinterpret_cast<uintptr_t>(l1_);
    if (dst_l1 < base + arch.l1_unreserved_base || uint64_t(dst_l1) + size > base + cb_end_) {
        fail("noc_async_read: destination L1 [" + std::to_string(dst_l1 - base) + ", +" + std::to_string(size) +
             ") is outside the circular-buffer region [" + std::to_string(arch.l1_unreserved_base) + ", " +
             std::to_string(cb_end_) + ")");
    }
    if (src & kL1Tag) {
        std::lock_guard<std::mutex> lk(noc_.m_);
        read_l1(src, uint32_t(dst_l1 - base), size);
        ++pending_reads_;
        return;
    }
    if (!(src & kDramTag)) {
        fail("noc_async_read: source NOC address " + std::to_string(src) +
             " is neither a DRAM page nor a core's L1 (get_noc_addr)");
    }
    const auto [bank, off] = dram_target(src, call);
    std::lock_guard<std::mutex> lk(noc_.m_);
    const DramBuffer& b = dram_buffer(bank, off, size, call);
    std::memcpy(l1_ + (dst_l1 - base), noc_.dram_.bank_ptr(bank, off, size), size);
    count(b, size, /*write=*/false);
    ++pending_reads_;
}

void NocPort::write(uint32_t src_l1, uint64_t dst, uint32_t size) {
    const char* call = "noc_async_write";
    const auto& arch = noc_.arch_;
    const uintptr_t base = reinterpret_cast<uintptr_t>(l1_);
    if (src_l1 < base + arch.l1_unreserved_base || uint64_t(src_l1) + size > base + cb_end_) {
        fail("noc_async_write: source L1 [" + std::to_string(src_l1 - base) + ", +" + std::to_string(size) +
             ") is outside the circular-buffer region");
    }
    if (dst & kL1Tag) {
        std::lock_guard<std::mutex> lk(noc_.m_);
        write_l1(uint32_t(src_l1 - base), dst, size);
        ++pending_writes_;
        return;
    }
    if (!(dst & kDramTag)) {
        fail("noc_async_write: destination NOC address " + std::to_string(dst) +
             " is neither a DRAM page nor a core's L1 (get_noc_addr; multicast goes through noc_async_write_multicast)");
    }
    const auto [bank, off] = dram_target(dst, call);
    std::lock_guard<std::mutex> lk(noc_.m_);
    const DramBuffer& b = dram_buffer(bank, off, size, call);
    std::memcpy(noc_.dram_.bank_ptr(bank, off, size), l1_ + (src_l1 - base), size);
    count(b, size, /*write=*/true);
    ++pending_writes_;
}

void NocPort::require_reads_barriered(const std::string& call) const {
    if (pending_reads_ > 0) {
        fail(call + ": " + std::to_string(pending_reads_) +
             " NOC reads into L1 were issued without noc_async_read_barrier() before the push");
    }
}

void NocPort::require_writes_barriered(const std::string& call) const {
    if (pending_writes_ > 0) {
        fail(call + ": " + std::to_string(pending_writes_) +
             " NOC writes from this CB were issued without noc_async_write_barrier() before the pop");
    }
}

}  // namespace tensix_emu
