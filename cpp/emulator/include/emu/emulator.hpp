// SPDX-License-Identifier: Apache-2.0
//
// Host Tensix emulator: public host-side API. Runs a tt::tt_metal::ProgramDescriptor (the mirror in
// cpp/tt_metal_mirror) by JIT-compiling its kernel sources with the host C++ compiler against the emulator's
// kernel API headers (cpp/emulator/include/api/..., the include paths tt-metal 0.81 uses); every kernel of
// every core runs as a fiber on a bounded pool of host threads, over emulated L1 circular buffers and
// interleaved DRAM banks.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <tt-metalium/program_descriptors.hpp>

#include "arch/arch_params.hpp"

namespace tensix_emu {

using tt_metal_mirror::ArchParams;
using tt_metal_mirror::kArchEnv;
using tt::DataFormat;
using tt::tt_metal::ComputeConfigDescriptor;
using tt::tt_metal::KernelDescriptor;
using tt::tt_metal::ProgramDescriptor;

/// Environment variable overriding the default host-thread pool size of a run.
inline constexpr const char* kThreadsEnv = "LAYERNORM_FUSED_RM_EMU_THREADS";

/// Any rule violation the emulator detects (strict mode): message names kernel, call, CB/address, numbers.
class EmulatorError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Every kernel of the program is blocked and none can make progress: message holds the per-kernel report.
class DeadlockError : public EmulatorError {
public:
    using EmulatorError::EmulatorError;
};

/// A kernel failed to JIT-compile: message holds the compiler output.
class CompileError : public EmulatorError {
public:
    using EmulatorError::EmulatorError;
};

/// Logical core coordinate used as a key of the per-core counters: (x, y).
using CoreKey = std::pair<uint32_t, uint32_t>;

/// One event of a traced run (RunOptions::trace). The clock `ts` is the emulator's logical clock: a global
/// sequence number, starting at 1, of the CB operations of the run (cb_reserve_back, cb_push_back, cb_wait_front,
/// cb_pop_front, every core together, in the order the run's mutex serialised them) and of semaphore waits. It
/// is an order, not a time: host wall time of the emulator says nothing about silicon.
struct TraceEvent {
    enum class Kind : uint8_t {
        Reserve,    ///< cb_reserve_back issued (ts), before any wait for space
        Push,       ///< cb_push_back (occupied: pages in the CB after the push)
        WaitFront,  ///< cb_wait_front issued (ts), before any wait for data
        Pop,        ///< cb_pop_front (occupied: pages in the CB after the pop)
        Block,      ///< a blocking wait: from ts (the blocking call) to end (the clock when the kernel resumed)
    };
    Kind kind = Kind::Reserve;
    uint64_t ts = 0;
    uint64_t end = 0;          ///< Block only: clock at resume (>= ts; == ts only when a NOC semaphore write, which
                               ///< does not tick the clock, released it); else == ts
    CoreKey core{0, 0};        ///< logical core (x, y)
    uint32_t slot = 0;         ///< the kernel's index among the kernels of its core (program order)
    std::string kernel;        ///< the kernel's label, e.g. "reader reader.cpp @ core (0,0)"
    int32_t cb = -1;           ///< CB index; -1 for a semaphore wait
    int32_t pages = 0;         ///< pages of the call; semaphore wait: the value waited for
    uint32_t occupied = 0;     ///< pages pushed and not popped, after the operation (CB events)
    uint32_t capacity = 0;     ///< the CB's capacity in pages
    std::string call;          ///< Block only: the blocking call, e.g. "cb_wait_front(c_0, 4)"
};

/// Counters of one run.
struct RunStats {
    uint64_t dram_bytes_read = 0;
    uint64_t dram_bytes_written = 0;
    uint64_t noc_transactions = 0;
    std::map<uint32_t, uint64_t> dram_bytes_read_per_buffer;     ///< keyed by buffer address
    std::map<uint32_t, uint64_t> dram_bytes_written_per_buffer;  ///< keyed by buffer address
    uint32_t cores_used = 0;
    uint64_t tiles_computed = 0;   ///< tiles packed by compute kernels, all cores
    uint32_t l1_high_water = 0;    ///< bytes: highest CB end address on any core, minus nothing (absolute)
    uint32_t jit_cache_hits = 0;   ///< kernels found in the JIT cache
    uint32_t jit_compiles = 0;     ///< kernels compiled this run
    std::map<CoreKey, uint64_t> tiles_computed_per_core;    ///< tiles packed by the compute kernel of each core
    std::map<CoreKey, uint32_t> l1_high_water_per_core;     ///< bytes: end of the last CB on each core
    std::map<CoreKey, uint64_t> noc_transactions_per_core;  ///< NOC reads + writes issued by each core's kernels
    /// Tile operations of each core's compute kernel: one per tile unpacked into DEST (copy_tile, unary_bcast),
    /// tilized or untilized from a CB (tilize_block, pack_untilize_block), per FPU binary or reduce call and per SFPU
    /// call; inits and packs are not counted (the fp32-DEST kernels' tile step, layernorm_fused_rm_device_model.hpp).
    std::map<CoreKey, uint64_t> tile_ops_per_core;
    uint32_t kernels_run = 0;      ///< kernel instances (kernels x cores) run as fibers
    uint32_t host_threads = 0;     ///< host threads of the pool that ran them
    std::vector<std::string> warnings;
    /// Events of the run in clock order, when RunOptions::trace was set; empty otherwise.
    std::vector<TraceEvent> trace;
};

struct RunOptions {
    /// Hard bound on one run, seconds; only a safety net (deadlocks are detected directly). 0 = none.
    double watchdog_seconds = 300.0;
    /// Host threads running the program's kernels (user-level fibers scheduled by a pool). 0 = default:
    /// $LAYERNORM_FUSED_RM_EMU_THREADS if set, else min(std::thread::hardware_concurrency(), 4).
    uint32_t max_threads = 0;
    /// How the FPU reads a TF32 SrcB operand when SrcA is configured for BF16 (ISA ELWADD.md / ELWMUL.md /
    /// MVMUL.md read both operands in "SrcAStyle"; ReadBF16 of a TF32 datum is not defined further).
    /// false (default, pessimistic): truncated to BF16. true: full TF32. $LAYERNORM_FUSED_RM_EMU_OPTIMISTIC=1
    /// also selects true.
    bool optimistic_srcb = false;
    /// Record a TraceEvent for every CB operation and blocking wait into RunStats::trace, and yield the kernel's
    /// host thread after each of its CB calls (round robin: every kernel issues one CB operation per round, as
    /// if every RISC advanced together; with max_threads = 1 the interleaving is the same at every run). Off
    /// (default): one untaken branch per CB call, nothing stored.
    bool trace = false;
};

/// Directories the JIT needs; set once by the Python package at import (or by tests).
/// include_root: the folder containing `api/...` emulator kernel headers (cpp/emulator/include).
/// cache_dir: where compiled kernels are kept (default $LAYERNORM_FUSED_RM_JIT_CACHE, else
/// $HOME/.cache/layernorm_fused_rm/jit, else the user's passwd home + /.cache/layernorm_fused_rm/jit; never
/// /tmp). It must belong to the user and not be group- or world-writable (else CompileError on first use).
void set_include_root(const std::string& dir);
void set_cache_dir(const std::string& dir);
std::string include_root();
std::string cache_dir();

/// Environment variable: how many JIT-compiled kernel libraries a process keeps loaded (default 256).
inline constexpr const char* kJitMaxLoadedEnv = "LAYERNORM_FUSED_RM_JIT_MAX_LOADED";

/// Counters of the kernel JIT since the process started.
struct JitCacheStats {
    uint64_t loaded = 0;          ///< libraries loaded now
    uint64_t max_loaded = 0;      ///< the LRU bound: $LAYERNORM_FUSED_RM_JIT_MAX_LOADED or set_jit_max_loaded, default 256
    uint64_t hits_in_memory = 0;  ///< kernels found loaded
    uint64_t hits_on_disk = 0;    ///< kernels loaded from a valid cache entry
    uint64_t compiles = 0;        ///< kernels compiled
    uint64_t rebuilds = 0;        ///< compiles that replaced a rejected cache entry (stale, corrupt, foreign)
    uint64_t evictions = 0;       ///< libraries dropped from the loaded set (least recently used first)
};
JitCacheStats jit_cache_stats();
/// Bounds the loaded-library set to n >= 1 (evicting the least recently used now); a library still used by
/// a running program is unloaded when that run ends. Throws std::invalid_argument for n = 0.
void set_jit_max_loaded(size_t n);

class DeviceImpl;

/// One emulated chip: DRAM banks plus a grid of Tensix cores.
class Device {
public:
    explicit Device(const ArchParams& arch = ArchParams::from_env());
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    const ArchParams& arch() const;

