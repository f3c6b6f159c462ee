// SPDX-License-Identifier: Apache-2.0
//
// Room "noc": traffic between cores (see noc.hpp). Semantics from tt-metal 0.81.1 api/dataflow/dataflow_api.h:
// get_noc_addr(x, y, addr) names a core by NOC coordinates (internal/dataflow/dataflow_api_addrgen.h; the emulator's
// come from ArchParams::worker_noc_coord); noc_async_write_multicast does not write the sender unless
// _loopback_src, num_dests does not count the sender (or counts it with loopback), and the range must not be just
// the sender; get_semaphore(id) = sem_l1_base + id * L1_ALIGNMENT, here in the kernel-config region
// (arch_params.cpp); noc_semaphore_wait spins until == val, noc_semaphore_wait_min until >= val;
// noc_semaphore_inc is a non-posted atomic increment that noc_async_atomic_barrier waits for;
// noc_async_writes_flushed waits until the writes have departed.
//
// Data is copied at issue time; what silicon leaves undefined until a flush is enforced by in-flight records
// (InFlightWrite). Pessimistic readings, where the API documentation promises no ordering: a write counts as
// landed only after its writer's noc_async_write_barrier or noc_async_writes_flushed (the "flushed"); a
// semaphore signal to a core holding this kernel's unflushed writes is a race even on the same NOC and VC; a kernel
// that ends with unacknowledged semaphore increments is an error.
#include <algorithm>
#include <cstring>

#include "emu/emulator.hpp"
#include "kernel_failure.hpp"
#include "noc/noc.hpp"

