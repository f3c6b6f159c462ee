// SPDX-License-Identifier: Apache-2.0
//
// Room "runner": KernelContext construction, runtime arguments, and the CB and NOC calls every kernel may make
// (see kernel_context.hpp; the rules live in cb/ and noc/, the blocking in sched/).
#include "runner/kernel_context.hpp"
#include "runner/dprint.hpp"

#include <cstring>
#include <sstream>

#include "kernel_failure.hpp"
#include "memory/l1.hpp"
#include "runner/program_run.hpp"

namespace tensix_emu {

KernelContext::KernelContext(Scheduler& sched, Noc& noc, Core& core, const tt::tt_metal::KernelDescriptor& k,
                             std::string name, bool optimistic_srcb)
    : Fiber(std::move(name), this),
      sched_(sched),
      core_(core),
      k_(k),
      noc_(noc, core.noc_node, Fiber::name()) {
    on_return = [this] {
        noc_.require_atomics_done();
        for (int r = 0; r < 5; ++r)
            dprint_flush(r, core_.coord.x, core_.coord.y, core_.noc_node.noc.x, core_.noc_node.noc.y,
                         dprint_pending_[r]);
    };
    if (const auto* cc = std::get_if<tt::tt_metal::ComputeConfigDescriptor>(&k.config)) {
        compute_ = true;
        dest_.configure(cc->fp32_dest_acc_en, cc->dst_full_sync_en, tt_metal_mirror::dest_tile_capacity(*cc));
        unpacker_.configure(*cc);
        packer_.configure(*cc);
        fpu_.configure(int(cc->math_fidelity), optimistic_srcb);
        sfpu_.configure(cc->math_approx_mode,
                        noc.arch().name == "blackhole" ? math::SfpuArch::Blackhole : math::SfpuArch::Wormhole);
    }
    if (const auto* rt = k.runtime_args_of(core.coord)) {
        rt_args_ = *rt;
    }
}

// ---- infrastructure ----

CBState& KernelContext::cb(int32_t idx, const char* call) { return core_.cbs.at(idx, call); }

void KernelContext::record(CBState& c, const std::string& op) {
    c.note(name() + " " + op);
    note(op);
}

std::pair<CBState*, std::string> KernelContext::begin_cb_call(int32_t idx, int32_t pages, const char* name) {
    sched_.check_aborted();
    CBState& c = cb(idx, name);
    return {&c, std::string(name) + "(" + cb_name(idx) + ", " + std::to_string(pages) + ")"};
}

void KernelContext::unsupported(const char* what) { fail(std::string("not implemented by the emulator: ") + what); }

// DPRINT: the kernel formats each message once per RISC that runs it (emu/dprint_format.hpp).
void KernelContext::dprint(int risc, const char* text) {
    if (risc < kDprintBR || risc > kDprintTR2) return unsupported("DPRINT from an unknown RISC");
    try {
        dprint_write(risc, core_.coord.x, core_.coord.y, core_.noc_node.noc.x, core_.noc_node.noc.y, text,
                     dprint_pending_[risc]);
    } catch (const std::exception& e) {
        fail(e.what());
    }
}

// TileSlice (api/debug/dprint_tile.h TileSlice::TileSlice, printed as tt_metal/impl/debug/dprint_server.cpp
// PrintTileSlice does): TRISC1 cannot reach CBs (DPrintErrorMath: the server's warning); TRISC0 reads at the CB's
// read pointer, TRISC2 at its write pointer, BRISC/NCRISC where ptr_type says; the tile is tile_idx tile sizes
// further. Elements in [h0:h1:hs, w0:w1:ws], face-major indexing when `untilized` (dprint_tile.h get_data_index),
// at most max_bytes of data (then the server's truncation note); each value as std::ostream prints a float, values
// separated by " ", a newline after each row when endl_rows. Only Float16_b and Float32 CBs: other formats refuse.
void KernelContext::dprint_tile_slice(int risc, uint32_t idx, int tile_idx, const uint8_t* r, bool /*input_cb*/,
                                      bool rd_ptr, bool endl_rows, bool untilized, int max_bytes, std::string* out) {
    if (risc == kDprintTR1) {
        *out = "Warning: MATH core does not support TileSlice printing, omitting print...\n";
        return;
    }
    std::lock_guard<std::mutex> lk(sched_.m);
    const CBState& c = cb(int32_t(idx), "TileSlice");
    const bool at_read = risc == kDprintTR0 || (risc != kDprintTR2 && rd_ptr);
    size_t bytes = c.format == tt::DataFormat::Float32 ? 4 : c.format == tt::DataFormat::Float16_b ? 2 : 0;
    if (!bytes) return unsupported("TileSlice of a CB whose data format is not Float16_b or Float32");
    const uint32_t tile_bytes = 32 * 32 * uint32_t(bytes);
    const uint64_t offset = uint64_t(at_read ? c.read_offset() : c.write_offset()) + uint64_t(tile_idx) * tile_bytes;
    if (tile_idx < 0 || offset + tile_bytes > uint64_t(c.base) + uint64_t(c.num_pages) * c.page_size)
        return unsupported("TileSlice of a tile outside its circular buffer");
    const uint8_t* tile = core_.l1 + offset;
    const uint32_t max_count = uint32_t(max_bytes) / uint32_t(bytes);
    std::ostringstream s;
    uint32_t count = 0;
    for (uint32_t h = r[0]; h < r[1]; h += r[2]) {
        bool exceeded = false;
        for (uint32_t w = r[3]; w < r[4]; w += r[5]) {
            if (count >= max_count) { exceeded = true; break; }
            const uint32_t i = untilized ? ((h / 16) * 2 + w / 16) * 256 + (h % 16) * 16 + w % 16 : w + h * 32;
            float v;
            if (bytes == 4) {
                std::memcpy(&v, tile + i * 4, 4);
            } else {
                uint32_t u = uint32_t(tile[i * 2]) << 16 | uint32_t(tile[i * 2 + 1]) << 24;
                std::memcpy(&v, &u, 4);
            }
            s << v;
            if (w + r[5] < r[4]) s << " ";
            ++count;
        }
        if (exceeded) {
            s << "<TileSlice data truncated due to exceeding max count (" << max_count << ")>\n";
            break;
        }
        if (endl_rows) s << "\n";
    }
    *out = s.str();
}

// ---- arguments and identity ----

uint32_t KernelContext::get_arg(uint32_t idx, const char* call) {
    sched_.check_aborted();
    if (idx >= rt_args_.size()) {
        fail(std::string(call) + "(" + std::to_string(idx) + "): the kernel has only " + std::to_string(rt_args_.size()) +
             " runtime args on this core");
    }
    return rt_args_[idx];
}

uint32_t KernelContext::get_common_arg(uint32_t idx, const char* call) {
    sched_.check_aborted();
    if (idx >= k_.common_runtime_args.size()) {
        fail(std::string(call) + "(" + std::to_string(idx) + "): the kernel has only " +
             std::to_string(k_.common_runtime_args.size()) + " common runtime args");
    }
    return k_.common_runtime_args[idx];
}

uint32_t KernelContext::my_x() { return core_.coord.x; }
uint32_t KernelContext::my_y() { return core_.coord.y; }

// ---- circular buffers ----

void KernelContext::cb_reserve_back(int32_t idx, int32_t pages) {
    std::unique_lock<std::mutex> lk(sched_.m);
    const auto [cp, call] = begin_cb_call(idx, pages, "cb_reserve_back");
    CBState& c = *cp;
    c.check_reserve(pages, call);
    record(c, call);
    if (sched_.tracing) {
        sched_.trace_cb_locked(*this, TraceEvent::Kind::Reserve, idx, pages, c);
    }
    sched_.block_until(
        lk, *this, idx, &c, false, [&c, pages] { return c.free_pages() >= uint32_t(pages); },
        [&] { return c.describe_reserve_wait(pages, call); });
    c.reserve(pages, call);
    if (sched_.tracing) {
        sched_.yield_locked(lk, *this);
    }
}

void KernelContext::cb_push_back(int32_t idx, int32_t pages) {
    std::unique_lock<std::mutex> lk(sched_.m);
    const auto [cp, call] = begin_cb_call(idx, pages, "cb_push_back");
    CBState& c = *cp;
    c.check_push(pages, call);
    noc_.require_reads_barriered(call);
    // Pages another core's NOC write filled are handed on only once that write was flushed.
    noc_.require_settled_local(c.write_offset(), uint32_t(pages) * c.page_size, call, "pushed");
    record(c, call);
    c.push(pages, this);
    if (sched_.tracing) {
        sched_.trace_cb_locked(*this, TraceEvent::Kind::Push, idx, pages, c);
    }
    sched_.wake_locked(core_.fibers);
    if (sched_.tracing) {
        sched_.yield_locked(lk, *this);
    }
}

void KernelContext::cb_wait_front(int32_t idx, int32_t pages) {
    std::unique_lock<std::mutex> lk(sched_.m);
    const auto [cp, call] = begin_cb_call(idx, pages, "cb_wait_front");
    CBState& c = *cp;
    c.check_wait(pages, call);
    record(c, call);
    if (sched_.tracing) {
        sched_.trace_cb_locked(*this, TraceEvent::Kind::WaitFront, idx, pages, c);
    }
    sched_.block_until(
        lk, *this, idx, &c, true, [&c, pages] { return c.occupied() >= uint32_t(pages); },
        [&] { return c.describe_front_wait(pages, call); });
    c.wait(pages, call);
    if (sched_.tracing) {
        sched_.yield_locked(lk, *this);
    }
}

void KernelContext::cb_pop_front(int32_t idx, int32_t pages) {
    std::unique_lock<std::mutex> lk(sched_.m);
    const auto [cp, call] = begin_cb_call(idx, pages, "cb_pop_front");
    CBState& c = *cp;
    c.check_pop(pages, call);
    noc_.require_writes_barriered(call);
    record(c, call);
    c.pop(pages, this);
    if (sched_.tracing) {
        sched_.trace_cb_locked(*this, TraceEvent::Kind::Pop, idx, pages, c);
    }
    sched_.wake_locked(core_.fibers);
    if (sched_.tracing) {
        sched_.yield_locked(lk, *this);
    }
}

uint32_t KernelContext::get_write_ptr(int32_t idx) {
    std::lock_guard<std::mutex> lk(sched_.m);
    return l1_visible_addr(core_.l1, cb(idx, "get_write_ptr").write_offset());
}

uint32_t KernelContext::get_read_ptr(int32_t idx) {
    std::lock_guard<std::mutex> lk(sched_.m);
    return l1_visible_addr(core_.l1, cb(idx, "get_read_ptr").read_offset());
}

// ---- NOC ----

uint64_t KernelContext::dram_noc_addr(uint32_t bank_id, uint32_t bank_offset) {
    return noc_.noc().dram_addr(bank_id, bank_offset);
}

uint64_t KernelContext::l1_noc_addr(uint32_t x, uint32_t y, uint32_t l1_addr) {
    // Kernels name L1 by this core's addresses; the same offset addresses the other core's L1.
    sched_.check_aborted();
    return noc_.noc().l1_addr(x, y, noc_.l1_offset_of(l1_addr, "get_noc_addr"));
}

void KernelContext::noc_read(uint64_t src, uint32_t dst_l1, uint32_t size) {
    sched_.check_aborted();
    noc_.read(src, dst_l1, size);
}

void KernelContext::noc_write(uint32_t src_l1, uint64_t dst, uint32_t size) {
    sched_.check_aborted();
    noc_.write(src_l1, dst, size);
}

// ---- NOC between cores (rules in noc/intercore.cpp; the semaphore wait blocks through sched/) ----

void KernelContext::noc_write_barrier() {
    sched_.check_aborted();
    noc_.write_barrier();
}

void KernelContext::noc_writes_flushed() {
    sched_.check_aborted();
    noc_.writes_flushed();
}

void KernelContext::noc_atomic_barrier() {
    sched_.check_aborted();
    noc_.atomic_barrier();
}

uint32_t KernelContext::semaphore_addr(uint32_t id) {
    sched_.check_aborted();
    return noc_.semaphore_addr(id);
}

uint64_t KernelContext::multicast_noc_addr(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr) {
    sched_.check_aborted();
    return noc_.multicast_addr(x0, y0, x1, y1, addr);
}

void KernelContext::noc_write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests,
                                        bool loopback) {
    sched_.check_aborted();
    noc_.write_multicast(src_l1, dst, size, num_dests, loopback);
}

