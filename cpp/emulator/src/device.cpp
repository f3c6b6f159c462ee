// SPDX-License-Identifier: Apache-2.0
//
// The host Tensix emulator's runtime: interleaved DRAM, per-core L1 with circular buffers at real
// addresses, one thread per kernel per core, the kernel API (KernelApi) with strict checks, DST and
// tile math, and deterministic deadlock detection.
//
// Concurrency model: all CB state of a run lives under one mutex. A kernel that must wait records a
// predicate and a description, then sleeps on the run's condition variable. Before sleeping (and when a
// kernel finishes) the run checks whether every live kernel is blocked with a false predicate; since only
// a running kernel can change CB state, that is an exact deadlock test, reported at once.
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "emu/emulator.hpp"
#include "emu/kernel_iface.hpp"
#include "jit.hpp"
#include "numerics.hpp"

namespace tensix_emu {

using layernorm_fused_rm::CoreCoord;
using layernorm_fused_rm::DataFormat;
using layernorm_fused_rm::KernelDescriptor;
using layernorm_fused_rm::ProgramDescriptor;

namespace {

constexpr uint32_t kNumCBs = 32;
constexpr uint32_t kDramBase = 64 * 1024;  // first bank-local address handed out
constexpr uint64_t kDramTag = 1ull << 63;
constexpr uint64_t kL1Tag = 1ull << 62;
constexpr size_t kHistory = 8;

uint64_t align_up64(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

std::string cb_name(int32_t cb) { return "c_" + std::to_string(cb); }

struct DramBuffer {
    uint32_t address = 0;
    uint64_t size = 0;
    uint32_t page_size = 0;
    uint32_t aligned_page = 0;
    uint64_t num_pages = 0;
    uint64_t bank_bytes = 0;  // bytes reserved in every bank
};

}  // namespace

// ----------------------------------------------------------------------------------------------------
// Device (DRAM + L1 backing)
// ----------------------------------------------------------------------------------------------------
class DeviceImpl {
public:
    explicit DeviceImpl(const ArchParams& a) : arch(a), banks(a.num_dram_banks) {}
    ~DeviceImpl() {
        for (auto& [idx, p] : l1) {
            ::munmap(p, arch.l1_size);
        }
    }

    ArchParams arch;
    std::vector<std::vector<uint8_t>> banks;
    std::map<uint32_t, DramBuffer> buffers;
    uint64_t next_addr = kDramBase;
    std::map<uint32_t, uint8_t*> l1;  // core index -> L1 backing (mapped below 4 GiB)
    std::mutex run_mutex;             // one program at a time per device

    uint8_t* bank_ptr(uint32_t bank, uint64_t offset, uint64_t size) {
        auto& b = banks.at(bank);
        if (b.size() < offset + size) {
            b.resize(offset + size, 0);
        }
        return b.data() + offset;
    }

    const DramBuffer* find_buffer(uint32_t bank, uint64_t offset, uint64_t size) const {
        auto it = buffers.upper_bound(static_cast<uint32_t>(std::min<uint64_t>(offset, 0xffffffffu)));
        if (it == buffers.begin()) {
            return nullptr;
        }
        --it;
        const DramBuffer& b = it->second;
        const uint64_t pages_here = b.num_pages / arch.num_dram_banks + (bank < b.num_pages % arch.num_dram_banks ? 1 : 0);
        const uint64_t end = b.address + pages_here * b.aligned_page;
        if (offset >= b.address && offset + size <= end) {
            return &b;
        }
        return nullptr;
    }

    uint8_t* core_l1(uint32_t core_index) {
        auto it = l1.find(core_index);
        if (it != l1.end()) {
            return it->second;
        }
        void* p = ::mmap(nullptr, arch.l1_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (p == MAP_FAILED || reinterpret_cast<uintptr_t>(p) + arch.l1_size > 0xffffffffull) {
            throw EmulatorError("emulator: cannot map a core's L1 below 4 GiB (kernels use 32-bit L1 addresses)");
        }
        l1[core_index] = static_cast<uint8_t*>(p);
        return static_cast<uint8_t*>(p);
    }

    RunStats run(const ProgramDescriptor& program, const RunOptions& options);
};

// ----------------------------------------------------------------------------------------------------
// One run of a program
// ----------------------------------------------------------------------------------------------------
namespace {

struct CBState {
    bool configured = false;
    DataFormat format = DataFormat::Float16_b;
    uint32_t base = 0;  // L1 offset
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    uint64_t pushed = 0;
    uint64_t popped = 0;
    uint32_t rd_page = 0;
    uint32_t wr_page = 0;
    uint32_t reserved = 0;  // pages reserved by the producer, not yet pushed
    uint32_t waited = 0;    // pages the consumer waited for, not yet popped
    uint32_t pack_ptr = 0;  // tiles packed sequentially since the last push
    std::deque<std::string> history;
    uint32_t occupied() const { return static_cast<uint32_t>(pushed - popped); }
};

struct Core {
    uint32_t index = 0;
    CoreCoord coord;
    uint8_t* l1 = nullptr;
    CBState cbs[kNumCBs];
    uint32_t cb_end = 0;  // L1 offset one past the last CB
};

enum class DstState { Idle, Acquired, Committed, Waited };
enum class UnpackMode { None, Tilize, Reduce, Binary, Copy };

class Run;

class KernelContext final : public KernelApi {
public:
    KernelContext(Run& run, Core& core, const KernelDescriptor& k, std::string name)
        : run_(run), core_(core), k_(k), name_(std::move(name)) {
        if (const auto* cc = std::get_if<layernorm_fused_rm::ComputeConfigDescriptor>(&k.config)) {
            compute_ = true;
            fp32_dest_ = cc->fp32_dest_acc_en;
            dst_capacity_ = (cc->dst_full_sync_en ? 16u : 8u) / (cc->fp32_dest_acc_en ? 2u : 1u);
        }
        const auto* rt = k.runtime_args_of(core.coord);
        if (rt) {
            rt_args_ = *rt;
        }
        std::memset(dst_, 0, sizeof dst_);
    }

    const std::string& name() const { return name_; }
    // -- state read by the run under its mutex --
    bool done = false;
    bool blocked = false;
    std::function<bool()> unblock_pred;
    std::function<std::string()> blocked_on;  // evaluated when a report is written, so its counts are current
    std::deque<std::string> history;

