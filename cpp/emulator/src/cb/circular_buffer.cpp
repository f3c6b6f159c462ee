// SPDX-License-Identifier: Apache-2.0
//
// Room "cb": circular-buffer placement, protocol checks and accounting (see circular_buffer.hpp).
#include "cb/circular_buffer.hpp"

#include <algorithm>

#include "emu/emulator.hpp"
#include "kernel_failure.hpp"

namespace tensix_emu {

namespace {
uint64_t align_up64(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

void add_once(std::vector<const Fiber*>& v, const Fiber* f) {
    if (std::find(v.begin(), v.end(), f) == v.end()) {
        v.push_back(f);
    }
}
}  // namespace

std::string cb_name(int32_t cb) { return "c_" + std::to_string(cb); }

void CBState::note(const std::string& entry) {
    history.push_back(entry);
    if (history.size() > kHistory) {
        history.pop_front();
    }
}

void CBState::check_reserve(int32_t pages, const std::string& call) const {
    if (pages <= 0 || uint32_t(pages) > num_pages) {
        fail(call + ": reserves " + std::to_string(pages) + " pages but the CB holds only " +
             std::to_string(num_pages) + " pages (" + std::to_string(num_pages * page_size) + " B of " +
             std::to_string(page_size) + " B pages)");
    }
}

std::string CBState::describe_reserve_wait(int32_t pages, const std::string& call) const {
    return call + ": wants " + std::to_string(pages) + " free pages, " + std::to_string(num_pages - occupied()) +
           " free, capacity " + std::to_string(num_pages) + " pages";
}

void CBState::reserve(int32_t pages, const std::string& call) {
    // Checked once the space is there: a chunk that would run past the end of the CB overwrites the next
    // CB on silicon (tt-metal's CB pointers wrap only at the end, never inside a reserved chunk).
    if (wr_page + uint32_t(pages) > num_pages) {
        fail(call + ": the reserved chunk would cross the end of the CB (write page " + std::to_string(wr_page) +
             " + " + std::to_string(pages) + " > capacity " + std::to_string(num_pages) +
             " pages): capacity must be a multiple of the producer's chunk");
    }
    reserved = std::max(reserved, uint32_t(pages));
}

void CBState::check_push(int32_t pages, const std::string& call) const {
    if (pages <= 0 || uint32_t(pages) > reserved) {
        fail(call + ": pushes " + std::to_string(pages) + " pages but only " + std::to_string(reserved) +
             " are reserved (push without reserve)");
    }
}

void CBState::push(int32_t pages, const Fiber* by) {
    wr_page = (wr_page + uint32_t(pages)) % num_pages;
    pushed += uint32_t(pages);
    reserved -= uint32_t(pages);
    pack_ptr = 0;
    add_once(pushers, by);
}

void CBState::check_wait(int32_t pages, const std::string& call) const {
    if (pages <= 0 || uint32_t(pages) > num_pages) {
        fail(call + ": waits for " + std::to_string(pages) + " pages but the CB holds only " +
             std::to_string(num_pages) + " pages");
    }
}

std::string CBState::describe_front_wait(int32_t pages, const std::string& call) const {
    return call + ": wants " + std::to_string(pages) + " pages, " + std::to_string(occupied()) +
           " available, capacity " + std::to_string(num_pages) + " pages";
}

void CBState::wait(int32_t pages, const std::string& call) {
    if (rd_page + uint32_t(pages) > num_pages) {
        fail(call + ": the waited chunk would cross the end of the CB (read page " + std::to_string(rd_page) +
             " + " + std::to_string(pages) + " > capacity " + std::to_string(num_pages) +
             " pages): capacity must be a multiple of the chunk");
    }
    waited = std::max(waited, uint32_t(pages));
}

void CBState::check_pop(int32_t pages, const std::string& call) const {
    if (pages <= 0 || uint32_t(pages) > waited) {
        fail(call + ": pops " + std::to_string(pages) + " pages but waited for only " + std::to_string(waited) +
             " (pop beyond what was waited for)");
    }
}

void CBState::pop(int32_t pages, const Fiber* by) {
    rd_page = (rd_page + uint32_t(pages)) % num_pages;
    popped += uint32_t(pages);
    waited -= uint32_t(pages);
    add_once(poppers, by);
}

CBState& CoreCBs::at(int32_t idx, const char* call) {
    if (idx < 0 || idx >= int32_t(kNumCBs)) {
        fail(std::string(call) + "(" + std::to_string(idx) + "): CB index out of range 0..31");
    }
    CBState& c = cb[idx];
    if (!c.configured) {
        fail(std::string(call) + "(" + cb_name(idx) + "): circular buffer " + cb_name(idx) +
             " is not configured on core (" + std::to_string(coord.x) + "," + std::to_string(coord.y) + ")");
    }
    return c;
}

void CoreCBs::place(const std::vector<tt::tt_metal::CBDescriptor>& cbs, const tt_metal_mirror::ArchParams& arch) {
    uint32_t next = arch.l1_unreserved_base;
    for (const auto& d : cbs) {
        if (!d.core_ranges.contains(coord)) {
            continue;
        }
        next = static_cast<uint32_t>(align_up64(next, arch.l1_alignment));
        for (const auto& f : d.format_descriptors) {
            if (f.buffer_index >= kNumCBs) {
                throw EmulatorError("CB buffer_index " + std::to_string(f.buffer_index) + " is out of range 0..31");
            }
            if (f.page_size == 0 || d.total_size % f.page_size != 0) {
                throw EmulatorError(cb_name(f.buffer_index) + ": total_size " + std::to_string(d.total_size) +
                                    " B is not a multiple of page_size " + std::to_string(f.page_size) + " B");
            }
            CBState& c = cb[f.buffer_index];
            if (c.configured) {
                throw EmulatorError(cb_name(f.buffer_index) + " is configured twice on core (" +
                                    std::to_string(coord.x) + "," + std::to_string(coord.y) + ")");
            }
            c.configured = true;
            c.format = f.data_format;
            c.base = next;
            c.page_size = f.page_size;
            c.num_pages = d.total_size / f.page_size;
        }
        next += d.total_size;
    }
    if (next > arch.l1_size) {
        throw EmulatorError("circular buffers need " + std::to_string(next - arch.l1_unreserved_base) +
                            " B of L1 on core (" + std::to_string(coord.x) + "," + std::to_string(coord.y) +
                            "), above the " + std::to_string(arch.l1_size - arch.l1_unreserved_base) +
                            " B free above the reserved base " + std::to_string(arch.l1_unreserved_base) + " of " +
                            std::to_string(arch.l1_size) + " B " + arch.name + " L1");
    }
    end = next;
}

void CoreCBs::leftover_warnings(std::vector<std::string>& out) const {
    for (uint32_t i = 0; i < kNumCBs; ++i) {
        const CBState& c = cb[i];
        if (c.configured && c.occupied() != 0) {
            out.push_back(cb_name(int32_t(i)) + " on core (" + std::to_string(coord.x) + "," +
                          std::to_string(coord.y) + ") holds " + std::to_string(c.occupied()) +
                          " pages at program end (pushed " + std::to_string(c.pushed) + ", popped " +
                          std::to_string(c.popped) + ")");
        }
    }
}

}  // namespace tensix_emu
