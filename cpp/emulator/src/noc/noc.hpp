// SPDX-License-Identifier: Apache-2.0
//
// Room "noc": the network-on-chip between the cores' L1 and the DRAM banks, as the dataflow kernels see it
// (tt-metal 0.81 tt_metal/hw/inc/api/dataflow/dataflow_api.h: get_noc_addr, noc_async_read / noc_async_write,
// noc_async_read_barrier / noc_async_write_barrier).
//
// - Addresses: a 64-bit NOC address names a DRAM bank and a bank-local address, or a core (x, y) and an L1
//   address. The emulator's encoding is its own (tag bits 63 / 62, then the bank or x/y, then the address);
//   kernels only pass these values back to the NOC calls, as on silicon.
// - Transfers: copies made at issue time, checked before they are made: the local L1 side must lie inside the
//   core's circular-buffer region [unreserved base, end of the last CB), a DRAM side must be DRAM-aligned
//   (the arch's dram_alignment; tt-metal's NOC requires aligned DRAM addresses) and lie inside one allocated
//   buffer. Only DRAM <-> local L1 is implemented; anything else is refused.
// - Barriers: each kernel (one RISC-V with its own NOC command queue) counts the reads and writes it issued
//   since its last barrier. The data is already in place (the copy is made at issue), so the emulator enforces
//   the ordering rule instead: a kernel must not push a CB while its reads into L1 are unbarriered, nor pop one
//   while its writes out of L1 are (cb room callers ask NocPort before they push / pop).
// - Counters: DRAM bytes read / written (in all and per buffer), transactions (in all and per core).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "arch/arch_params.hpp"
#include "memory/dram.hpp"

namespace tensix_emu {

/// NOC traffic of one program run.
struct NocCounters {
    uint64_t dram_bytes_read = 0;
    uint64_t dram_bytes_written = 0;
    uint64_t transactions = 0;
    std::map<uint32_t, uint64_t> dram_bytes_read_per_buffer;     ///< keyed by buffer address
    std::map<uint32_t, uint64_t> dram_bytes_written_per_buffer;  ///< keyed by buffer address
    std::map<std::pair<uint32_t, uint32_t>, uint64_t> transactions_per_core;  ///< keyed by (x, y) of the issuer
};

/// The chip's NOC for one run: address encoding, the DRAM it reaches, and the traffic counters. Transfers lock
/// the run's mutex (`m`) around the DRAM access and the counters.
class Noc {
public:
    Noc(const tt_metal_mirror::ArchParams& arch, Dram& dram, std::mutex& m) : arch_(arch), dram_(dram), m_(m) {}

    uint32_t num_dram_banks() const { return arch_.num_dram_banks; }
    uint32_t dram_alignment() const { return arch_.dram_alignment; }
    /// NOC address of a bank-local DRAM address; throws KernelFailure when the bank does not exist.
    uint64_t dram_addr(uint32_t bank_id, uint32_t bank_offset) const;
    /// NOC address of L1 address `addr` on the core at logical (x, y).
    uint64_t l1_addr(uint32_t x, uint32_t y, uint32_t addr) const;

    const NocCounters& counters() const { return counters_; }

private:
    friend class NocPort;
    const tt_metal_mirror::ArchParams& arch_;
    Dram& dram_;
    std::mutex& m_;
    NocCounters counters_;
};

/// One kernel's NOC interface: its core's L1 window and the transactions it issued since its last barriers.
class NocPort {
public:
    /// l1: host base of the core's L1; cb_end: L1 offset one past the core's last CB; core: (x, y).
    NocPort(Noc& noc, uint8_t* l1, uint32_t cb_end, std::pair<uint32_t, uint32_t> core)
        : noc_(noc), l1_(l1), cb_end_(cb_end), core_(core) {}

    Noc& noc() { return noc_; }
    /// noc_async_read: `size` bytes from NOC address src into kernel-visible L1 address dst_l1 of this core.
    void read(uint64_t src, uint32_t dst_l1, uint32_t size);
    /// noc_async_write: `size` bytes from kernel-visible L1 address src_l1 of this core to NOC address dst.
    void write(uint32_t src_l1, uint64_t dst, uint32_t size);
    void read_barrier() { pending_reads_ = 0; }
    void write_barrier() { pending_writes_ = 0; }
    /// Throw KernelFailure when reads (before a push) / writes (before a pop) are issued but not barriered.
    void require_reads_barriered(const std::string& call) const;
    void require_writes_barriered(const std::string& call) const;

private:
    /// (bank, bank-local address) of a DRAM NOC address; throws KernelFailure when it is not DRAM-aligned.
    std::pair<uint32_t, uint64_t> dram_target(uint64_t addr, const char* call) const;
    /// The buffer holding [off, off + size) of bank (mutex held); throws KernelFailure when none does.
    const DramBuffer& dram_buffer(uint32_t bank, uint64_t off, uint32_t size, const char* call) const;
    /// Counts one DRAM transfer of `size` bytes to or from buffer b, issued by this port's core (mutex held).
    void count(const DramBuffer& b, uint32_t size, bool write);

    Noc& noc_;
    uint8_t* l1_;
    uint32_t cb_end_;
    std::pair<uint32_t, uint32_t> core_;
    uint32_t pending_reads_ = 0;
    uint32_t pending_writes_ = 0;
};

}  // namespace tensix_emu