namespace tensix_emu {

namespace {
constexpr uint64_t kL1Tag = 1ull << 62;
constexpr uint64_t kMcastTag = 1ull << 61;  // multicast: 6-bit NOC x0, y0, x1, y1 at bits 55, 49, 43, 37

std::string xy(const CoreCoord& c) { return "(" + std::to_string(c.x) + "," + std::to_string(c.y) + ")"; }
}  // namespace

void Noc::add_node(NocNode& node, const std::vector<tt::tt_metal::SemaphoreDescriptor>& semaphores) {
    nodes_[{node.noc.x, node.noc.y}] = &node;
    for (const auto& sd : semaphores) {
        if (!sd.core_ranges.contains(node.coord)) {
            continue;
        }
        if (sd.id >= arch_.max_semaphores()) {
            throw EmulatorError("semaphore id " + std::to_string(sd.id) + " does not fit the kernel-config region (" +
                                std::to_string(arch_.max_semaphores()) + " words)");
        }
        const uint32_t off = arch_.kernel_config_base + sd.id * arch_.l1_alignment;
        if (node.semaphores.count(off)) {
            throw EmulatorError("semaphore " + std::to_string(sd.id) + " is declared twice on core " + xy(node.coord));
        }
        node.semaphores[off] = sd.id;
        std::memcpy(node.l1 + off, &sd.initial_value, 4);
    }
}

uint32_t NocPort::l1_offset_of(uint32_t visible, const char* call) const {
    const uintptr_t base = reinterpret_cast<uintptr_t>(l1_);
    if (visible < base || uint64_t(visible) >= base + noc_.arch_.l1_size) {
        fail(std::string(call) + ": address " + std::to_string(visible) + " is not an L1 address of this core");
    }
    return uint32_t(visible - base);
}

NocNode& NocPort::node_at(uint32_t x, uint32_t y, const char* call) const {
    auto it = noc_.nodes_.find({x, y});
    if (it == noc_.nodes_.end()) {
        fail(std::string(call) + ": NOC coordinates (" + std::to_string(x) + "," + std::to_string(y) +
             ") are not a core of this program (" + noc_.arch_.name +
             " worker cores are at the NOC coordinates of arch_params.cpp; the program runs on " +
             std::to_string(noc_.nodes_.size()) + " cores)");
    }
    return *it->second;
}

std::pair<NocNode*, uint32_t> NocPort::l1_target(uint64_t addr, const char* call) const {
    return {&node_at(uint32_t((addr >> 48) & 0xff), uint32_t((addr >> 40) & 0xff), call),
            uint32_t(addr & 0xffffffffu)};
}

void NocPort::require_cb_region(const NocNode& n, uint32_t off, uint32_t size, const char* call,
                                const char* what) const {
    const auto& arch = noc_.arch_;
    if (off < arch.l1_unreserved_base || uint64_t(off) + size > n.cb_end || size == 0) {
        fail(std::string(call) + ": " + what + " L1 [" + std::to_string(off) + ", +" + std::to_string(size) +
             ") on core " + xy(n.coord) + " is outside its circular-buffer region [" +
             std::to_string(arch.l1_unreserved_base) + ", " + std::to_string(n.cb_end) + ")");
    }
    if (off % arch.l1_alignment != 0) {
        fail(std::string(call) + ": " + what + " L1 address " + std::to_string(off) + " is not " +
             std::to_string(arch.l1_alignment) + "-byte aligned (L1_ALIGNMENT)");
    }
}

uint32_t& NocPort::sem_word(NocNode& n, uint32_t off, const char* call) const {
    if (!n.semaphores.count(off)) {
        fail(std::string(call) + ": L1 address " + std::to_string(off) + " on core " + xy(n.coord) +
             " is not a semaphore of the program (get_semaphore)");
    }
    return *reinterpret_cast<uint32_t*>(n.l1 + off);
}

void NocPort::require_settled(const NocNode& n, uint32_t off, uint32_t size, const std::string& call,
                              const char* what) const {
    for (const InFlightWrite& w : n.inflight) {
        if (off < w.offset + w.size && w.offset < off + size) {
            fail(call + ": " + what + " L1 [" + std::to_string(off) + ", +" + std::to_string(size) + ") on core " +
                 xy(n.coord) + " overlaps a NOC write from " + w.writer->name() + " that has not completed (L1 [" +
                 std::to_string(w.offset) + ", +" + std::to_string(w.size) +
                 "), no noc_async_write_barrier / noc_async_writes_flushed by its writer yet): a race");
        }
    }
}

void NocPort::require_settled_local(uint32_t offset, uint32_t size, const std::string& call, const char* what) const {
    require_settled(node_, offset, size, call, what);
}

void NocPort::require_flushed_to(const NocNode& n, const std::string& call) const {
    for (const InFlightWrite& w : n.inflight) {
        if (w.writer == this) {
            fail(call + ": signals a semaphore of core " + xy(n.coord) +
                 " before the data it guards was flushed: this kernel's NOC write to L1 [" + std::to_string(w.offset) +
                 ", +" + std::to_string(w.size) +
                 ") there has no noc_async_write_barrier / noc_async_writes_flushed before the signal (a race)");
        }
    }
}

void NocPort::require_atomics_done() const {
    if (pending_atomics_ > 0) {
        fail("finished with " + std::to_string(pending_atomics_) +
             " semaphore increments (noc_semaphore_inc) not waited for by noc_async_atomic_barrier()");
    }
}

void NocPort::count_l1() {
    noc_.counters_.transactions += 1;
    noc_.counters_.transactions_per_core[core_] += 1;
}

void NocPort::land(NocNode& dst, uint32_t dst_off, uint32_t src_off, uint32_t size) {
    std::memmove(dst.l1 + dst_off, l1_ + src_off, size);
    dst.inflight.push_back(InFlightWrite{this, dst_off, size});
    if (std::find(inflight_dests_.begin(), inflight_dests_.end(), &dst) == inflight_dests_.end()) {
        inflight_dests_.push_back(&dst);
    }
    count_l1();
}

void NocPort::read_l1(uint64_t src, uint32_t dst_off, uint32_t size) {
    const auto [from_node, off] = l1_target(src, "noc_async_read");
    NocNode& from = *from_node;
    require_cb_region(from, off, size, "noc_async_read", "source");
    require_settled(from, off, size, "noc_async_read", "source");
    std::memcpy(l1_ + dst_off, from.l1 + off, size);
    count_l1();
}

void NocPort::write_l1(uint32_t src_off, uint64_t dst, uint32_t size) {
    const auto [to_node, off] = l1_target(dst, "noc_async_write");
    NocNode& to = *to_node;
    require_cb_region(to, off, size, "noc_async_write", "destination");
    require_settled(node_, src_off, size, "noc_async_write", "source");
    land(to, off, src_off, size);
}

void NocPort::writes_flushed() {
    // Flushed writes have left this L1 (tt-metal dataflow_api.h noc_async_writes_flushed: "waits for all
    // outstanding enqueued noc_async_write calls ... to depart, but will not wait for them to complete"), so
    // their source pages may be reused: a CB pop after a flush is legal, as upstream's writers do
    // (writer_unary_interleaved_start_id.cpp: async_write, async_writes_flushed, pop_front), and the firmware
    // asks no more at kernel end (hw/firmware/src/tt-1xx/brisck.cc: ncrisc_noc_nonposted_writes_sent).
    pending_writes_ = 0;
    std::lock_guard<std::mutex> lk(noc_.m_);
    for (NocNode* n : inflight_dests_) {
        auto& v = n->inflight;
        v.erase(std::remove_if(v.begin(), v.end(), [this](const InFlightWrite& w) { return w.writer == this; }),
                v.end());
    }
    inflight_dests_.clear();
}

uint32_t NocPort::semaphore_addr(uint32_t id) {
    const auto& arch = noc_.arch_;
    const uint32_t off = arch.kernel_config_base + id * arch.l1_alignment;
    std::lock_guard<std::mutex> lk(noc_.m_);
    auto it = node_.semaphores.find(off);
    if (it == node_.semaphores.end() || it->second != id) {
        fail("get_semaphore(" + std::to_string(id) + "): the program has no semaphore " + std::to_string(id) +
             " on this core (ProgramDescriptor::semaphores)");
    }
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(l1_) + off);
}

