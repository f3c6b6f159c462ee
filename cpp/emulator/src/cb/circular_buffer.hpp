// SPDX-License-Identifier: Apache-2.0
//
// Room "cb": circular buffers in L1 and the rules of their four-call protocol.
//
// Placement: every CB of a core is placed one after another from the arch's unreserved L1 base, each aligned to
// the L1 alignment, as tt-metal's CB allocator does (cpp/tt_metal_mirror/arch for the numbers). Protocol
// (tt-metal 0.81 tt_metal/hw/inc/api/compute/cb_api.h, api/dataflow/dataflow_api.h): a producer reserves pages
// (cb_reserve_back, blocks for free space), writes them and pushes them (cb_push_back); a consumer waits for
// pages (cb_wait_front, blocks for data), reads them and pops them (cb_pop_front). The read and write pointers
// wrap only at the end of the CB, never inside a reserved or waited chunk, so a chunk that would cross the end
// overwrites the next CB on silicon: the emulator refuses it. Counts (pushed / popped, who pushed and popped)
// feed the deadlock diagnosis (sched/deadlock.cpp) and the end-of-run leftover warnings.
//
// The blocking itself is the scheduler's (sched/scheduler.hpp); this room owns the state, the checks made
// before and after the wait, and the accounting.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <tt-metalium/program_descriptors.hpp>

#include "arch/arch_params.hpp"

namespace tensix_emu {

class Fiber;

/// Circular buffers per core (tt-metal's NUM_CIRCULAR_BUFFERS).
inline constexpr uint32_t kNumCBs = 32;
/// Operations kept per CB and per kernel for the deadlock report.
inline constexpr size_t kHistory = 8;

/// "c_<cb>", the name tt-metal's tt::CBIndex uses.
std::string cb_name(int32_t cb);

/// One circular buffer of one core. Every member is read and written under the run's mutex.
struct CBState {
    bool configured = false;
    tt::DataFormat format = tt::DataFormat::Float16_b;
    uint32_t base = 0;  ///< L1 offset of page 0
    uint32_t page_size = 0;  ///< bytes
    uint32_t num_pages = 0;
    uint64_t pushed = 0;
    uint64_t popped = 0;
    uint32_t rd_page = 0;
    uint32_t wr_page = 0;
    uint32_t reserved = 0;  ///< pages reserved by the producer, not yet pushed
    uint32_t waited = 0;    ///< pages the consumer waited for, not yet popped
    uint32_t pack_ptr = 0;  ///< tiles packed sequentially since the last push
    std::deque<std::string> history;
    std::vector<const Fiber*> pushers;  ///< kernels that pushed pages into this CB
    std::vector<const Fiber*> poppers;  ///< kernels that popped pages from it

    uint32_t occupied() const { return static_cast<uint32_t>(pushed - popped); }
    uint32_t free_pages() const { return num_pages - occupied(); }
    /// L1 offsets of the write / read pointer and of page `page` past them.
    uint32_t write_offset(uint32_t page = 0) const { return base + (wr_page + page) * page_size; }
    uint32_t read_offset(uint32_t page = 0) const { return base + (rd_page + page) * page_size; }

    /// Appends "who op" to this CB's recent operations.
    void note(const std::string& entry);

    // ---- the protocol; `call` is the call's text, e.g. "cb_reserve_back(c_0, 4)". Each check throws
    // KernelFailure (kernel_failure.hpp) with the message the tests expect. ----
    /// Before blocking: a reservation must fit in the CB.
    void check_reserve(int32_t pages, const std::string& call) const;
    /// The wait description of a blocked cb_reserve_back (evaluated when a deadlock report is written).
    std::string describe_reserve_wait(int32_t pages, const std::string& call) const;
    /// After the space is there: the chunk must not cross the end of the CB; records the reservation.
    void reserve(int32_t pages, const std::string& call);
    /// A push must not exceed the reservation.
    void check_push(int32_t pages, const std::string& call) const;
    void push(int32_t pages, const Fiber* by);
    void check_wait(int32_t pages, const std::string& call) const;
    std::string describe_front_wait(int32_t pages, const std::string& call) const;
    void wait(int32_t pages, const std::string& call);
    /// A pop must not exceed what was waited for.
    void check_pop(int32_t pages, const std::string& call) const;
    void pop(int32_t pages, const Fiber* by);
};

/// The 32 circular buffers of one core and the end of the L1 region they occupy.
struct CoreCBs {
    CoreCoord coord;
    CBState cb[kNumCBs];
    uint32_t end = 0;  ///< L1 offset one past the last CB

    /// CB `idx` for a kernel call; throws KernelFailure when idx is out of range or the CB is not configured here.
    CBState& at(int32_t idx, const char* call);
    /// Places every CB of `cbs` that covers this core from the arch's unreserved base; sets `end`. Throws
    /// EmulatorError (index out of range, total size not a multiple of the page size, a CB configured twice,
    /// the CBs not fitting in L1).
    void place(const std::vector<tt::tt_metal::CBDescriptor>& cbs, const tt_metal_mirror::ArchParams& arch);
    /// One warning per CB still holding pages at program end (a persistent CB never popped, or a leak).
    void leftover_warnings(std::vector<std::string>& out) const;
};

}  // namespace tensix_emu
