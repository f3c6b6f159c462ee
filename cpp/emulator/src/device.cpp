// SPDX-License-Identifier: Apache-2.0
//
// The host Tensix emulator's runtime: interleaved DRAM, per-core L1 with circular buffers at real
// addresses, one thread per kernel per core, the kernel API (KernelApi) with strict checks, DST and
// tile math, and deterministic deadlock detection.
//
// Concurrency model: every kernel instance (kernel x core) is a user-level fiber (ucontext) with its own stack;
// a pool of at most N host threads runs the fibers (N = RunOptions::max_threads, default min(hardware threads,
// 4)), so a program with far more kernels than threads still runs: a kernel that must wait (cb_reserve_back /
// cb_wait_front) records a predicate and a description and yields its thread back to the pool. All CB state of
// a run lives under one mutex. A blocked fiber is re-queued when a CB operation on its core makes its predicate
// true. When no fiber is running or ready and some have not finished, every live kernel is blocked with a false
// predicate: since only a running kernel can change CB state, that is an exact deadlock test, made at once.
#include <sys/mman.h>
#include <ucontext.h>

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
#include "math/fidelity.hpp"
#include "math/sfpu_functions.hpp"
#include "numerics.hpp"

namespace tensix_emu {


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

class KernelContext;

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
    std::vector<KernelContext*> pushers;  // kernels that pushed pages into this CB
    std::vector<KernelContext*> poppers;  // kernels that popped pages from it
    uint32_t occupied() const { return static_cast<uint32_t>(pushed - popped); }
};

struct Core {
    uint32_t index = 0;
    CoreCoord coord;
    uint8_t* l1 = nullptr;
    CBState cbs[kNumCBs];
    uint32_t cb_end = 0;  // L1 offset one past the last CB
    uint64_t noc_transactions = 0;
    std::vector<KernelContext*> kernels;  // the kernels running on this core
};

/// The fiber running on this host thread (set by the pool before switching to it), read by every kernel API call.
thread_local KernelApi* t_current_api = nullptr;

enum class DstState { Idle, Acquired, Committed, Waited };
enum class UnpackMode { None, Tilize, Reduce, Binary, Copy, UnaryBcast };
enum class FiberState { Ready, Running, Blocked, Done };

/// Data format the unpacker's SrcA / SrcB or the packer is configured for, and which call configured it.
struct FormatState {
    bool set = false;
    DataFormat format = DataFormat::Float16_b;
    int32_t cb = -1;
    std::string by;
};

class Run;

class KernelContext final : public KernelApi {
public:
    KernelContext(Run& run, Core& core, const KernelDescriptor& k, std::string name)
        : run_(run), core_(core), k_(k), name_(std::move(name)) {
        if (const auto* cc = std::get_if<tt::tt_metal::ComputeConfigDescriptor>(&k.config)) {
            compute_ = true;
            fp32_dest_ = cc->fp32_dest_acc_en;
            full_sync_ = cc->dst_full_sync_en;
            dst_capacity_ = tt_metal_mirror::dest_tile_capacity(*cc);
            math_fidelity_ = int(cc->math_fidelity);
            approx_ = cc->math_approx_mode;
            for (size_t i = 0; i < cc->unpack_to_dest_mode.size() && i < kNumCBs; ++i) {
                unpack_to_dest_fp32_[i] =
                    cc->unpack_to_dest_mode[i] == tt::tt_metal::UnpackToDestMode::UnpackToDestFp32;
            }
        }
        const auto* rt = k.runtime_args_of(core.coord);
        if (rt) {
            rt_args_ = *rt;
        }
        std::memset(dst_, 0, sizeof dst_);
    }