void KernelContext::semaphore_wait(uint32_t sem_l1, uint32_t value, bool at_least) {
    sched_.check_aborted();
    const char* name = at_least ? "noc_semaphore_wait_min" : "noc_semaphore_wait";
    std::unique_lock<std::mutex> lk(sched_.m);
    const auto [word, id] = noc_.local_semaphore(sem_l1, name);
    const std::string call = std::string(name) + "(semaphore " + std::to_string(id) + ", " + std::to_string(value) + ")";
    note(call);
    if (sched_.tracing) {
        ++sched_.clock;  // a semaphore wait is a point of the logical clock too (TraceEvent)
    }
    uint32_t* w = word;
    const uint32_t sem_id = id;
    // A semaphore wait is a blocking call like a CB wait: the scheduler's exact deadlock test covers it.
    sched_.block_until(
        lk, *this, -1, nullptr, false, [w, value, at_least] { return at_least ? *w >= value : *w == value; },
        [&, w, sem_id] {
            std::string who;
            for (const Fiber* f : sched_.fibers) {
                if (!f->done && f != this) {
                    who += (who.empty() ? "" : ", ") + f->name();
                }
            }
            return call + ": semaphore " + std::to_string(sem_id) + " at L1 " +
                   std::to_string(noc_.l1_offset_of(sem_l1, name)) + " of core (" + std::to_string(core_.coord.x) +
                   "," + std::to_string(core_.coord.y) + ") holds " + std::to_string(*w) + ", waits for " +
                   (at_least ? ">= " : "== ") + std::to_string(value) +
                   "; changed so far by: " + noc_.semaphore_changers(sem_l1) +
                   "; could still change it: " + (who.empty() ? "no kernel (every other kernel has finished)" : who);
        });
}

void KernelContext::semaphore_set(uint32_t sem_l1, uint32_t value) {
    sched_.check_aborted();
    std::lock_guard<std::mutex> lk(sched_.m);
    noc_.semaphore_set(sem_l1, value);
}

void KernelContext::semaphore_inc(uint64_t dst, uint32_t incr) {
    sched_.check_aborted();
    noc_.semaphore_inc(dst, incr);
}

void KernelContext::semaphore_set_remote(uint32_t src_l1, uint64_t dst) {
    sched_.check_aborted();
    noc_.semaphore_set_remote(src_l1, dst);
}

void KernelContext::semaphore_set_multicast(uint32_t src_l1, uint64_t dst, uint32_t num_dests, bool loopback) {
    sched_.check_aborted();
    noc_.semaphore_set_multicast(src_l1, dst, num_dests, loopback);
}

}  // namespace tensix_emu