    // ---- KernelApi ----
    uint32_t get_arg(uint32_t idx, const char* call) override;
    uint32_t get_common_arg(uint32_t idx, const char* call) override;
    uint32_t my_x() override { return core_.coord.x; }
    uint32_t my_y() override { return core_.coord.y; }
    void cb_reserve_back(int32_t cb, int32_t pages) override;
    void cb_push_back(int32_t cb, int32_t pages) override;
    void cb_wait_front(int32_t cb, int32_t pages) override;
    void cb_pop_front(int32_t cb, int32_t pages) override;
    uint32_t get_write_ptr(int32_t cb) override;
    uint32_t get_read_ptr(int32_t cb) override;
    uint32_t num_dram_banks() override;
    uint32_t dram_alignment() override;
    uint64_t dram_noc_addr(uint32_t bank_id, uint32_t bank_offset) override;
    uint64_t l1_noc_addr(uint32_t x, uint32_t y, uint32_t l1_addr) override;
    void noc_read(uint64_t src, uint32_t dst_l1, uint32_t size) override;
    void noc_write(uint32_t src_l1, uint64_t dst, uint32_t size) override;
    void noc_read_barrier() override { pending_reads_ = 0; }
    void noc_write_barrier() override { pending_writes_ = 0; }
    void hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) override;
    void tilize_init(uint32_t icb, uint32_t block, uint32_t ocb) override;
    void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t in_tile, uint32_t out_tile) override;
    void tilize_uninit(uint32_t icb, uint32_t ocb) override;
    void pack_untilize_init(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, bool from_dest) override;
    void pack_untilize_dest(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, uint32_t block_rt,
                            uint32_t block_c_index) override;
    void pack_untilize_block(uint32_t block_ct, uint32_t full_ct, uint32_t icb, uint32_t block_rt, uint32_t ocb,
                             uint32_t block_c_index) override;
    void pack_untilize_uninit(uint32_t ocb) override;
    void reduce_init(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t ocb) override;
    void reduce_tile(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t itile,
                     uint32_t itile_scaler, uint32_t idst) override;
    void reduce_uninit() override;
    void binary_init(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, const char* call) override;
    void binary_tiles(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1,
                      uint32_t idst, const char* call) override;
    void copy_init(uint32_t icb) override;
    void copy_tile(uint32_t icb, uint32_t itile, uint32_t idst) override;
    void sfpu_init(SfpuOp op) override;
    void sfpu_op(SfpuOp op, uint32_t idst, uint32_t param_bits, const char* call) override;
    void tile_regs_acquire() override;
    void tile_regs_commit() override;
    void tile_regs_wait() override;
    void tile_regs_release() override;
    void pack_tile(uint32_t idst, uint32_t ocb, uint32_t out_tile, bool out_of_order) override;
    void unsupported(const char* what) override;

    uint64_t tiles_packed = 0;

private:
    [[noreturn]] void fail(const std::string& msg);
    CBState& cb(int32_t idx, const char* call);
    void check_aborted();
    void record(CBState& c, const std::string& op);
    // Sleeps until pred() holds (lk held on entry and exit). Before sleeping, records what this kernel waits
    // for and asks the run whether every kernel is now blocked (then the run reports the deadlock).
    template <typename Pred, typename Describe>
    void block_until(std::unique_lock<std::mutex>& lk, Pred pred, Describe describe);
    uint8_t* l1_ptr(uint32_t l1_offset) { return core_.l1 + l1_offset; }
    uint32_t visible_addr(uint32_t l1_offset) const {
        return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(core_.l1) + l1_offset);
    }
    // compute helpers
    void require_compute(const char* call);
    void require_started(const char* call);
    void require_dst(DstState s, const char* call);
    void require_dst_index(uint32_t idst, const char* call);
    void read_tile(uint32_t icb, uint32_t itile, float* out, const char* call);
    float round_dest(float v) const { return fp32_dest_ ? v : round_to_bf16(v); }
    uint8_t* reserved_page_ptr(CBState& c, uint32_t page);

    Run& run_;
    Core& core_;
    const KernelDescriptor& k_;
    std::string name_;
    std::vector<uint32_t> rt_args_;
    uint32_t pending_reads_ = 0;
    uint32_t pending_writes_ = 0;

    // compute state
    bool compute_ = false;
    bool fp32_dest_ = false;
    uint32_t dst_capacity_ = 8;
    bool started_ = false;
    DstState dst_state_ = DstState::Idle;
    float dst_[16][1024];
    UnpackMode mode_ = UnpackMode::None;
    uint32_t mode_icb0_ = 0, mode_icb1_ = 0, mode_ocb_ = 0, mode_block_ = 0;
    BinaryOp bin_op_ = BinaryOp::ADD;
    BcastDim bin_bcast_ = BcastDim::NONE;
    PoolType red_type_ = PoolType::SUM;
    ReduceDim red_dim_ = ReduceDim::REDUCE_ROW;
    bool reduce_mask_ = false;
    uint32_t reduce_ocb_ = 0;
    bool sfpu_inited_[8] = {};
    bool untilize_active_ = false;
    bool untilize_from_dest_ = false;
    uint32_t untilize_block_ct_ = 0, untilize_full_ct_ = 0, untilize_ocb_ = 0;
};

class Run {
public:
    Run(DeviceImpl& dev, const ProgramDescriptor& prog, const RunOptions& opts) : dev(dev), prog(prog), opts(opts) {}

    DeviceImpl& dev;
    const ProgramDescriptor& prog;
    const RunOptions& opts;
    std::mutex m;
    std::condition_variable cv;
    std::vector<std::unique_ptr<Core>> cores;
    std::vector<std::unique_ptr<KernelContext>> kernels;
    std::atomic<bool> aborted{false};
    std::string error;
    bool deadlock = false;
    RunStats stats;

    // Called with m held. Returns true (and records the report) if every live kernel is blocked.
    bool check_deadlock_locked() {
        bool any_live = false;
        for (const auto& k : kernels) {
            if (k->done) {
                continue;
            }
            any_live = true;
            if (!k->blocked || k->unblock_pred()) {
                return false;
            }
        }
        if (!any_live || aborted) {
            return false;
        }
        std::ostringstream os;
        os << "deadlock: every kernel of the program is blocked and none can make progress\n";
        for (const auto& k : kernels) {
            os << "  " << k->name() << ": ";
            if (k->done) {
                os << "finished\n";
            } else {
                os << "blocked in " << k->blocked_on() << "\n";
            }
            if (!k->history.empty()) {
                os << "    last CB operations:";
                for (const auto& h : k->history) {
                    os << " " << h << ";";
                }
                os << "\n";
            }
        }
        error = os.str();
        deadlock = true;
        aborted = true;
        cv.notify_all();
        return true;
    }