uint64_t NocPort::multicast_addr(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr) const {
    if (x0 > 63 || y0 > 63 || x1 > 63 || y1 > 63) {
        fail("get_noc_multicast_addr: NOC coordinates (" + std::to_string(x0) + "," + std::to_string(y0) + ")..(" +
             std::to_string(x1) + "," + std::to_string(y1) + ") are outside the NOC");
    }
    return kMcastTag | (uint64_t(x0) << 55) | (uint64_t(y0) << 49) | (uint64_t(x1) << 43) | (uint64_t(y1) << 37) |
           l1_offset_of(addr, "get_noc_multicast_addr");
}

std::vector<NocNode*> NocPort::mcast_nodes(uint64_t dst, uint32_t num_dests, bool loopback, const char* call) const {
    if (!(dst & kMcastTag)) {
        fail(std::string(call) + ": destination " + std::to_string(dst) +
             " is not a multicast address (get_noc_multicast_addr)");
    }
    const uint32_t x0 = uint32_t((dst >> 55) & 63), y0 = uint32_t((dst >> 49) & 63);
    const uint32_t x1 = uint32_t((dst >> 43) & 63), y1 = uint32_t((dst >> 37) & 63);
    const std::string rect = "(" + std::to_string(x0) + "," + std::to_string(y0) + ")..(" + std::to_string(x1) + "," +
                             std::to_string(y1) + ")";
    // NOC 0 multicast rectangles run from the start (top-left) to the end corner (noc_index is 0 in the emulator).
    if (x0 > x1 || y0 > y1) {
        fail(std::string(call) + ": multicast rectangle " + rect + " has its start after its end (NOC 0 order)");
    }
    std::vector<NocNode*> out;
    bool self_inside = false;
    for (uint32_t y = y0; y <= y1; ++y) {
        for (uint32_t x = x0; x <= x1; ++x) {
            auto it = noc_.nodes_.find({x, y});
            if (it == noc_.nodes_.end()) {
                fail(std::string(call) + ": multicast rectangle " + rect + " includes NOC (" + std::to_string(x) + "," +
                     std::to_string(y) + "), which is not a core of this program: its L1 belongs to someone else");
            }
            if (it->second == &node_) {
                self_inside = true;
                if (!loopback) {
                    continue;  // non-loopback multicast does not write the sender
                }
            }
            out.push_back(it->second);
        }
    }
    if (loopback && !self_inside) {
        fail(std::string(call) + ": loopback multicast to " + rect + ", which does not include the sender");
    }
    if (out.empty()) {
        fail(std::string(call) + ": multicast rectangle " + rect + " is just the sender (at least one other core)");
    }
    if (num_dests != out.size()) {
        fail(std::string(call) + ": num_dests " + std::to_string(num_dests) + " but the rectangle " + rect + " has " +
             std::to_string(out.size()) + " destinations" + (loopback ? " (counting the sender)" : " besides the sender") +
             ": the write barrier would wait for the wrong number of acknowledgements");
    }
    return out;
}