    const std::string& name() const { return name_; }
    Core& core() { return core_; }
    Run& run() { return run_; }
    // -- state read by the run under its mutex --
    bool done = false;
    bool blocked = false;
    FiberState state = FiberState::Ready;
    bool parking = false;            // yielded to the pool to block; the pool parks it under the mutex
    ucontext_t ctx{};                // the fiber
    ucontext_t* pool_ctx = nullptr;  // the pool thread context to yield to (set at every resume)
    uint8_t* stack = nullptr;
    size_t stack_size = 0;
    emu_kernel_entry_fn entry = nullptr;
    std::function<bool()> unblock_pred;
    std::function<std::string()> blocked_on;  // evaluated when a report is written, so its counts are current
    int32_t wait_cb = -1;                     // CB this kernel is blocked on
    bool wait_front = false;                  // blocked in cb_wait_front (else cb_reserve_back)
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
    void sfpu_binary(SfpuOp op, uint32_t idst0, uint32_t idst1, uint32_t odst, bool round_nearest_even,
                     const char* call) override;
    void unary_bcast_init(BcastDim bcast, uint32_t icb) override;
    void unary_bcast(BcastDim bcast, uint32_t icb, uint32_t itile, uint32_t idst) override;
    void unary_bcast_uninit(BcastDim bcast, uint32_t icb) override;
    void reconfig_data_format(Operand which, int32_t old_cb, uint32_t new_cb, const char* call) override;
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
    // With the run's mutex held: stops when another kernel failed, then returns this CB and the call's text,
    // e.g. "cb_wait_front(c_0, 4)".
    std::pair<CBState*, std::string> begin_cb_call(int32_t idx, int32_t pages, const char* name);
    // Sleeps until pred() holds (lk held on entry and exit). Before sleeping, records what this kernel waits
    // for and asks the run whether every kernel is now blocked (then the run reports the deadlock).
    template <typename Pred, typename Describe>
    void block_until(std::unique_lock<std::mutex>& lk, int32_t cb, bool front, Pred pred, Describe describe);
    uint8_t* l1_ptr(uint32_t l1_offset) { return core_.l1 + l1_offset; }
    uint32_t visible_addr(uint32_t l1_offset) const {
        return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(core_.l1) + l1_offset);
    }
    // compute helpers
    void require_compute(const char* call);
    void require_started(const char* call);
    void require_dst(DstState s, const char* call);
    void require_dst_index(uint32_t idst, const char* call);
    // Reads tile itile of icb (logical order) as the unpacker delivers it: to SrcA/SrcB (to_src) unless
    // to_dest_exact, when a Float32 CB marked UnpackToDestFp32 goes straight to an fp32 DEST.
    void read_tile(uint32_t icb, uint32_t itile, float* out, const char* call, bool to_dest_exact = false);
    // FPU result into DEST: fp32 as is, 16-bit DEST rounds to nearest even (numerics.hpp, point 2).
    float round_dest(float v) const { return fp32_dest_ ? v : round_to_bf16(v); }
    // SFPU result into DEST (numerics.hpp, point 3): 16-bit DEST truncates unless the op rounds in software.
    float sfpu_store(float v, bool round_nearest_even) const {
        return fp32_dest_ ? v : (round_nearest_even ? round_to_bf16(v) : truncate_to_bf16(v));
    }
    // The unpacker / packer format rule: the CB's format must be the one the hardware is configured for.
    void require_format(const FormatState& st, const char* unit, uint32_t cb, const char* call);
    bool unpacks_to_dest_fp32(uint32_t cb) const { return fp32_dest_ && cb < kNumCBs && unpack_to_dest_fp32_[cb]; }
    // Rule: no FPU read through SrcA/SrcB of a Float32 CB marked UnpackToDestFp32 (see the definition).
    void require_src_readable(uint32_t icb, const char* operand, const char* call);
    // ISA "SrcAStyle" of the FPU with icb in SrcA (math/fidelity.hpp point 1).
    math::SrcStyle srca_style(uint32_t icb) const;
    // Number of fidelity phases of the kernel's MATH_FIDELITY (math/fidelity.hpp point 3).
    int fidelity_phases(const char* call);
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
    bool full_sync_ = false;
    bool unpack_to_dest_fp32_[kNumCBs] = {};
    int math_fidelity_ = 4;       // ComputeConfigDescriptor::math_fidelity (MathFidelity value)
    bool approx_ = false;         // ComputeConfigDescriptor::math_approx_mode (APPROX)
    bool optimistic_srcb_ = false;  // RunOptions::optimistic_srcb or $LAYERNORM_FUSED_RM_EMU_OPTIMISTIC=1
    FormatState srca_fmt_, srcb_fmt_, pack_fmt_;
    BcastDim ubcast_dim_ = BcastDim::NONE;
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
    bool sfpu_inited_[uint32_t(SfpuOp::COUNT)] = {};
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
    std::condition_variable cv;       // pool threads: a fiber became ready / the run ended
    std::condition_variable done_cv;  // the caller: every fiber finished
    std::vector<std::unique_ptr<Core>> cores;
    std::vector<std::unique_ptr<KernelContext>> kernels;
    std::deque<KernelContext*> ready;
    size_t running = 0;
    size_t finished = 0;
    std::atomic<bool> aborted{false};
    std::string error;
    bool deadlock = false;
    RunStats stats;

    // m held. Re-queues the blocked kernels of `core` whose wait is now satisfied (a CB of the core changed).
    void wake_core_locked(Core& core);

    // m held, nothing running or ready. Every fiber not finished is blocked with a false predicate: writes the
    // deadlock report (with each blocked kernel's wait, its CB's counts and diagnosis, and recent CB operations).
    void report_deadlock_locked();

    void fail_locked(const std::string& msg) {
        if (!aborted) {
            error = msg;
            aborted = true;
        }
        abort_wake_locked();
    }

    // m held: after an abort, every blocked fiber is resumed so it unwinds its stack (AbortSignal).
    void abort_wake_locked();
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

std::pair<CBState*, std::string> KernelContext::begin_cb_call(int32_t idx, int32_t pages, const char* name) {
    if (run_.aborted) {
        throw AbortSignal{};
    }
    CBState& c = cb(idx, name);
    return {&c, std::string(name) + "(" + cb_name(idx) + ", " + std::to_string(pages) + ")"};
}