    void fail_locked(const std::string& msg) {
        if (!aborted) {
            error = msg;
            aborted = true;
        }
        cv.notify_all();
    }
};

struct AbortSignal {};  // unwinds a kernel thread after another kernel failed
struct KernelFailure {  // a rule violation by this kernel
    std::string message;
};

// ---- KernelContext: infrastructure ----

void KernelContext::fail(const std::string& msg) {
    // Thrown, not recorded here: the caller may hold the run's mutex; the thread's top level records it.
    throw KernelFailure{name_ + ": " + msg};
}

void KernelContext::check_aborted() {
    if (run_.aborted) {
        throw AbortSignal{};
    }
}

CBState& KernelContext::cb(int32_t idx, const char* call) {
    if (idx < 0 || idx >= int32_t(kNumCBs)) {
        fail(std::string(call) + "(" + std::to_string(idx) + "): CB index out of range 0..31");
    }
    CBState& c = core_.cbs[idx];
    if (!c.configured) {
        fail(std::string(call) + "(" + cb_name(idx) + "): circular buffer " + cb_name(idx) +
             " is not configured on core (" + std::to_string(core_.coord.x) + "," + std::to_string(core_.coord.y) +
             ")");
    }
    return c;
}

void KernelContext::record(CBState& c, const std::string& op) {
    c.history.push_back(name_ + " " + op);
    if (c.history.size() > kHistory) {
        c.history.pop_front();
    }
    history.push_back(op);
    if (history.size() > kHistory) {
        history.pop_front();
    }
}

template <typename Pred, typename Describe>
void KernelContext::block_until(std::unique_lock<std::mutex>& lk, Pred pred, Describe describe) {
    if (pred()) {
        return;
    }
    blocked = true;
    unblock_pred = pred;
    blocked_on = describe;
    if (!run_.check_deadlock_locked()) {
        run_.cv.wait(lk, [&] { return run_.aborted || pred(); });
    }
    blocked = false;
    blocked_on = nullptr;  // it refers to this frame's locals
    unblock_pred = nullptr;
    if (run_.aborted) {
        throw AbortSignal{};
    }
}

uint32_t KernelContext::get_arg(uint32_t idx, const char* call) {
    check_aborted();
    if (idx >= rt_args_.size()) {
        fail(std::string(call) + "(" + std::to_string(idx) + "): the kernel has only " + std::to_string(rt_args_.size()) +
             " runtime args on this core");
    }
    return rt_args_[idx];
}

uint32_t KernelContext::get_common_arg(uint32_t idx, const char* call) {
    check_aborted();
    if (idx >= k_.common_runtime_args.size()) {
        fail(std::string(call) + "(" + std::to_string(idx) + "): the kernel has only " +
             std::to_string(k_.common_runtime_args.size()) + " common runtime args");
    }
    return k_.common_runtime_args[idx];
}

// ---- circular buffers ----

void KernelContext::cb_reserve_back(int32_t idx, int32_t pages) {
    std::unique_lock<std::mutex> lk(run_.m);
    if (run_.aborted) {
        throw AbortSignal{};
    }
    CBState& c = cb(idx, "cb_reserve_back");
    const std::string call = "cb_reserve_back(" + cb_name(idx) + ", " + std::to_string(pages) + ")";
    if (pages <= 0 || uint32_t(pages) > c.num_pages) {
        lk.unlock();
        fail(call + ": reserves " + std::to_string(pages) + " pages but the CB holds only " +
             std::to_string(c.num_pages) + " pages (" + std::to_string(c.num_pages * c.page_size) + " B of " +
             std::to_string(c.page_size) + " B pages)");
    }
    record(c, call);
    block_until(lk, [&c, pages] { return c.num_pages - c.occupied() >= uint32_t(pages); }, [&] {
        return call + ": wants " + std::to_string(pages) + " free pages, " + std::to_string(c.num_pages - c.occupied()) +
               " free, capacity " + std::to_string(c.num_pages) + " pages";
    });
    // Checked once the space is there: a chunk that would run past the end of the CB overwrites the next
    // CB on silicon (tt-metal's CB pointers wrap only at the end, never inside a reserved chunk).
    if (c.wr_page + uint32_t(pages) > c.num_pages) {
        fail(call + ": the reserved chunk would cross the end of the CB (write page " + std::to_string(c.wr_page) +
             " + " + std::to_string(pages) + " > capacity " + std::to_string(c.num_pages) +
             " pages): capacity must be a multiple of the producer's chunk");
    }
    c.reserved = std::max(c.reserved, uint32_t(pages));
}

void KernelContext::cb_push_back(int32_t idx, int32_t pages) {
    std::unique_lock<std::mutex> lk(run_.m);
    if (run_.aborted) {
        throw AbortSignal{};
    }
    CBState& c = cb(idx, "cb_push_back");
    const std::string call = "cb_push_back(" + cb_name(idx) + ", " + std::to_string(pages) + ")";
    if (pages <= 0 || uint32_t(pages) > c.reserved) {
        lk.unlock();
        fail(call + ": pushes " + std::to_string(pages) + " pages but only " + std::to_string(c.reserved) +
             " are reserved (push without reserve)");
    }
    if (pending_reads_ > 0) {
        lk.unlock();
        fail(call + ": " + std::to_string(pending_reads_) +
             " NOC reads into L1 were issued without noc_async_read_barrier() before the push");
    }
    record(c, call);
    c.wr_page = (c.wr_page + uint32_t(pages)) % c.num_pages;
    c.pushed += uint32_t(pages);
    c.reserved -= uint32_t(pages);
    c.pack_ptr = 0;
    run_.cv.notify_all();
}

void KernelContext::cb_wait_front(int32_t idx, int32_t pages) {
    std::unique_lock<std::mutex> lk(run_.m);
    if (run_.aborted) {
        throw AbortSignal{};
    }
    CBState& c = cb(idx, "cb_wait_front");
    const std::string call = "cb_wait_front(" + cb_name(idx) + ", " + std::to_string(pages) + ")";
    if (pages <= 0 || uint32_t(pages) > c.num_pages) {
        lk.unlock();
        fail(call + ": waits for " + std::to_string(pages) + " pages but the CB holds only " +
             std::to_string(c.num_pages) + " pages");
    }
    record(c, call);
    block_until(lk, [&c, pages] { return c.occupied() >= uint32_t(pages); }, [&] {
        return call + ": wants " + std::to_string(pages) + " pages, " + std::to_string(c.occupied()) +
               " available, capacity " + std::to_string(c.num_pages) + " pages";
    });
    if (c.rd_page + uint32_t(pages) > c.num_pages) {
        fail(call + ": the waited chunk would cross the end of the CB (read page " + std::to_string(c.rd_page) +
             " + " + std::to_string(pages) + " > capacity " + std::to_string(c.num_pages) +
             " pages): capacity must be a multiple of the chunk");
    }
    c.waited = std::max(c.waited, uint32_t(pages));
}

void KernelContext::cb_pop_front(int32_t idx, int32_t pages) {
    std::unique_lock<std::mutex> lk(run_.m);
    if (run_.aborted) {
        throw AbortSignal{};
    }
    CBState& c = cb(idx, "cb_pop_front");
    const std::string call = "cb_pop_front(" + cb_name(idx) + ", " + std::to_string(pages) + ")";
    if (pages <= 0 || uint32_t(pages) > c.waited) {
        lk.unlock();
        fail(call + ": pops " + std::to_string(pages) + " pages but waited for only " + std::to_string(c.waited) +
             " (pop beyond what was waited for)");
    }
    if (pending_writes_ > 0) {
        lk.unlock();
        fail(call + ": " + std::to_string(pending_writes_) +
             " NOC writes from this CB were issued without noc_async_write_barrier() before the pop");
    }
    record(c, call);
    c.rd_page = (c.rd_page + uint32_t(pages)) % c.num_pages;
    c.popped += uint32_t(pages);
    c.waited -= uint32_t(pages);
    run_.cv.notify_all();
}

uint32_t KernelContext::get_write_ptr(int32_t idx) {
    std::lock_guard<std::mutex> lk(run_.m);
    CBState& c = cb(idx, "get_write_ptr");
    return visible_addr(c.base + c.wr_page * c.page_size);
}

uint32_t KernelContext::get_read_ptr(int32_t idx) {
    std::lock_guard<std::mutex> lk(run_.m);
    CBState& c = cb(idx, "get_read_ptr");
    return visible_addr(c.base + c.rd_page * c.page_size);
}

// ---- NOC ----

uint32_t KernelContext::num_dram_banks() { return run_.dev.arch.num_dram_banks; }
uint32_t KernelContext::dram_alignment() { return run_.dev.arch.dram_alignment; }

uint64_t KernelContext::dram_noc_addr(uint32_t bank_id, uint32_t bank_offset) {
    if (bank_id >= run_.dev.arch.num_dram_banks) {
        fail("DRAM bank " + std::to_string(bank_id) + " does not exist (" +
             std::to_string(run_.dev.arch.num_dram_banks) + " banks)");
    }
    return kDramTag | (uint64_t(bank_id) << 40) | bank_offset;
}

uint64_t KernelContext::l1_noc_addr(uint32_t x, uint32_t y, uint32_t l1_addr) {
    return kL1Tag | (uint64_t(x & 0xff) << 48) | (uint64_t(y & 0xff) << 40) | l1_addr;
}

void KernelContext::noc_read(uint64_t src, uint32_t dst_l1, uint32_t size) {
    check_aborted();
    const auto& arch = run_.dev.arch;
    const uintptr_t base = reinterpret_cast<uintptr_t>(core_.l1);
    if (dst_l1 < base + arch.l1_unreserved_base || uint64_t(dst_l1) + size > base + core_.cb_end) {
        fail("noc_async_read: destination L1 [" + std::to_string(dst_l1 - base) + ", +" + std::to_string(size) +
             ") is outside the circular-buffer region [" + std::to_string(arch.l1_unreserved_base) + ", " +
             std::to_string(core_.cb_end) + ")");
    }
    if (src & kDramTag) {
        const uint32_t bank = uint32_t((src >> 40) & 0xff);
        const uint64_t off = src & 0xffffffffffull;
        if (off % arch.dram_alignment != 0) {
            fail("noc_async_read: DRAM address " + std::to_string(off) + " in bank " + std::to_string(bank) +
                 " is not " + std::to_string(arch.dram_alignment) + "-byte aligned");
        }
        std::lock_guard<std::mutex> lk(run_.m);
        const DramBuffer* b = run_.dev.find_buffer(bank, off, size);
        if (!b) {
            fail("noc_async_read: DRAM bank " + std::to_string(bank) + " [" + std::to_string(off) +
                             ", +" + std::to_string(size) + ") is not inside any allocated buffer");
        }
        std::memcpy(l1_ptr(uint32_t(dst_l1 - base)), run_.dev.bank_ptr(bank, off, size), size);
        run_.stats.dram_bytes_read += size;
        run_.stats.dram_bytes_read_per_buffer[b->address] += size;
        run_.stats.noc_transactions += 1;
    } else {
        fail("noc_async_read: only DRAM sources are implemented (source NOC address " + std::to_string(src) + ")");
    }
    ++pending_reads_;
}

void KernelContext::noc_write(uint32_t src_l1, uint64_t dst, uint32_t size) {
    check_aborted();
    const auto& arch = run_.dev.arch;
    const uintptr_t base = reinterpret_cast<uintptr_t>(core_.l1);
    if (src_l1 < base + arch.l1_unreserved_base || uint64_t(src_l1) + size > base + core_.cb_end) {
        fail("noc_async_write: source L1 [" + std::to_string(src_l1 - base) + ", +" + std::to_string(size) +
             ") is outside the circular-buffer region");
    }
    if (dst & kDramTag) {
        const uint32_t bank = uint32_t((dst >> 40) & 0xff);
        const uint64_t off = dst & 0xffffffffffull;
        if (off % arch.dram_alignment != 0) {
            fail("noc_async_write: DRAM address " + std::to_string(off) + " in bank " + std::to_string(bank) +
                 " is not " + std::to_string(arch.dram_alignment) + "-byte aligned");
        }
        std::lock_guard<std::mutex> lk(run_.m);
        const DramBuffer* b = run_.dev.find_buffer(bank, off, size);
        if (!b) {
            fail("noc_async_write: DRAM bank " + std::to_string(bank) + " [" +
                             std::to_string(off) + ", +" + std::to_string(size) + ") is not inside any allocated buffer");
        }
        std::memcpy(run_.dev.bank_ptr(bank, off, size), l1_ptr(uint32_t(src_l1 - base)), size);
        run_.stats.dram_bytes_written += size;
        run_.stats.dram_bytes_written_per_buffer[b->address] += size;
        run_.stats.noc_transactions += 1;
    } else {
        fail("noc_async_write: only DRAM destinations are implemented");
    }
    ++pending_writes_;
}

// ---- compute: checks ----

void KernelContext::require_compute(const char* call) {
    check_aborted();
    if (!compute_) {
        fail(std::string(call) + ": compute API called from a dataflow kernel");
    }
}

void KernelContext::require_started(const char* call) {
    require_compute(call);
    if (!started_) {
        fail(std::string(call) + " before compute_kernel_hw_startup(): the unpacker, math and packer are not configured");
    }
}

void KernelContext::require_dst(DstState s, const char* call) {
    if (dst_state_ != s) {
        static const char* names[] = {"released (no tile_regs_acquire)", "acquired (math)",
                                      "committed (tile_regs_commit, no tile_regs_wait)", "waited (pack)"};
        fail(std::string(call) + ": DST is " + names[int(dst_state_)] + ", this call needs it " + names[int(s)]);
    }
}

void KernelContext::require_dst_index(uint32_t idst, const char* call) {
    if (idst >= dst_capacity_) {
        fail(std::string(call) + ": DST index " + std::to_string(idst) + " is beyond the " +
             std::to_string(dst_capacity_) + " tiles DST holds in this mode (" + (fp32_dest_ ? "fp32" : "16-bit") +
             " DEST, half-sync)");
    }
}

void KernelContext::read_tile(uint32_t icb, uint32_t itile, float* out, const char* call) {
    std::lock_guard<std::mutex> lk(run_.m);
    CBState& c = cb(int32_t(icb), call);
    if (itile >= c.waited) {
        fail(std::string(call) + ": reads tile " + std::to_string(itile) + " of " + cb_name(int32_t(icb)) +
                         " but only " + std::to_string(c.waited) + " pages were waited for (cb_wait_front)");
    }
    if (c.rd_page + itile >= c.num_pages) {
        fail(std::string(call) + ": tile " + std::to_string(itile) + " of " + cb_name(int32_t(icb)) +
                         " lies past the end of the CB (read page " + std::to_string(c.rd_page) + ", capacity " +
                         std::to_string(c.num_pages) + ")");
    }
    if (c.page_size < layernorm_fused_rm::tile_size(c.format)) {
        fail(std::string(call) + ": " + cb_name(int32_t(icb)) + " has " + std::to_string(c.page_size) +
                         " B pages, smaller than one " + layernorm_fused_rm::to_string(c.format) + " tile (" +
                         std::to_string(layernorm_fused_rm::tile_size(c.format)) + " B)");
    }
    load_tile(l1_ptr(c.base + (c.rd_page + itile) * c.page_size), c.format, out);
}

uint8_t* KernelContext::reserved_page_ptr(CBState& c, uint32_t page) {
    return l1_ptr(c.base + (c.wr_page + page) * c.page_size);
}

// ---- compute: configuration ----

void KernelContext::hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) {
    require_compute("compute_kernel_hw_startup");
    std::lock_guard<std::mutex> lk(run_.m);
    cb(int32_t(icb0), "compute_kernel_hw_startup");
    cb(int32_t(icb1), "compute_kernel_hw_startup");
    cb(int32_t(ocb), "compute_kernel_hw_startup");
    started_ = true;
}