void NocPort::write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests, bool loopback) {
    const char* call = loopback ? "noc_async_write_multicast_loopback_src" : "noc_async_write_multicast";
    const uint32_t src_off = l1_offset_of(src_l1, call);
    const uint32_t off = uint32_t(dst & 0xffffffffu);
    std::lock_guard<std::mutex> lk(noc_.m_);
    const std::vector<NocNode*> dests = mcast_nodes(dst, num_dests, loopback, call);
    require_cb_region(node_, src_off, size, call, "source");
    require_settled(node_, src_off, size, call, "source");
    for (NocNode* n : dests) {
        require_cb_region(*n, off, size, call, "destination");
        land(*n, off, src_off, size);
    }
    ++pending_writes_;
}

void NocPort::signal(NocNode& n, uint32_t off, uint32_t value, bool add) {
    uint32_t& w = sem_word(n, off, "semaphore");
    w = add ? w + value : value;
    auto& ch = n.sem_changers[off];
    if (std::find(ch.begin(), ch.end(), this) == ch.end()) {
        ch.push_back(this);
    }
    if (noc_.on_semaphore_change) {
        noc_.on_semaphore_change(n);
    }
}

std::pair<uint32_t*, uint32_t> NocPort::local_semaphore(uint32_t sem_l1, const char* call) {
    const uint32_t off = l1_offset_of(sem_l1, call);
    uint32_t& w = sem_word(node_, off, call);
    return {&w, node_.semaphores.at(off)};
}

std::string NocPort::semaphore_changers(uint32_t sem_l1) const {
    std::string out;
    const auto it = node_.sem_changers.find(uint32_t(sem_l1 - reinterpret_cast<uintptr_t>(l1_)));
    if (it != node_.sem_changers.end()) {
        for (const NocPort* p : it->second) {
            out += (out.empty() ? "" : ", ") + p->name();
        }
    }
    return out.empty() ? "no kernel" : out;
}

void NocPort::semaphore_set(uint32_t sem_l1, uint32_t value) {
    const uint32_t off = l1_offset_of(sem_l1, "noc_semaphore_set");
    sem_word(node_, off, "noc_semaphore_set");
    signal(node_, off, value, false);
}

std::pair<NocNode*, uint32_t> NocPort::semaphore_target(uint64_t dst, const char* call) {
    if (!(dst & kL1Tag)) {
        fail(std::string(call) + ": destination " + std::to_string(dst) +
             " is not a core's L1 (get_noc_addr(x, y, semaphore address))");
    }
    const auto [to_node, off] = l1_target(dst, call);
    NocNode& to = *to_node;
    sem_word(to, off, call);
    require_flushed_to(to, std::string(call) + "(semaphore " + std::to_string(to.semaphores.at(off)) + ")");
    count_l1();
    return {&to, off};
}

void NocPort::semaphore_inc(uint64_t dst, uint32_t incr) {
    std::lock_guard<std::mutex> lk(noc_.m_);
    const auto [to, off] = semaphore_target(dst, "noc_semaphore_inc");
    signal(*to, off, incr, true);
    ++pending_atomics_;
}

void NocPort::semaphore_set_remote(uint32_t src_l1, uint64_t dst) {
    const uint32_t src_off = l1_offset_of(src_l1, "noc_semaphore_set_remote");
    std::lock_guard<std::mutex> lk(noc_.m_);
    const auto [to, off] = semaphore_target(dst, "noc_semaphore_set_remote");
    uint32_t v;
    std::memcpy(&v, l1_ + src_off, 4);
    signal(*to, off, v, false);
    ++pending_writes_;
}

void NocPort::semaphore_set_multicast(uint32_t src_l1, uint64_t dst, uint32_t num_dests, bool loopback) {
    const char* call = loopback ? "noc_semaphore_set_multicast_loopback_src" : "noc_semaphore_set_multicast";
    const uint32_t src_off = l1_offset_of(src_l1, call);
    const uint32_t off = uint32_t(dst & 0xffffffffu);
    std::lock_guard<std::mutex> lk(noc_.m_);
    const std::vector<NocNode*> dests = mcast_nodes(dst, num_dests, loopback, call);
    uint32_t v;
    std::memcpy(&v, l1_ + src_off, 4);
    for (NocNode* n : dests) {
        sem_word(*n, off, call);
        require_flushed_to(*n, std::string(call) + "(semaphore " + std::to_string(n->semaphores.at(off)) + ")");
    }
    for (NocNode* n : dests) {
        signal(*n, off, v, false);
    }
    ++pending_writes_;
    count_l1();
}

}  // namespace tensix_emu
