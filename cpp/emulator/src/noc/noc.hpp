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
//   buffer. L1 <-> L1 between the program's cores is in noc/intercore.cpp; anything else is refused.
// - Barriers: each kernel (one RISC-V with its own NOC command queue) counts the reads and writes it issued
//   since its last barrier. The data is already in place (the copy is made at issue), so the emulator enforces
//   the ordering rule instead: a kernel must not push a CB while its reads into L1 are unbarriered, nor pop one
//   while its writes out of L1 are (cb room callers ask NocPort before they push / pop).
// - Counters: DRAM bytes read / written (in all and per buffer), transactions (in all and per core).
// - Between cores (noc/intercore.cpp): L1 <-> L1 reads and writes, multicast, semaphores in each core's
//   kernel-config region, and the race rules that go with them (unflushed writes are tracked per destination).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "arch/arch_params.hpp"
#include "memory/dram.hpp"
#include <tt-metalium/program_descriptors.hpp>

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

class NocPort;

/// A NOC write into a core's L1 that its writer has not flushed yet (noc_async_write_barrier or
/// noc_async_writes_flushed): reading that L1 through the NOC or a CB, or signalling a semaphore of that core
/// before the flush, is a race.
struct InFlightWrite {
    const NocPort* writer = nullptr;
    uint32_t offset = 0;  ///< L1 offset on the destination core
    uint32_t size = 0;
};

/// One core of the program as the NOC reaches it: its L1, its semaphores and the writes landing in it.
struct NocNode {
    CoreCoord coord;  ///< logical
    CoreCoord noc;    ///< NOC coordinates (ArchParams::worker_noc_coord)
    uint8_t* l1 = nullptr;
    uint32_t cb_end = 0;                                         ///< L1 offset one past the last CB
    std::map<uint32_t, uint32_t> semaphores;                     ///< L1 offset -> semaphore id
    std::map<uint32_t, std::vector<const NocPort*>> sem_changers;  ///< L1 offset -> ports that changed it
    std::vector<InFlightWrite> inflight;
};

/// The chip's NOC for one run: address encoding, the DRAM it reaches, the program's cores, and the traffic
/// counters. Transfers lock the run's mutex (`m`) around the DRAM / L1 access and the counters.
class Noc {
public:
    Noc(const tt_metal_mirror::ArchParams& arch, Dram& dram, std::mutex& m) : arch_(arch), dram_(dram), m_(m) {}

    /// Registers a core of the program (before any kernel runs) with the semaphores of `semaphores` that include
    /// it, set to their initial values in its L1. Throws EmulatorError for a semaphore id that does not fit the
    /// kernel-config region or is declared twice on the core.
    void add_node(NocNode& node, const std::vector<tt::tt_metal::SemaphoreDescriptor>& semaphores);
    /// Called (m held) when a semaphore of `node` changed: the runner wakes that core's blocked kernels.
    std::function<void(NocNode&)> on_semaphore_change;

    const tt_metal_mirror::ArchParams& arch() const { return arch_; }
    uint32_t num_dram_banks() const { return arch_.num_dram_banks; }
    uint32_t dram_alignment() const { return arch_.dram_alignment; }
    /// NOC address of a bank-local DRAM address; throws KernelFailure when the bank does not exist.
    uint64_t dram_addr(uint32_t bank_id, uint32_t bank_offset) const;
    /// NOC address of L1 offset `offset` on the core at NOC coordinates (x, y).
    uint64_t l1_addr(uint32_t x, uint32_t y, uint32_t offset) const;

    const NocCounters& counters() const { return counters_; }

private:
    friend class NocPort;
    const tt_metal_mirror::ArchParams& arch_;
    Dram& dram_;
    std::mutex& m_;
    NocCounters counters_;
    std::map<std::pair<uint32_t, uint32_t>, NocNode*> nodes_;  ///< by NOC coordinates
};

/// One kernel's NOC interface: its core's L1 window and the transactions it issued since its last barriers.
class NocPort {
public:
    /// The port of kernel `name` on core `node` (registered with noc.add_node).
    NocPort(Noc& noc, NocNode& node, std::string name)
        : noc_(noc), node_(node), l1_(node.l1), cb_end_(node.cb_end), core_{node.coord.x, node.coord.y},
          name_(std::move(name)) {}

    Noc& noc() { return noc_; }
    /// noc_async_read: `size` bytes from NOC address src into kernel-visible L1 address dst_l1 of this core.
    void read(uint64_t src, uint32_t dst_l1, uint32_t size);
    /// noc_async_write: `size` bytes from kernel-visible L1 address src_l1 of this core to NOC address dst.
    void write(uint32_t src_l1, uint64_t dst, uint32_t size);
    void read_barrier() { pending_reads_ = 0; }
    /// noc_async_write_barrier: this port's writes have completed.
    void write_barrier();
    /// Throw KernelFailure when reads (before a push) / writes (before a pop) are issued but not barriered.
    void require_reads_barriered(const std::string& call) const;
    void require_writes_barriered(const std::string& call) const;
    const std::string& name() const { return name_; }
    uint32_t my_noc_x() const { return node_.noc.x; }
    uint32_t my_noc_y() const { return node_.noc.y; }