void KernelContext::tilize_init(uint32_t icb, uint32_t block, uint32_t ocb) {
    require_started("tilize_init");
    if (untilize_active_) {
        fail("tilize_init: pack_untilize is still initialised on " + cb_name(int32_t(untilize_ocb_)) +
             " (call pack_untilize_uninit first)");
    }
    if (mode_ == UnpackMode::Tilize) {
        fail("tilize_init: tilize is already initialised for " + cb_name(int32_t(mode_icb0_)) + " -> " +
             cb_name(int32_t(mode_ocb_)) + " (call tilize_uninit before re-initialising)");
    }
    mode_ = UnpackMode::Tilize;
    mode_icb0_ = icb;
    mode_ocb_ = ocb;
    mode_block_ = block;
}

void KernelContext::tilize_uninit(uint32_t icb, uint32_t ocb) {
    require_started("tilize_uninit");
    if (mode_ != UnpackMode::Tilize || mode_icb0_ != icb || mode_ocb_ != ocb) {
        fail("tilize_uninit(" + cb_name(int32_t(icb)) + ", " + cb_name(int32_t(ocb)) +
             "): tilize was not initialised for these CBs");
    }
    mode_ = UnpackMode::None;
}

void KernelContext::tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t in_tile, uint32_t out_tile) {
    const std::string call = "tilize_block(" + cb_name(int32_t(icb)) + ", " + std::to_string(block) + ", " +
                             cb_name(int32_t(ocb)) + ")";
    require_started(call.c_str());
    if (mode_ != UnpackMode::Tilize || mode_icb0_ != icb || mode_ocb_ != ocb) {
        fail(call + " without tilize_init for these CBs");
    }
    if (in_tile != 0 || out_tile != 0) {
        unsupported("tilize_block with non-zero tile indices");
    }
    require_dst(DstState::Idle, call.c_str());
    std::lock_guard<std::mutex> lk(run_.m);
    CBState& in = cb(int32_t(icb), call.c_str());
    CBState& out = cb(int32_t(ocb), call.c_str());
    const uint32_t ds = layernorm_fused_rm::datum_size(in.format);
    // The row-major block is 32 rows of `block` tiles' width; a page is one tile's worth of bytes.
    if (in.page_size != layernorm_fused_rm::tile_size(in.format)) {
        fail(call + ": input " + cb_name(int32_t(icb)) + " has " +
                         std::to_string(in.page_size) + " B pages but tilize_block counts tile-sized pages (" +
                         std::to_string(layernorm_fused_rm::tile_size(in.format)) +
                         " B): 32 sticks of `block` tiles' width must be `block` pages");
    }
    if (in.waited < block) {
        fail(call + ": reads " + std::to_string(block) + " pages of " +
                         cb_name(int32_t(icb)) + " but only " + std::to_string(in.waited) + " were waited for");
    }
    if (out.pack_ptr + block > out.reserved) {
        fail(call + ": packs " + std::to_string(block) + " tiles into " +
                         cb_name(int32_t(ocb)) + " but only " + std::to_string(out.reserved - out.pack_ptr) +
                         " reserved pages are left");
    }
    const uint8_t* src = l1_ptr(in.base + in.rd_page * in.page_size);
    const uint32_t row_elems = block * 32;
    float tile[1024];
    for (uint32_t t = 0; t < block; ++t) {
        for (uint32_t r = 0; r < 32; ++r) {
            for (uint32_t c = 0; c < 32; ++c) {
                tile[r * 32 + c] = round_dest(load_datum(src + (r * row_elems + t * 32 + c) * ds, in.format));
            }
        }
        store_tile(reserved_page_ptr(out, out.pack_ptr), out.format, tile);
        ++out.pack_ptr;
        ++tiles_packed;
    }
}