    /// Allocates an interleaved DRAM buffer of size_bytes with page_size-byte pages (round-robin over
    /// banks, each page padded to dram_alignment). Returns its bank-local base address.
    uint32_t allocate_dram_buffer(uint64_t size_bytes, uint32_t page_size);
    /// Host write/read of a whole buffer in page order (size_bytes = num_pages * page_size, unpadded).
    void write_dram_buffer(uint32_t address, const void* src, uint64_t size_bytes);
    void read_dram_buffer(uint32_t address, void* dst, uint64_t size_bytes) const;
    void deallocate_dram_buffer(uint32_t address);

    /// Runs the program to completion. Throws DeadlockError, EmulatorError, CompileError.
    RunStats run(const ProgramDescriptor& program, const RunOptions& options = {});

private:
    std::unique_ptr<DeviceImpl> impl_;
};

/// Tilizes row-major data of `rows` x `cols` elements (multiples of 32) in `format` into tiles in
/// tile order (row of tiles outer), each tile 4 faces of 16x16, face-major, exactly as tilize_block
/// lays them out in L1. Used by tests to check the emulator's tilize against ttnn's host tilize.
std::vector<uint8_t> tilize_reference(const void* data, uint32_t rows, uint32_t cols, DataFormat format);

}  // namespace tensix_emu