    // ---- between cores (noc/intercore.cpp); m held unless noted ----
    /// L1 offset of a kernel-visible L1 address of this core (kernels name the same offset on every core).
    uint32_t l1_offset_of(uint32_t visible, const char* call) const;
    /// get_semaphore(id): the kernel-visible address (takes m).
    uint32_t semaphore_addr(uint32_t id);
    /// get_noc_multicast_addr: the rectangle's NOC coordinates and L1 offset, encoded.
    uint64_t multicast_addr(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr) const;
    /// noc_async_write_multicast(_loopback_src) (takes m).
    void write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests, bool loopback);
    /// The semaphore word at kernel-visible address sem_l1 of this core, and its id (m held).
    std::pair<uint32_t*, uint32_t> local_semaphore(uint32_t sem_l1, const char* call);
    /// Names of the ports that changed the semaphore at kernel-visible address sem_l1 of this core (m held).
    std::string semaphore_changers(uint32_t sem_l1) const;
    /// noc_semaphore_set (m held).
    void semaphore_set(uint32_t sem_l1, uint32_t value);
    /// noc_semaphore_inc / noc_semaphore_set_remote / noc_semaphore_set_multicast(_loopback_src) (take m).
    void semaphore_inc(uint64_t dst, uint32_t incr);
    void semaphore_set_remote(uint32_t src_l1, uint64_t dst);
    void semaphore_set_multicast(uint32_t src_l1, uint64_t dst, uint32_t num_dests, bool loopback);
    /// noc_async_writes_flushed / noc_async_atomic_barrier.
    void writes_flushed();
    void atomic_barrier() { pending_atomics_ = 0; }
    /// Throws KernelFailure when [offset, +size) of this core's L1 overlaps a write not yet flushed (m held).
    void require_settled_local(uint32_t offset, uint32_t size, const std::string& call, const char* what) const;
    /// Throws KernelFailure when semaphore increments were issued without noc_async_atomic_barrier (kernel end).
    void require_atomics_done() const;

private:
    // L1 <-> L1 parts of read / write (m held).
    void read_l1(uint64_t src, uint32_t dst_off, uint32_t size);
    void write_l1(uint32_t src_off, uint64_t dst, uint32_t size);
    NocNode& node_at(uint32_t x, uint32_t y, const char* call) const;
    // The core and L1 offset of a core-L1 NOC address (the inverse of Noc::l1_addr).
    std::pair<NocNode*, uint32_t> l1_target(uint64_t addr, const char* call) const;
    std::vector<NocNode*> mcast_nodes(uint64_t dst, uint32_t num_dests, bool loopback, const char* call) const;
    void require_cb_region(const NocNode& n, uint32_t off, uint32_t size, const char* call, const char* what) const;
    uint32_t& sem_word(NocNode& n, uint32_t off, const char* call) const;
    void require_settled(const NocNode& n, uint32_t off, uint32_t size, const std::string& call,
                         const char* what) const;
    void require_flushed_to(const NocNode& n, const std::string& call) const;
    void land(NocNode& dst, uint32_t dst_off, uint32_t src_off, uint32_t size);
    void signal(NocNode& n, uint32_t off, uint32_t value, bool add);
    std::pair<NocNode*, uint32_t> semaphore_target(uint64_t dst, const char* call);
    void count_l1();

    /// (bank, bank-local address) of a DRAM NOC address; throws KernelFailure when it is not DRAM-aligned.
    std::pair<uint32_t, uint64_t> dram_target(uint64_t addr, const char* call) const;
    /// The buffer holding [off, off + size) of bank (mutex held); throws KernelFailure when none does.
    const DramBuffer& dram_buffer(uint32_t bank, uint64_t off, uint32_t size, const char* call) const;
    /// Counts one DRAM transfer of `size` bytes to or from buffer b, issued by this port's core (mutex held).
    void count(const DramBuffer& b, uint32_t size, bool write);

    Noc& noc_;
    NocNode& node_;
    uint8_t* l1_;
    uint32_t cb_end_;
    std::pair<uint32_t, uint32_t> core_;
    std::string name_;
    uint32_t pending_reads_ = 0;
    uint32_t pending_writes_ = 0;
    uint32_t pending_atomics_ = 0;
    std::vector<NocNode*> inflight_dests_;  ///< nodes holding this port's unflushed writes
};

}  // namespace tensix_emu