void KernelContext::pack_untilize_init(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, bool from_dest) {
    const char* call = from_dest ? "pack_untilize_dest_init" : "pack_untilize_init";
    require_started(call);
    if (mode_ == UnpackMode::Tilize) {
        fail(std::string(call) + ": tilize is still initialised (call tilize_uninit first)");
    }
    if (block_ct == 0 || block_ct > dst_capacity_) {
        fail(std::string(call) + "<" + std::to_string(block_ct) + ", " + std::to_string(full_ct) +
             ">: block width " + std::to_string(block_ct) + " tiles exceeds the DEST limit of " +
             std::to_string(dst_capacity_) + " tiles (" + (fp32_dest_ ? "fp32" : "16-bit") + " DEST, half-sync)");
    }
    if (full_ct % block_ct != 0) {
        fail(std::string(call) + "<" + std::to_string(block_ct) + ", " + std::to_string(full_ct) +
             ">: full width " + std::to_string(full_ct) + " is not a multiple of the block width " +
             std::to_string(block_ct));
    }
    untilize_active_ = true;
    untilize_from_dest_ = from_dest;
    untilize_block_ct_ = block_ct;
    untilize_full_ct_ = full_ct;
    untilize_ocb_ = ocb;
}

void KernelContext::pack_untilize_uninit(uint32_t ocb) {
    require_started("pack_untilize_uninit");
    if (!untilize_active_ || untilize_ocb_ != ocb) {
        fail("pack_untilize_uninit(" + cb_name(int32_t(ocb)) + "): pack_untilize was not initialised for this CB");
    }
    untilize_active_ = false;
}

void KernelContext::pack_untilize_dest(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, uint32_t block_rt,
                                       uint32_t block_c_index) {
    const std::string call = "pack_untilize_dest<" + std::to_string(block_ct) + ", " + std::to_string(full_ct) + ">(" +
                             cb_name(int32_t(ocb)) + ")";
    require_started(call.c_str());
    if (!untilize_active_ || !untilize_from_dest_ || untilize_block_ct_ != block_ct || untilize_full_ct_ != full_ct ||
        untilize_ocb_ != ocb) {
        fail(call + " without a matching pack_untilize_dest_init");
    }
    if (block_rt != 1) {
        unsupported("pack_untilize_dest with block_rt_dim != 1");
    }
    require_dst(DstState::Waited, call.c_str());
    if (block_c_index >= full_ct / block_ct) {
        fail(call + ": block index " + std::to_string(block_c_index) + " is beyond the " +
             std::to_string(full_ct / block_ct) + " blocks of the row");
    }
    std::lock_guard<std::mutex> lk(run_.m);
    CBState& out = cb(int32_t(ocb), call.c_str());
    if (out.reserved < full_ct) {
        fail(call + ": the untilized block spans " + std::to_string(full_ct) +
                         " pages of " + cb_name(int32_t(ocb)) + " but only " + std::to_string(out.reserved) +
                         " are reserved");
    }
    const uint32_t ds = layernorm_fused_rm::datum_size(out.format);
    uint8_t* dst = reserved_page_ptr(out, 0);
    const uint32_t row_elems = full_ct * 32;
    for (uint32_t t = 0; t < block_ct; ++t) {
        const uint32_t col0 = (block_c_index * block_ct + t) * 32;
        for (uint32_t r = 0; r < 32; ++r) {
            for (uint32_t c = 0; c < 32; ++c) {
                store_datum(dst + (r * row_elems + col0 + c) * ds, out.format, dst_[t][r * 32 + c]);
            }
        }
        ++tiles_packed;
    }
}