template <typename Pred, typename Describe>
void KernelContext::block_until(std::unique_lock<std::mutex>& lk, int32_t cb, bool front, Pred pred,
                                Describe describe) {
    if (pred()) {
        return;
    }
    blocked = true;
    wait_cb = cb;
    wait_front = front;
    unblock_pred = pred;
    blocked_on = describe;
    while (true) {
        // Yield to the pool thread, which parks this fiber under the mutex (re-checking pred, so a CB change made
        // between the unlock and the park is never lost). Resumed, possibly on another pool thread, once a CB
        // operation on this core made pred true, or when the run aborted.
        parking = true;
        lk.unlock();
        swapcontext(&ctx, pool_ctx);
        lk.lock();
        if (run_.aborted || pred()) {
            break;
        }
    }
    blocked = false;
    wait_cb = -1;
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
    const auto [cp, call] = begin_cb_call(idx, pages, "cb_reserve_back");
    CBState& c = *cp;
    if (pages <= 0 || uint32_t(pages) > c.num_pages) {
        fail(call + ": reserves " + std::to_string(pages) + " pages but the CB holds only " +
             std::to_string(c.num_pages) + " pages (" + std::to_string(c.num_pages * c.page_size) + " B of " +
             std::to_string(c.page_size) + " B pages)");
    }
    record(c, call);
    block_until(lk, idx, false, [&c, pages] { return c.num_pages - c.occupied() >= uint32_t(pages); }, [&] {
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
    const auto [cp, call] = begin_cb_call(idx, pages, "cb_push_back");
    CBState& c = *cp;
    if (pages <= 0 || uint32_t(pages) > c.reserved) {
        fail(call + ": pushes " + std::to_string(pages) + " pages but only " + std::to_string(c.reserved) +
             " are reserved (push without reserve)");
    }
    if (pending_reads_ > 0) {
        fail(call + ": " + std::to_string(pending_reads_) +
             " NOC reads into L1 were issued without noc_async_read_barrier() before the push");
    }
    record(c, call);
    c.wr_page = (c.wr_page + uint32_t(pages)) % c.num_pages;
    c.pushed += uint32_t(pages);
    c.reserved -= uint32_t(pages);
    c.pack_ptr = 0;
    if (std::find(c.pushers.begin(), c.pushers.end(), this) == c.pushers.end()) {
        c.pushers.push_back(this);
    }
    run_.wake_core_locked(core_);
}

void KernelContext::cb_wait_front(int32_t idx, int32_t pages) {
    std::unique_lock<std::mutex> lk(run_.m);
    const auto [cp, call] = begin_cb_call(idx, pages, "cb_wait_front");
    CBState& c = *cp;
    if (pages <= 0 || uint32_t(pages) > c.num_pages) {
        fail(call + ": waits for " + std::to_string(pages) + " pages but the CB holds only " +
             std::to_string(c.num_pages) + " pages");
    }
    record(c, call);
    block_until(lk, idx, true, [&c, pages] { return c.occupied() >= uint32_t(pages); }, [&] {
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
    const auto [cp, call] = begin_cb_call(idx, pages, "cb_pop_front");
    CBState& c = *cp;
    if (pages <= 0 || uint32_t(pages) > c.waited) {
        fail(call + ": pops " + std::to_string(pages) + " pages but waited for only " + std::to_string(c.waited) +
             " (pop beyond what was waited for)");
    }
    if (pending_writes_ > 0) {
        fail(call + ": " + std::to_string(pending_writes_) +
             " NOC writes from this CB were issued without noc_async_write_barrier() before the pop");
    }
    record(c, call);
    c.rd_page = (c.rd_page + uint32_t(pages)) % c.num_pages;
    c.popped += uint32_t(pages);
    c.waited -= uint32_t(pages);
    if (std::find(c.poppers.begin(), c.poppers.end(), this) == c.poppers.end()) {
        c.poppers.push_back(this);
    }
    run_.wake_core_locked(core_);
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
        core_.noc_transactions += 1;
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
        core_.noc_transactions += 1;
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
             " DEST, " + (full_sync_ ? "full" : "half") + "-sync)");
    }
}

void KernelContext::read_tile(uint32_t icb, uint32_t itile, float* out, const char* call, bool to_dest_exact) {
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
    // Tile ops count pages as tiles (the unpacker advances by the CB's page size, tile by tile).
    if (c.page_size != tt::tile_size(c.format)) {
        fail(std::string(call) + ": " + cb_name(int32_t(icb)) + " has " + std::to_string(c.page_size) +
                         " B pages but this call reads tile-sized pages (one " + tt::to_string(c.format) +
                         " tile = " + std::to_string(tt::tile_size(c.format)) + " B)");
    }
    load_tile(l1_ptr(c.base + (c.rd_page + itile) * c.page_size), c.format, out);
    if (!(to_dest_exact && unpacks_to_dest_fp32(icb) && c.format == DataFormat::Float32)) {
        for (uint32_t i = 0; i < 1024; ++i) {
            out[i] = to_src(out[i], c.format, fp32_dest_);
        }
    }
}

void KernelContext::require_format(const FormatState& st, const char* unit, uint32_t icb, const char* call) {
    if (icb >= kNumCBs || !core_.cbs[icb].configured) {
        return;  // reported by the CB lookup of the call itself
    }
    const CBState& c = core_.cbs[icb];
    if (st.set && st.format != c.format) {
        fail(std::string(call) + ": " + cb_name(int32_t(icb)) + " holds " + tt::to_string(c.format) +
             " but the " + unit + " is configured for " + tt::to_string(st.format) + " (by " + st.by +
             (st.cb >= 0 ? " from " + cb_name(st.cb) : std::string()) +
             "): call reconfig_data_format / pack_reconfig_data_format for " + cb_name(int32_t(icb)) +
             " first (inits do not reconfigure data formats)");
    }
}

void KernelContext::require_src_readable(uint32_t icb, const char* operand, const char* call) {
    // ISA UNPACR_Regular.md, FormatConversion: an FP32 datum reaches SrcA/SrcB only through an FP32 -> TF32 /
    // BF16 / FP16 conversion; with OutDataFormat FP32 ("case FP32: return UnpackToDst ? ... :
    // UndefinedBehaviour()") it is undefined. A CB marked UnpackToDestFp32 has unpack destination format
    // Float32, and LLK common/inc/cunpack_common.h is_unpacker_format_conversion_supported_dest(Float32,
    // Float32, unpack_to_dest=false) is false (asserted by llk_unpack_A.h / llk_unpack_tilize.h).
    if (icb >= kNumCBs || !unpack_to_dest_fp32_[icb] || !core_.cbs[icb].configured ||
        core_.cbs[icb].format != DataFormat::Float32) {
        return;
    }
    fail(std::string(call) + ": reads " + cb_name(int32_t(icb)) + " (Float32, marked UnpackToDestFp32) through " +
         operand + ", but an UnpackToDestFp32 CB unpacks to Float32, which SrcA/SrcB cannot hold: undefined "
         "behaviour (ISA UNPACR_Regular.md FP32 -> FP32 to SrcA/SrcB; tt-llk cunpack_common.h "
         "is_unpacker_format_conversion_supported_dest): read it with copy_tile / unary_bcast / tilize (to DEST) "
         "or do not mark it UnpackToDestFp32");
}

math::SrcStyle KernelContext::srca_style(uint32_t icb) const {
    // Float32 CB -> TF32 in SrcA with an fp32 DEST (the unpacker's Tf32 output), BF16 otherwise (numerics.hpp 1).
    const bool tf32 = icb < kNumCBs && core_.cbs[icb].format == DataFormat::Float32 && fp32_dest_;
    return tf32 ? math::SrcStyle::TF32 : math::SrcStyle::BF16;
}

int KernelContext::fidelity_phases(const char* call) {
    try {
        return math::fidelity_phase_count(math_fidelity_);
    } catch (const std::invalid_argument& e) {
        fail(std::string(call) + ": ComputeConfigDescriptor " + e.what());
    }
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
    // llk_unpack_hw_configure(srca=icb0, srcb=icb1), llk_pack_hw_configure(ocb) (compute_kernel_hw_startup.h).
    srca_fmt_ = {true, core_.cbs[icb0].format, int32_t(icb0), "compute_kernel_hw_startup"};
    srcb_fmt_ = {true, core_.cbs[icb1].format, int32_t(icb1), "compute_kernel_hw_startup"};
    pack_fmt_ = {true, core_.cbs[ocb].format, int32_t(ocb), "compute_kernel_hw_startup"};
    const char* env = std::getenv("LAYERNORM_FUSED_RM_EMU_OPTIMISTIC");
    optimistic_srcb_ = run_.opts.optimistic_srcb || (env && std::string(env) == "1");
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
    const uint32_t ds = tt::datum_size(in.format);
    // The row-major block is 32 rows of `block` tiles' width; a page is one tile's worth of bytes.
    if (in.page_size != tt::tile_size(in.format)) {
        fail(call + ": input " + cb_name(int32_t(icb)) + " has " +
                         std::to_string(in.page_size) + " B pages but tilize_block counts tile-sized pages (" +
                         std::to_string(tt::tile_size(in.format)) +
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
    require_format(srca_fmt_, "unpacker (SrcA)", icb, call.c_str());
    require_format(pack_fmt_, "packer", ocb, call.c_str());
    // Unpack-tilize to SrcA, datacopy A2D to DEST, pack (tilize.h); a Float32 CB marked UnpackToDestFp32 with
    // fp32 DEST goes to DEST losslessly, otherwise through SrcA (numerics.hpp, point 1).
    const bool exact = unpacks_to_dest_fp32(icb) && in.format == DataFormat::Float32;
    const uint8_t* src = l1_ptr(in.base + in.rd_page * in.page_size);
    const uint32_t row_elems = block * 32;
    float tile[1024];
    for (uint32_t t = 0; t < block; ++t) {
        for (uint32_t r = 0; r < 32; ++r) {
            for (uint32_t c = 0; c < 32; ++c) {
                const float v = load_datum(src + (r * row_elems + t * 32 + c) * ds, in.format);
                tile[r * 32 + c] = exact ? v : round_dest(to_src(v, in.format, fp32_dest_));
            }
        }
        store_tile(reserved_page_ptr(out, out.pack_ptr), out.format, tile, fp32_dest_);
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
             std::to_string(dst_capacity_) + " tiles (" + (fp32_dest_ ? "fp32" : "16-bit") + " DEST, " + (full_sync_ ? "full" : "half") + "-sync)");
    }
    if (full_ct % block_ct != 0) {
        fail(std::string(call) + "<" + std::to_string(block_ct) + ", " + std::to_string(full_ct) +
             ">: full width " + std::to_string(full_ct) + " is not a multiple of the block width " +
             std::to_string(block_ct));
    }
    if (from_dest) {
        // pack_untilize_dest_init calls llk_pack_reconfig_data_format(ocb) (pack_untilize.h).
        std::lock_guard<std::mutex> lk(run_.m);
        pack_fmt_ = {true, cb(int32_t(ocb), call).format, int32_t(ocb), call};
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
    // pack_untilize_uninit calls llk_pack_reconfig_data_format(ocb) (pack_untilize.h).
    std::lock_guard<std::mutex> lk(run_.m);
    pack_fmt_ = {true, cb(int32_t(ocb), "pack_untilize_uninit").format, int32_t(ocb), "pack_untilize_uninit"};
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
    require_format(pack_fmt_, "packer", ocb, call.c_str());
    std::lock_guard<std::mutex> lk(run_.m);
    CBState& out = cb(int32_t(ocb), call.c_str());
    if (out.reserved < full_ct) {
        fail(call + ": the untilized block spans " + std::to_string(full_ct) +
                         " pages of " + cb_name(int32_t(ocb)) + " but only " + std::to_string(out.reserved) +
                         " are reserved");
    }
    const uint32_t ds = tt::datum_size(out.format);
    uint8_t* dst = reserved_page_ptr(out, 0);
    const uint32_t row_elems = full_ct * 32;
    for (uint32_t t = 0; t < block_ct; ++t) {
        const uint32_t col0 = (block_c_index * block_ct + t) * 32;
        for (uint32_t r = 0; r < 32; ++r) {
            for (uint32_t c = 0; c < 32; ++c) {
                store_datum(dst + (r * row_elems + col0 + c) * ds, out.format,
                            from_dst(dst_[t][r * 32 + c], out.format, fp32_dest_));
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
    // Operand placement (reduce.h reduce_init): REDUCE_ROW SUM/AVG runs MVMUL with the scaler in SrcA and the data
    // in SrcB ("Caller must call reconfig_data_format(icb_scaler, icb) before reduce_init for this path"); every
    // other reduce has the data in SrcA and the scaler in SrcB.
    const bool swapped = dim == ReduceDim::REDUCE_ROW && type != PoolType::MAX;
    require_format(srca_fmt_, "unpacker (SrcA)", swapped ? icb_scaler : icb, call);
    require_format(srcb_fmt_, "unpacker (SrcB)", swapped ? icb : icb_scaler, call);
    require_src_readable(swapped ? icb_scaler : icb, "SrcA", call);
    require_src_readable(swapped ? icb : icb_scaler, "SrcB", call);
    float a[1024], s[1024];
    read_tile(icb, itile, a, call);
    read_tile(icb_scaler, itile_scaler, s, call);
    // Both operands in SrcA's style (math/fidelity.hpp 1): the SrcB tile may lose its TF32 bits.
    const math::SrcStyle style = srca_style(swapped ? icb_scaler : icb);
    float* srcb = swapped ? a : s;
    for (uint32_t i = 0; i < 1024; ++i) {
        srcb[i] = math::read_operand(srcb[i], style, optimistic_srcb_);
    }
    const int phases = type == PoolType::MAX ? 1 : fidelity_phases(call);
    float* d = dst_[idst];
    // Scaler layout (ttnn/cpp/ttnn/kernel_lib/reduce_helpers_dataflow.inl, fill_each_face_row0_partial): row 0 of
    // EVERY face holds the scaler, for a partial last tile only in the valid positions. The scaler of input element
    // (r, c) is therefore row 0 of the face holding (r, c): for REDUCE_ROW, logical scaler row (r/16)*16, column c
    // (faces 0/1 for output rows 0-15, faces 2/3 for rows 16-31); for REDUCE_COL the face row 0 entries index the
    // reduced rows: face ((r/16), (c/16)), column r%16 -> logical scaler row (r/16)*16, column (c/16)*16 + r%16.
    // Results: REDUCE_ROW in column 0, REDUCE_COL in row 0, REDUCE_SCALAR in [0][0] (reduce.h). Products and sums
    // in float32; each reduce_tile accumulates into DEST with DEST's rounding.
    auto scaler_row = [&](uint32_t r, uint32_t c) { return s[(r / 16) * 16 * 32 + c]; };
    auto scaler_col = [&](uint32_t r, uint32_t c) { return s[(r / 16) * 16 * 32 + (c / 16) * 16 + (r % 16)]; };
    // SUM/AVG: MVMUL (REDUCE_ROW, scaler in SrcA) or GAPOOL (data in SrcA) under math fidelity, math/fidelity.hpp 5.
    // MAX (GMPOOL) takes the max of the scaled values and has no fidelity phases.
    auto pool = [&](float dst, uint32_t n, auto data, auto scal) {
        if (type == PoolType::MAX) {
            float acc = -std::numeric_limits<float>::infinity();
            for (uint32_t k = 0; k < n; ++k) {
                acc = std::max(acc, data(k) * scal(k));
            }
            return round_dest(std::max(dst, acc));
        }
        if (swapped) {
            return math::fpu_dot(dst, n, scal, data, phases, fp32_dest_);
        }
        return math::fpu_dot(dst, n, data, scal, phases, fp32_dest_);
    };
    if (dim == ReduceDim::REDUCE_ROW) {
        for (uint32_t r = 0; r < 32; ++r) {
            d[r * 32] = pool(d[r * 32], 32, [&](uint32_t c) { return a[r * 32 + c]; },
                             [&](uint32_t c) { return scaler_row(r, c); });
        }
    } else if (dim == ReduceDim::REDUCE_COL) {
        for (uint32_t c = 0; c < 32; ++c) {
            d[c] = pool(d[c], 32, [&](uint32_t r) { return a[r * 32 + c]; }, [&](uint32_t r) { return scaler_col(r, c); });
        }
    } else {
        d[0] = pool(d[0], 1024, [&](uint32_t i) { return a[i]; }, [&](uint32_t) { return s[0]; });
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
    require_format(srca_fmt_, "unpacker (SrcA)", icb0, call);
    require_format(srcb_fmt_, "unpacker (SrcB)", icb1, call);
    require_src_readable(icb0, "SrcA", call);
    require_src_readable(icb1, "SrcB", call);
    float a[1024], b[1024];
    read_tile(icb0, itile0, a, call);
    read_tile(icb1, itile1, b, call);
    // ELWADD / ELWSUB / ELWMUL read both operands in SrcA's style; ELWMUL runs MATH_FIDELITY's phases
    // (math/fidelity.hpp); add and sub are single-phase (llk_math_eltwise_binary.h: "Math fidelity larger than
    // LoFi only works with Eltwise multiply").
    const math::SrcStyle style = srca_style(icb0);
    for (uint32_t i = 0; i < 1024; ++i) {
        b[i] = math::read_operand(b[i], style, optimistic_srcb_);
    }
    const int phases = op == BinaryOp::MUL ? fidelity_phases(call) : 1;
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
            d[r * 32 + c] = op == BinaryOp::MUL ? math::elwmul(av, bv, phases, fp32_dest_)
                                                : round_dest(op == BinaryOp::ADD ? av + bv : av - bv);
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
    require_format(srca_fmt_, "unpacker (SrcA)", icb, "copy_tile");
    float a[1024];
    read_tile(icb, itile, a, "copy_tile", /*to_dest_exact=*/true);
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
        // SFPU arithmetic is SFPMAD (math/sfpu_functions.hpp): denormal inputs read as 0, results flushed.
        switch (op) {
            // ckernel_sfpu_square.h: v * v, then float32_to_bf16_rne_prgm for a 16-bit DEST.
            case SfpuOp::SQUARE: d[i] = sfpu_store(math::sfpmul(x, x), true); break;
            // ckernel_sfpu_rsqrt.h / ckernel_sfpu_sqrt.h with APPROX = math_approx_mode, including the store.
            case SfpuOp::RSQRT: d[i] = math::sfpu_sqrt(x, approx_, true, fp32_dest_); break;
            case SfpuOp::SQRT: d[i] = math::sfpu_sqrt(x, approx_, false, fp32_dest_); break;
            // ckernel_sfpu_binop_with_unary.h: one SFPMUL / SFPADD, stored with SFPSTORE truncation.
            case SfpuOp::MUL_SCALAR: d[i] = sfpu_store(math::sfpmul(x, p), false); break;
            case SfpuOp::ADD_SCALAR: d[i] = sfpu_store(math::sfpadd(x, p), false); break;
            case SfpuOp::SUB_SCALAR: d[i] = sfpu_store(math::sfpsub(x, p), false); break;
            // Not used by the op's kernels and not modelled: exact float32 division.
            case SfpuOp::RECIP: d[i] = sfpu_store(1.0f / x, true); break;
            default: break;
        }
    }
}

void KernelContext::sfpu_binary(SfpuOp op, uint32_t idst0, uint32_t idst1, uint32_t odst, bool round_nearest_even,
                                const char* call) {
    require_started(call);
    if (!sfpu_inited_[int(op)]) {
        fail(std::string(call) + " without its *_binary_tile_init");
    }
    require_dst(DstState::Acquired, call);
    require_dst_index(idst0, call);
    require_dst_index(idst1, call);
    require_dst_index(odst, call);
    const float* x = dst_[idst0];
    const float* y = dst_[idst1];
    float r[1024];
    for (uint32_t i = 0; i < 1024; ++i) {
        // ckernel_sfpu_binary.h: one SFPADD / SFPMUL; mul with a 16-bit DEST rounds (float32_to_bf16_rne) and
        // returns 0 when either input is zero ("To match FPU behaviour ... 0 * x = 0").
        const float v = op == SfpuOp::ADD_BINARY   ? math::sfpadd(x[i], y[i])
                        : op == SfpuOp::SUB_BINARY ? math::sfpsub(x[i], y[i])
                                                   : math::sfpmul(x[i], y[i]);
        r[i] = sfpu_store(v, round_nearest_even);
        if (op == SfpuOp::MUL_BINARY && !fp32_dest_ && (x[i] == 0.0f || y[i] == 0.0f)) {
            r[i] = 0.0f;
        }
    }
    std::memcpy(dst_[odst], r, sizeof r);
}

void KernelContext::unary_bcast_init(BcastDim bcast, uint32_t icb) {
    require_started("unary_bcast_init");
    if (mode_ == UnpackMode::Tilize) {
        fail("unary_bcast_init: tilize is still initialised (call tilize_uninit first)");
    }
    std::lock_guard<std::mutex> lk(run_.m);
    cb(int32_t(icb), "unary_bcast_init");
    mode_ = UnpackMode::UnaryBcast;
    mode_icb0_ = icb;
    ubcast_dim_ = bcast;
}

void KernelContext::unary_bcast_uninit(BcastDim bcast, uint32_t icb) {
    require_started("unary_bcast_uninit");
    if (mode_ != UnpackMode::UnaryBcast || ubcast_dim_ != bcast || mode_icb0_ != icb) {
        fail("unary_bcast_uninit(" + cb_name(int32_t(icb)) + "): unary_bcast was not initialised for this CB and type");
    }
    mode_ = UnpackMode::None;
}

void KernelContext::unary_bcast(BcastDim bcast, uint32_t icb, uint32_t itile, uint32_t idst) {
    const std::string call = "unary_bcast(" + cb_name(int32_t(icb)) + ")";
    require_started(call.c_str());
    if (mode_ != UnpackMode::UnaryBcast || ubcast_dim_ != bcast || mode_icb0_ != icb) {
        fail(call + " without a matching unary_bcast_init");
    }
    require_dst(DstState::Acquired, call.c_str());
    require_dst_index(idst, call.c_str());
    // bcast.h: a CB whose unpack destination format is Float32 (get_operand_dst_format) unpacks straight to DEST
    // ("SrcB is only 19bits wide"); that is a Float32 CB marked UnpackToDestFp32 (with fp32 DEST). An unmarked
    // Float32 CB unpacks to TF32 and goes through SrcB: truncated like any SrcB read (numerics.hpp 1).
    // The SrcA/SrcB format rule is not applied here: which unpacker's format registers the broadcast unpack
    // (llk_unpack_A with a broadcast type) reads is not pinned down by the 0.81 headers.
    float a[1024];
    {
        std::lock_guard<std::mutex> lk(run_.m);
        (void)cb(int32_t(icb), call.c_str());
    }
    const bool fp32_cb = core_.cbs[icb].format == DataFormat::Float32;
    read_tile(icb, itile, a, call.c_str(), /*to_dest_exact=*/false);
    const bool to_dest = fp32_cb && unpacks_to_dest_fp32(icb);
    if (to_dest) {  // unpack to DEST: exact
        std::lock_guard<std::mutex> lk(run_.m);
        CBState& c = core_.cbs[icb];
        load_tile(l1_ptr(c.base + (c.rd_page + itile) * c.page_size), c.format, a);
    }
    float* d = dst_[idst];
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            const float v = bcast == BcastDim::ROW ? a[c] : bcast == BcastDim::COL ? a[r * 32] : bcast == BcastDim::SCALAR ? a[0] : a[r * 32 + c];
            d[r * 32 + c] = to_dest ? v : round_dest(v);
        }
    }
}

void KernelContext::reconfig_data_format(Operand which, int32_t old_cb, uint32_t new_cb, const char* call) {
    require_started(call);
    std::lock_guard<std::mutex> lk(run_.m);
    const CBState& n = cb(int32_t(new_cb), call);
    if (old_cb != kNoOldOperand) {
        const CBState& o = cb(old_cb, call);
        if (o.format == n.format) {
            return;  // the conditional overloads skip equal formats, whatever the hardware holds
        }
    }
    FormatState& st = which == Operand::SRCA ? srca_fmt_ : which == Operand::SRCB ? srcb_fmt_ : pack_fmt_;
    st = {true, n.format, int32_t(new_cb), call};
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
    require_format(pack_fmt_, "packer", ocb, call.c_str());
    std::lock_guard<std::mutex> lk(run_.m);
    CBState& out = cb(int32_t(ocb), call.c_str());
    if (out.page_size != tt::tile_size(out.format)) {
        fail(call + ": " + cb_name(int32_t(ocb)) + " has " + std::to_string(out.page_size) +
             " B pages but pack_tile writes tile-sized pages (one " + tt::to_string(out.format) +
             " tile = " + std::to_string(tt::tile_size(out.format)) + " B)");
    }
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
    store_tile(reserved_page_ptr(out, pos), out.format, t, fp32_dest_);
    if (!out_of_order) {
        ++out.pack_ptr;
    }
    ++tiles_packed;
}

void KernelContext::unsupported(const char* what) { fail(std::string("not implemented by the emulator: ") + what); }

// ---- Run: fiber scheduling ----

void Run::wake_core_locked(Core& core) {
    bool woke = false;
    for (KernelContext* k : core.kernels) {
        if (k->state == FiberState::Blocked && k->unblock_pred && k->unblock_pred()) {
            k->state = FiberState::Ready;
            ready.push_back(k);
            woke = true;
        }
    }
    if (woke) {
        cv.notify_one();
    }
}

void Run::abort_wake_locked() {
    for (auto& k : kernels) {
        if (k->state == FiberState::Blocked) {
            k->state = FiberState::Ready;
            ready.push_back(k.get());
        }
    }
    cv.notify_all();
}

namespace {
std::string kernel_names(const std::vector<KernelContext*>& ks) {
    std::string out;
    for (const KernelContext* k : ks) {
        out += (out.empty() ? "" : ", ") + k->name();
    }
    return out;
}
}  // namespace

void Run::report_deadlock_locked() {
    std::ostringstream os;
    os << "deadlock: every kernel of the program is blocked and none can make progress\n";
    std::vector<std::string> diagnoses;
    for (const auto& k : kernels) {
        os << "  " << k->name() << ": ";
        if (k->done) {
            os << "finished\n";
        } else {
            os << "blocked in " << (k->blocked_on ? k->blocked_on() : std::string("?")) << "\n";
        }
        if (!k->history.empty()) {
            os << "    last CB operations:";
            for (const auto& h : k->history) {
                os << " " << h << ";";
            }
            os << "\n";
        }
        // Name the cause when it is certain: a wait whose only possible producers (or consumers) have finished.
        if (!k->done && k->wait_cb >= 0) {
            const CBState& c = k->core().cbs[k->wait_cb];
            const std::string cbn = cb_name(k->wait_cb);
            const auto& peers = k->wait_front ? c.pushers : c.poppers;
            bool peers_done = !peers.empty();
            for (const KernelContext* p : peers) {
                peers_done = peers_done && p->done && p != k.get();
            }
            if (k->wait_front && c.pushers.empty()) {
                diagnoses.push_back(k->name() + " waits on " + cbn + ", which no kernel ever pushed to");
            } else if (k->wait_front && peers_done) {
                diagnoses.push_back(
                    k->name() + " waits on " + cbn + " but its producer (" + kernel_names(c.pushers) +
                    ") has finished after pushing " + std::to_string(c.pushed) + " pages, of which " +
                    std::to_string(c.popped) + " were popped" +
                    (c.popped > 0 && c.popped == c.pushed
                         ? ": a persistent CB was popped before its last use (pop it once, after the last wait)"
                         : ": the producer pushes fewer pages than the consumer waits for"));
            } else if (!k->wait_front && peers_done) {
                diagnoses.push_back(k->name() + " waits for space in " + cbn + " but its consumer (" +
                                    kernel_names(c.poppers) + ") has finished, leaving " +
                                    std::to_string(c.occupied()) + " pages unpopped");
            }
        }
    }
    for (const auto& d : diagnoses) {
        os << "  diagnosis: " << d << "\n";
    }
    error = os.str();
    deadlock = true;
    aborted = true;
    abort_wake_locked();
}

std::string kernel_label(const KernelDescriptor& k, const CoreCoord& c) {
    const char* role = k.is_compute() ? "compute" : k.is_reader() ? "reader" : "writer";
    return std::string(role) + " " + std::filesystem::path(k.kernel_source).filename().string() + " @ core (" +
           std::to_string(c.x) + "," + std::to_string(c.y) + ")";
}

}  // namespace

// ----------------------------------------------------------------------------------------------------
// The fiber pool
// ----------------------------------------------------------------------------------------------------
namespace {

constexpr size_t kFiberStack = 1u << 20;  // 1 MiB per kernel fiber, reserved lazily (MAP_NORESERVE), guard page

uint32_t pool_size(const RunOptions& options) {
    if (options.max_threads > 0) {
        return options.max_threads;
    }
    if (const char* env = std::getenv(kThreadsEnv); env && *env) {
        char* end = nullptr;
        const long v = std::strtol(env, &end, 10);
        if (end && *end == '\0' && v > 0 && v <= 1024) {
            return uint32_t(v);
        }
        throw EmulatorError(std::string(kThreadsEnv) + "='" + env + "' is not a thread count in 1..1024");
    }
    const unsigned hw = std::thread::hardware_concurrency();
    return std::max(1u, std::min(hw == 0 ? 1u : hw, 4u));
}

// Fiber entry: runs the kernel, turns every way out of it into state under the run's mutex, then returns to
// the pool thread that resumed it last (uc_link is not used: it would return to the thread that created it).
void fiber_main(unsigned hi, unsigned lo) {
    auto* ctx = reinterpret_cast<KernelContext*>((uintptr_t(hi) << 32) | uintptr_t(lo));
    Run& run = ctx->run();
    try {
        ctx->entry();
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
    ctx->parking = false;
    ctx->done = true;  // read by the pool under the mutex after the switch below
    setcontext(ctx->pool_ctx);
}

}  // namespace

void run_fibers(Run& run, const RunOptions& options) {
    const size_t n = run.kernels.size();
    const uint32_t threads = std::min<uint32_t>(pool_size(options), std::max<size_t>(n, 1));
    run.stats.host_threads = threads;
    // Stacks and contexts.
    for (auto& k : run.kernels) {
        void* mem = ::mmap(nullptr, kFiberStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                           -1, 0);
        if (mem == MAP_FAILED) {
            throw EmulatorError("emulator: cannot map a kernel fiber stack");
        }
        ::mprotect(mem, 4096, PROT_NONE);  // guard page: a kernel stack overflow faults instead of corrupting
        k->stack = static_cast<uint8_t*>(mem);
        k->stack_size = kFiberStack;
        getcontext(&k->ctx);
        k->ctx.uc_stack.ss_sp = mem;
        k->ctx.uc_stack.ss_size = kFiberStack;
        k->ctx.uc_link = nullptr;
        const auto p = reinterpret_cast<uintptr_t>(k.get());
        makecontext(&k->ctx, reinterpret_cast<void (*)()>(&fiber_main), 2, unsigned(p >> 32), unsigned(p & 0xffffffffu));
        k->state = FiberState::Ready;
        run.ready.push_back(k.get());
    }
    auto worker = [&run, n] {
        ucontext_t pool_ctx;
        std::unique_lock<std::mutex> lk(run.m);
        while (true) {
            if (run.finished == n) {
                break;
            }
            if (run.ready.empty()) {
                if (run.running == 0 && !run.aborted) {
                    run.report_deadlock_locked();  // nothing runs, nothing can: every live fiber is blocked
                    continue;
                }
                run.cv.wait(lk);
                continue;
            }
            KernelContext* k = run.ready.front();
            run.ready.pop_front();
            k->state = FiberState::Running;
            k->pool_ctx = &pool_ctx;
            ++run.running;
            lk.unlock();
            t_current_api = k;
            swapcontext(&pool_ctx, &k->ctx);
            t_current_api = nullptr;
            lk.lock();
            --run.running;
            if (k->done) {
                k->state = FiberState::Done;
                k->blocked = false;
                ++run.finished;
                if (run.finished == n) {
                    run.cv.notify_all();
                    run.done_cv.notify_all();
                }
            } else if (k->parking) {
                k->parking = false;
                if (run.aborted || (k->unblock_pred && k->unblock_pred())) {
                    k->state = FiberState::Ready;
                    run.ready.push_back(k);
                } else {
                    k->state = FiberState::Blocked;
                }
            }
            if (!run.ready.empty()) {
                run.cv.notify_one();
            } else if (run.running == 0 && run.finished < n && !run.aborted) {
                run.report_deadlock_locked();
            }
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (uint32_t i = 0; i < threads; ++i) {
        pool.emplace_back(worker);
    }
    // Watchdog: a safety net only; deadlocks are detected directly.
    {
        const auto t0 = std::chrono::steady_clock::now();
        std::unique_lock<std::mutex> lk(run.m);
        while (run.finished < n) {
            run.done_cv.wait_for(lk, std::chrono::milliseconds(200));
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (options.watchdog_seconds > 0 && secs > options.watchdog_seconds && !run.aborted) {
                run.fail_locked("watchdog: the program ran longer than " + std::to_string(options.watchdog_seconds) +
                                " s (a kernel looping without calling the kernel API?)");
            }
        }
    }
    for (auto& t : pool) {
        t.join();
    }
    for (auto& k : run.kernels) {
        ::munmap(k->stack, k->stack_size);
        k->stack = nullptr;
    }
}

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

    // One fiber per kernel per core.
    for (size_t ki = 0; ki < program.kernels.size(); ++ki) {
        const auto& k = program.kernels[ki];
        for (const auto& c : k.core_ranges.cores()) {
            Core& core = *core_map.at({c.x, c.y});
            auto ctx = std::make_unique<KernelContext>(run, core, k, kernel_label(k, c));
            ctx->entry = entries[ki];
            core.kernels.push_back(ctx.get());
            run.kernels.push_back(std::move(ctx));
        }
    }
    run_fibers(run, options);
    if (run.aborted) {
        if (run.deadlock) {
            throw DeadlockError(run.error);
        }
        throw EmulatorError(run.error);
    }

    for (const auto& k : run.kernels) {
        run.stats.tiles_computed += k->tiles_packed;
        const CoreKey key{k->core().coord.x, k->core().coord.y};
        if (k->tiles_packed > 0 || run.stats.tiles_computed_per_core.count(key) == 0) {
            run.stats.tiles_computed_per_core[key] += k->tiles_packed;
        }
    }
    for (const auto& core : run.cores) {
        const CoreKey key{core->coord.x, core->coord.y};
        run.stats.l1_high_water_per_core[key] = core->cb_end;
        run.stats.noc_transactions_per_core[key] = core->noc_transactions;
    }
    run.stats.kernels_run = static_cast<uint32_t>(run.kernels.size());
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

KernelApi* current_kernel_api() { return t_current_api; }

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
    const uint32_t ds = tt::datum_size(format);
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
