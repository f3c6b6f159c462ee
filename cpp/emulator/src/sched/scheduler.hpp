// SPDX-License-Identifier: Apache-2.0
//
// Room "sched": the fiber pool, blocking waits and exact deadlock detection of one program run.
//
// Every kernel instance is a fiber (fiber.hpp); a pool of at most N host threads runs them (N =
// RunOptions::max_threads, default $LAYERNORM_FUSED_RM_EMU_THREADS or min(hardware threads, 4)), so a program
// with far more kernels than threads still runs. A kernel that must wait (cb_reserve_back / cb_wait_front,
// noc_semaphore_wait / _wait_min) records a predicate and a description and yields its thread back to the pool.
// All CB and semaphore state of a run lives under the one mutex `m`. A blocked fiber is re-queued when a CB
// operation on its core, or a semaphore change of its core (noc/intercore.cpp), makes its predicate true. When no fiber is running or ready and some have not finished, every live kernel is blocked with a false
// predicate: since only a running kernel can change CB state, that is an exact deadlock test, made at once and
// program-wide (report in deadlock.cpp).
#pragma once

#include <ucontext.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "emu/emulator.hpp"
#include "sched/fiber.hpp"

namespace tensix_emu {

class Scheduler {
public:
    std::mutex m;
    std::condition_variable cv;       ///< pool threads: a fiber became ready / the run ended
    std::condition_variable done_cv;  ///< the caller: every fiber finished
    std::vector<Fiber*> fibers;       ///< every fiber of the run (owned by the runner)
    std::deque<Fiber*> ready;
    size_t running = 0;
    size_t finished = 0;
    std::atomic<bool> aborted{false};
    std::string error;
    bool deadlock = false;
    // Tracing (RunOptions::trace), all under m. `clock` is the logical clock of TraceEvent: ticked once per CB
    // operation and per semaphore wait, only while tracing.
    bool tracing = false;
    uint64_t clock = 0;
    std::vector<TraceEvent> trace;

    /// m held, tracing: ticks the clock and records a CB event of kernel f on CB `cb` (state `c`, after the op).
    void trace_cb_locked(const Fiber& f, TraceEvent::Kind kind, int32_t cb, int32_t pages, const CBState& c) {
        TraceEvent e;
        e.kind = kind;
        e.ts = e.end = ++clock;
        e.core = f.core_key;
        e.slot = f.slot;
        e.kernel = f.name();
        e.cb = cb;
        e.pages = pages;
        e.occupied = c.occupied();
        e.capacity = c.num_pages;
        trace.push_back(std::move(e));
    }

    /// Runs every fiber to completion (or until the run aborts). Returns the number of host threads used.
    /// Throws EmulatorError when a fiber stack cannot be mapped or $LAYERNORM_FUSED_RM_EMU_THREADS is invalid.
    uint32_t run(const RunOptions& options);

    /// From a fiber: throws AbortSignal once the run has aborted.
    void check_aborted() const {
        if (aborted) {
            throw AbortSignal{};
        }
    }

    /// From fiber f, lk holding m on entry and exit: returns at once if pred() holds, else records what f waits
    /// for (CB `cb`, whose state is `c`, at the front or for space) and yields f's thread until a CB change makes
    /// pred() true. Throws AbortSignal when the run aborted meanwhile.
    template <typename Pred, typename Describe>
    void block_until(std::unique_lock<std::mutex>& lk, Fiber& f, int32_t cb, const CBState* c, bool front,
                     Pred pred, Describe describe);

    /// From fiber f, lk holding m on entry and exit, while tracing: puts f at the back of the ready queue and
    /// yields its thread, so that every kernel issues one CB operation per round (the traced interleaving:
    /// every RISC advancing together, rather than one kernel running until it blocks). Throws AbortSignal
    /// when the run aborted meanwhile.
    void yield_locked(std::unique_lock<std::mutex>& lk, Fiber& f) {
        f.unblock_pred = [] { return true; };  // the pool re-queues a parking fiber whose predicate holds
        f.parking = true;
        lk.unlock();
        swapcontext(&f.ctx, f.pool_ctx);
        lk.lock();
        f.unblock_pred = nullptr;
        if (aborted) {
            throw AbortSignal{};
        }
    }

    /// m held. Re-queues the blocked fibers among `candidates` (a core's kernels, after a CB of the core
    /// changed) whose wait is now satisfied.
    void wake_locked(const std::vector<Fiber*>& candidates);

    /// m held. Records the run's first error and aborts every fiber.
    void fail_locked(const std::string& msg);

    /// m held: after an abort, every blocked fiber is resumed so it unwinds its stack (AbortSignal).
    void abort_wake_locked();

    /// m held, nothing running or ready: every fiber not finished is blocked with a false predicate. Writes the
    /// deadlock report (each blocked kernel's wait, its CB's counts and diagnosis, recent CB operations) as the
    /// run's error and aborts (deadlock.cpp).
    void report_deadlock_locked();
};

template <typename Pred, typename Describe>
void Scheduler::block_until(std::unique_lock<std::mutex>& lk, Fiber& f, int32_t cb, const CBState* c, bool front,
                            Pred pred, Describe describe) {
    if (pred()) {
        return;
    }
    TraceEvent blocked;  // filled only while tracing: the wait as it began
    if (tracing) {
        blocked.kind = TraceEvent::Kind::Block;
        blocked.ts = clock;
        blocked.core = f.core_key;
        blocked.slot = f.slot;
        blocked.kernel = f.name();
        blocked.cb = cb;
        blocked.call = describe();
        if (c) {
            blocked.occupied = c->occupied();
            blocked.capacity = c->num_pages;
        }
    }
    f.blocked = true;
    f.wait_cb = cb;
    f.wait_state = c;
    f.wait_front = front;
    f.unblock_pred = pred;
    f.blocked_on = describe;
    while (true) {
        // Yield to the pool thread, which parks this fiber under the mutex (re-checking pred, so a CB change made
        // between the unlock and the park is never lost). Resumed, possibly on another pool thread, once a CB
        // operation on this core made pred true, or when the run aborted.
        f.parking = true;
        lk.unlock();
        swapcontext(&f.ctx, f.pool_ctx);
        lk.lock();
        if (aborted || pred()) {
            break;
        }
    }
    f.blocked = false;
    f.wait_cb = -1;
    f.wait_state = nullptr;
    f.blocked_on = nullptr;  // it refers to the caller's locals
    f.unblock_pred = nullptr;
    if (tracing && !aborted) {
        blocked.end = clock;
        trace.push_back(std::move(blocked));
    }
    if (aborted) {
        throw AbortSignal{};
    }
}

}  // namespace tensix_emu