void KernelContext::pack_untilize_block(uint32_t block_ct, uint32_t full_ct, uint32_t icb, uint32_t block_rt,
                                        uint32_t ocb, uint32_t block_c_index) {
    (void)block_ct; (void)full_ct; (void)icb; (void)block_rt; (void)ocb; (void)block_c_index;
    unsupported("pack_untilize_block (the op untilizes from DEST with pack_untilize_dest)");
}

void KernelContext::reduce_init(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t ocb) {
    require_started("reduce_init");
    if (mode_ == UnpackMode::Tilize) {
        fail("reduce_init: tilize is still initialised (call tilize_uninit first)");
    }
    mode_ = UnpackMode::Reduce;
    mode_icb0_ = icb;
    mode_icb1_ = icb_scaler;
    red_type_ = type;
    red_dim_ = dim;
    reduce_mask_ = true;
    reduce_ocb_ = ocb;
}

void KernelContext::reduce_uninit() {
    require_started("reduce_uninit");
    reduce_mask_ = false;
    if (mode_ == UnpackMode::Reduce) {
        mode_ = UnpackMode::None;
    }
}

void KernelContext::reduce_tile(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t itile,
                                uint32_t itile_scaler, uint32_t idst) {
    const char* call = "reduce_tile";
    require_started(call);
    if (mode_ != UnpackMode::Reduce || mode_icb0_ != icb || mode_icb1_ != icb_scaler || red_type_ != type ||
        red_dim_ != dim) {
        fail(std::string("reduce_tile(") + cb_name(int32_t(icb)) + ", " + cb_name(int32_t(icb_scaler)) +
             ") without a matching reduce_init");
    }
    require_dst(DstState::Acquired, call);
    require_dst_index(idst, call);
    float a[1024], s[1024];
    read_tile(icb, itile, a, call);
    read_tile(icb_scaler, itile_scaler, s, call);
    float* d = dst_[idst];
    // Model: the scaler tile's row 0 (first row of faces 0 and 1) multiplies each column; REDUCE_ROW
    // writes each row's result to column 0 and accumulates into DST (reduce.h: "populate first row of
    // each face"; outputs in column 0 / row 0 / [0,0]). Products and the sum are float32.
    if (dim == ReduceDim::REDUCE_ROW) {
        for (uint32_t r = 0; r < 32; ++r) {
            float acc = type == PoolType::MAX ? -std::numeric_limits<float>::infinity() : 0.0f;
            for (uint32_t c = 0; c < 32; ++c) {
                const float v = a[r * 32 + c] * s[c];
                acc = type == PoolType::MAX ? std::max(acc, v) : acc + v;
            }
            d[r * 32] = round_dest(type == PoolType::MAX ? std::max(d[r * 32], acc) : d[r * 32] + acc);
        }
    } else if (dim == ReduceDim::REDUCE_COL) {
        for (uint32_t c = 0; c < 32; ++c) {
            float acc = type == PoolType::MAX ? -std::numeric_limits<float>::infinity() : 0.0f;
            for (uint32_t r = 0; r < 32; ++r) {
                const float v = a[r * 32 + c] * s[r];
                acc = type == PoolType::MAX ? std::max(acc, v) : acc + v;
            }
            d[c] = round_dest(type == PoolType::MAX ? std::max(d[c], acc) : d[c] + acc);
        }
    } else {
        float acc = 0.0f;
        for (uint32_t i = 0; i < 1024; ++i) {
            acc += a[i] * s[0];
        }
        d[0] = round_dest(d[0] + acc);
    }
}

void KernelContext::binary_init(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, const char* call) {
    require_started(call);
    if (mode_ == UnpackMode::Tilize) {
        fail(std::string(call) + ": tilize is still initialised (call tilize_uninit first)");
    }
    mode_ = UnpackMode::Binary;
    bin_op_ = op;
    bin_bcast_ = bcast;
    mode_icb0_ = icb0;
    mode_icb1_ = icb1;
}

void KernelContext::binary_tiles(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, uint32_t itile0,
                                 uint32_t itile1, uint32_t idst, const char* call) {
    require_started(call);
    if (mode_ != UnpackMode::Binary || bin_op_ != op || bin_bcast_ != bcast || mode_icb0_ != icb0 ||
        mode_icb1_ != icb1) {
        fail(std::string(call) + "(" + cb_name(int32_t(icb0)) + ", " + cb_name(int32_t(icb1)) +
             ") without its matching init (e.g. " + call + "'s *_init with the same CBs)");
    }
    require_dst(DstState::Acquired, call);
    require_dst_index(idst, call);
    float a[1024], b[1024];
    read_tile(icb0, itile0, a, call);
    read_tile(icb1, itile1, b, call);
    float* d = dst_[idst];
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            float bv;
            switch (bcast) {
                case BcastDim::ROW: bv = b[c]; break;        // row 0 of B broadcast down
                case BcastDim::COL: bv = b[r * 32]; break;   // column 0 of B broadcast across
                case BcastDim::SCALAR: bv = b[0]; break;
                default: bv = b[r * 32 + c];
            }
            const float av = a[r * 32 + c];
            const float v = op == BinaryOp::ADD ? av + bv : op == BinaryOp::SUB ? av - bv : av * bv;
            d[r * 32 + c] = round_dest(v);
        }
    }
}

void KernelContext::copy_init(uint32_t icb) {
    require_started("copy_init");
    if (mode_ == UnpackMode::Tilize) {
        fail("copy_init: tilize is still initialised (call tilize_uninit first)");
    }
    mode_ = UnpackMode::Copy;
    mode_icb0_ = icb;
}

void KernelContext::copy_tile(uint32_t icb, uint32_t itile, uint32_t idst) {
    require_started("copy_tile");
    if (mode_ != UnpackMode::Copy || mode_icb0_ != icb) {
        fail("copy_tile(" + cb_name(int32_t(icb)) + ") without copy_init for this CB");
    }
    require_dst(DstState::Acquired, "copy_tile");
    require_dst_index(idst, "copy_tile");
    float a[1024];
    read_tile(icb, itile, a, "copy_tile");
    for (uint32_t i = 0; i < 1024; ++i) {
        dst_[idst][i] = round_dest(a[i]);
    }
}

void KernelContext::sfpu_init(SfpuOp op) {
    require_started("SFPU *_tile_init");
    // add/sub/mul_unary_tile share binop_with_scalar_tile_init.
    if (op == SfpuOp::MUL_SCALAR || op == SfpuOp::ADD_SCALAR || op == SfpuOp::SUB_SCALAR) {
        sfpu_inited_[int(SfpuOp::MUL_SCALAR)] = sfpu_inited_[int(SfpuOp::ADD_SCALAR)] =
            sfpu_inited_[int(SfpuOp::SUB_SCALAR)] = true;
    } else {
        sfpu_inited_[int(op)] = true;
    }
}

void KernelContext::sfpu_op(SfpuOp op, uint32_t idst, uint32_t param_bits, const char* call) {
    require_started(call);
    if (!sfpu_inited_[int(op)]) {
        fail(std::string(call) + " without its *_tile_init");
    }
    require_dst(DstState::Acquired, call);
    require_dst_index(idst, call);
    const float p = bits_to_float(param_bits);
    float* d = dst_[idst];
    for (uint32_t i = 0; i < 1024; ++i) {
        const float x = d[i];
        float y;
        switch (op) {
            case SfpuOp::SQUARE: y = x * x; break;
            case SfpuOp::RSQRT: y = 1.0f / std::sqrt(x); break;  // exact model; silicon is an approximation
            case SfpuOp::MUL_SCALAR: y = x * p; break;
            case SfpuOp::ADD_SCALAR: y = x + p; break;
            case SfpuOp::SUB_SCALAR: y = x - p; break;
            case SfpuOp::RECIP: y = 1.0f / x; break;
            case SfpuOp::SQRT: y = std::sqrt(x); break;
            default: y = x;
        }
        d[i] = round_dest(y);
    }
}

// ---- compute: DST and packer ----

void KernelContext::tile_regs_acquire() {
    require_started("tile_regs_acquire");
    if (dst_state_ != DstState::Idle) {
        fail("tile_regs_acquire: DST is already acquired (acquire twice without tile_regs_release)");
    }
    dst_state_ = DstState::Acquired;
}

void KernelContext::tile_regs_commit() {
    require_started("tile_regs_commit");
    require_dst(DstState::Acquired, "tile_regs_commit");
    dst_state_ = DstState::Committed;
}

void KernelContext::tile_regs_wait() {
    require_started("tile_regs_wait");
    require_dst(DstState::Committed, "tile_regs_wait");
    dst_state_ = DstState::Waited;
}

void KernelContext::tile_regs_release() {
    require_started("tile_regs_release");
    require_dst(DstState::Waited, "tile_regs_release");
    // The packer clears the DEST section it has packed before handing it back to math.
    std::memset(dst_, 0, sizeof dst_);
    dst_state_ = DstState::Idle;
}

void KernelContext::pack_tile(uint32_t idst, uint32_t ocb, uint32_t out_tile, bool out_of_order) {
    const std::string call = "pack_tile(" + std::to_string(idst) + ", " + cb_name(int32_t(ocb)) + ")";
    require_started(call.c_str());
    require_dst(DstState::Waited, call.c_str());
    require_dst_index(idst, call.c_str());
    if (untilize_active_) {
        fail(call + ": pack_untilize is still initialised on " + cb_name(int32_t(untilize_ocb_)) +
             " (call pack_untilize_uninit before packing tiles)");
    }
    if (reduce_mask_ && ocb != reduce_ocb_) {
        fail(call + ": the reduce packer mask set by reduce_init for " + cb_name(int32_t(reduce_ocb_)) +
             " is still active (call reduce_uninit first)");
    }
    std::lock_guard<std::mutex> lk(run_.m);
    CBState& out = cb(int32_t(ocb), call.c_str());
    const uint32_t pos = out_of_order ? out_tile : out.pack_ptr;
    if (pos >= out.reserved) {
        fail(call + ": writes tile " + std::to_string(pos) + " of " + cb_name(int32_t(ocb)) +
                         " but only " + std::to_string(out.reserved) + " pages are reserved (cb_reserve_back)");
    }
    float t[1024];
    std::memcpy(t, dst_[idst], sizeof t);
    if (reduce_mask_) {
        for (uint32_t r = 0; r < 32; ++r) {
            for (uint32_t c = 0; c < 32; ++c) {
                const bool keep = red_dim_ == ReduceDim::REDUCE_ROW ? c == 0
                                  : red_dim_ == ReduceDim::REDUCE_COL ? r == 0
                                                                       : (r == 0 && c == 0);
                if (!keep) {
                    t[r * 32 + c] = 0.0f;
                }
            }
        }
    }
    store_tile(reserved_page_ptr(out, pos), out.format, t);
    if (!out_of_order) {
        ++out.pack_ptr;
    }
    ++tiles_packed;
}

void KernelContext::unsupported(const char* what) { fail(std::string("not implemented by the emulator: ") + what); }

std::string kernel_label(const KernelDescriptor& k, const CoreCoord& c) {
    const char* role = k.is_compute() ? "compute" : k.is_reader() ? "reader" : "writer";
    return std::string(role) + " " + std::filesystem::path(k.kernel_source).filename().string() + " @ core (" +
           std::to_string(c.x) + "," + std::to_string(c.y) + ")";
}

}  // namespace

// ----------------------------------------------------------------------------------------------------
// DeviceImpl::run
// ----------------------------------------------------------------------------------------------------
RunStats DeviceImpl::run(const ProgramDescriptor& program, const RunOptions& options) {
    std::lock_guard<std::mutex> run_lock(run_mutex);
    Run run(*this, program, options);

    // Cores: every core any kernel runs on.
    std::map<std::pair<uint32_t, uint32_t>, Core*> core_map;
    for (const auto& k : program.kernels) {
        for (const auto& c : k.core_ranges.cores()) {
            if (c.x >= arch.grid_x || c.y >= arch.grid_y) {
                throw EmulatorError("kernel '" + k.kernel_source + "' is placed on core (" + std::to_string(c.x) + "," +
                                    std::to_string(c.y) + ") outside the " + std::to_string(arch.grid_x) + "x" +
                                    std::to_string(arch.grid_y) + " " + arch.name + " grid");
            }
            auto key = std::make_pair(c.x, c.y);
            if (!core_map.count(key)) {
                auto core = std::make_unique<Core>();
                core->coord = c;
                core->index = c.y * arch.grid_x + c.x;
                core->l1 = core_l1(core->index);
                core_map[key] = core.get();
                run.cores.push_back(std::move(core));
            }
        }
    }

    // Circular buffers, placed one after another from the unreserved base as tt-metal's CB allocator does.
    for (auto& core : run.cores) {
        uint32_t next = arch.l1_unreserved_base;
        for (const auto& d : program.cbs) {
            if (!d.core_ranges.contains(core->coord)) {
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
                CBState& c = core->cbs[f.buffer_index];
                if (c.configured) {
                    throw EmulatorError(cb_name(f.buffer_index) + " is configured twice on core (" +
                                        std::to_string(core->coord.x) + "," + std::to_string(core->coord.y) + ")");
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
                                " B of L1 on core (" + std::to_string(core->coord.x) + "," +
                                std::to_string(core->coord.y) + "), above the " +
                                std::to_string(arch.l1_size - arch.l1_unreserved_base) + " B free above the reserved base " +
                                std::to_string(arch.l1_unreserved_base) + " of " + std::to_string(arch.l1_size) + " B " +
                                arch.name + " L1");
        }
        core->cb_end = next;
        run.stats.l1_high_water = std::max(run.stats.l1_high_water, next);
    }
    run.stats.cores_used = static_cast<uint32_t>(run.cores.size());

    // JIT every kernel (compile errors surface before any thread starts).
    std::vector<emu_kernel_entry_fn> entries;
    for (const auto& k : program.kernels) {
        JitResult jr = jit_kernel(k);
        (jr.cache_hit ? run.stats.jit_cache_hits : run.stats.jit_compiles) += 1;
        entries.push_back(jr.entry);
    }

    // One thread per kernel per core.
    std::vector<emu_kernel_entry_fn> thread_entries;
    for (size_t ki = 0; ki < program.kernels.size(); ++ki) {
        const auto& k = program.kernels[ki];
        for (const auto& c : k.core_ranges.cores()) {
            Core& core = *core_map.at({c.x, c.y});
            run.kernels.push_back(std::make_unique<KernelContext>(run, core, k, kernel_label(k, c)));
            thread_entries.push_back(entries[ki]);
        }
    }
    std::vector<std::thread> threads;
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < run.kernels.size(); ++i) {
        KernelContext* ctx = run.kernels[i].get();
        emu_kernel_entry_fn entry = thread_entries[i];
        threads.emplace_back([&run, ctx, entry] {
            try {
                entry(ctx);
            } catch (const AbortSignal&) {
            } catch (const KernelFailure& f) {
                std::lock_guard<std::mutex> lk(run.m);
                run.fail_locked(f.message);
            } catch (const std::exception& e) {
                std::lock_guard<std::mutex> lk(run.m);
                run.fail_locked(ctx->name() + ": " + e.what());
            } catch (...) {
                std::lock_guard<std::mutex> lk(run.m);
                run.fail_locked(ctx->name() + ": unknown exception");
            }
            std::lock_guard<std::mutex> lk(run.m);
            ctx->done = true;
            ctx->blocked = false;
            run.check_deadlock_locked();
            run.cv.notify_all();
        });
    }
    // Watchdog: a safety net only; deadlocks are detected directly.
    {
        std::unique_lock<std::mutex> lk(run.m);
        while (true) {
            bool all_done = true;
            for (const auto& k : run.kernels) {
                all_done = all_done && k->done;
            }
            if (all_done) {
                break;
            }
            run.cv.wait_for(lk, std::chrono::milliseconds(200));
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (options.watchdog_seconds > 0 && secs > options.watchdog_seconds && !run.aborted) {
                run.fail_locked("watchdog: the program ran longer than " + std::to_string(options.watchdog_seconds) +
                                " s (a kernel looping without calling the kernel API?)");
            }
        }
    }
    for (auto& t : threads) {
        t.join();
    }
    if (run.aborted) {
        if (run.deadlock) {
            throw DeadlockError(run.error);
        }
        throw EmulatorError(run.error);
    }

    for (const auto& k : run.kernels) {
        run.stats.tiles_computed += k->tiles_packed;
    }
    // Pages left in CBs at the end: a warning with counts (a persistent CB never popped, or a leak).
    for (const auto& core : run.cores) {
        for (uint32_t i = 0; i < kNumCBs; ++i) {
            const CBState& c = core->cbs[i];
            if (c.configured && c.occupied() != 0) {
                run.stats.warnings.push_back(cb_name(int32_t(i)) + " on core (" + std::to_string(core->coord.x) + "," +
                                             std::to_string(core->coord.y) + ") holds " +
                                             std::to_string(c.occupied()) + " pages at program end (pushed " +
                                             std::to_string(c.pushed) + ", popped " + std::to_string(c.popped) + ")");
            }
        }
    }
    return run.stats;
}

// ----------------------------------------------------------------------------------------------------
// Device (public)
// ----------------------------------------------------------------------------------------------------
Device::Device(const ArchParams& arch) : impl_(std::make_unique<DeviceImpl>(arch)) {}
Device::~Device() = default;

const ArchParams& Device::arch() const { return impl_->arch; }

uint32_t Device::allocate_dram_buffer(uint64_t size_bytes, uint32_t page_size) {
    auto& d = *impl_;
    if (page_size == 0 || size_bytes % page_size != 0) {
        throw EmulatorError("allocate_dram_buffer: size " + std::to_string(size_bytes) +
                            " B is not a positive multiple of the page size " + std::to_string(page_size) + " B");
    }
    if (d.buffers.empty()) {
        d.next_addr = kDramBase;  // every buffer freed: start over
    }
    DramBuffer b;
    b.size = size_bytes;
    b.page_size = page_size;
    b.aligned_page = static_cast<uint32_t>(align_up64(page_size, d.arch.dram_alignment));
    b.num_pages = size_bytes / page_size;
    b.bank_bytes = align_up64((b.num_pages + d.arch.num_dram_banks - 1) / d.arch.num_dram_banks * b.aligned_page,
                              d.arch.dram_alignment);
    b.address = static_cast<uint32_t>(align_up64(d.next_addr, d.arch.dram_alignment));
    if (b.address + std::max<uint64_t>(b.bank_bytes, 1) > d.arch.dram_bank_size) {
        throw EmulatorError("allocate_dram_buffer: out of emulated DRAM (" + std::to_string(size_bytes) + " B)");
    }
    d.next_addr = b.address + std::max<uint64_t>(b.bank_bytes, d.arch.dram_alignment);
    d.buffers[b.address] = b;
    return b.address;
}

void Device::write_dram_buffer(uint32_t address, const void* src, uint64_t size_bytes) {
    auto& d = *impl_;
    auto it = d.buffers.find(address);
    if (it == d.buffers.end() || size_bytes != it->second.size) {
        throw EmulatorError("write_dram_buffer: no buffer of " + std::to_string(size_bytes) + " B at address " +
                            std::to_string(address));
    }
    const DramBuffer& b = it->second;
    const auto* p = static_cast<const uint8_t*>(src);
    for (uint64_t page = 0; page < b.num_pages; ++page) {
        const uint32_t bank = uint32_t(page % d.arch.num_dram_banks);
        const uint64_t off = b.address + (page / d.arch.num_dram_banks) * b.aligned_page;
        std::memcpy(d.bank_ptr(bank, off, b.aligned_page), p + page * b.page_size, b.page_size);
    }
}

void Device::read_dram_buffer(uint32_t address, void* dst, uint64_t size_bytes) const {
    auto& d = *impl_;
    auto it = d.buffers.find(address);
    if (it == d.buffers.end() || size_bytes != it->second.size) {
        throw EmulatorError("read_dram_buffer: no buffer of " + std::to_string(size_bytes) + " B at address " +
                            std::to_string(address));
    }
    const DramBuffer& b = it->second;
    auto* p = static_cast<uint8_t*>(dst);
    for (uint64_t page = 0; page < b.num_pages; ++page) {
        const uint32_t bank = uint32_t(page % d.arch.num_dram_banks);
        const uint64_t off = b.address + (page / d.arch.num_dram_banks) * b.aligned_page;
        std::memcpy(p + page * b.page_size, d.bank_ptr(bank, off, b.aligned_page), b.page_size);
    }
}

void Device::deallocate_dram_buffer(uint32_t address) {
    if (impl_->buffers.erase(address) == 0) {
        throw EmulatorError("deallocate_dram_buffer: no buffer at address " + std::to_string(address));
    }
}

RunStats Device::run(const ProgramDescriptor& program, const RunOptions& options) { return impl_->run(program, options); }

// ----------------------------------------------------------------------------------------------------
// tilize_reference
// ----------------------------------------------------------------------------------------------------
std::vector<uint8_t> tilize_reference(const void* data, uint32_t rows, uint32_t cols, DataFormat format) {
    if (rows % 32 || cols % 32 || rows == 0 || cols == 0) {
        throw std::invalid_argument("tilize_reference: rows and cols must be positive multiples of 32");
    }
    const uint32_t ds = layernorm_fused_rm::datum_size(format);
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
