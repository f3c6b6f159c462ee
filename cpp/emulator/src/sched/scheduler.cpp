// SPDX-License-Identifier: Apache-2.0
//
// Room "sched": the fiber pool (see scheduler.hpp for the model and why the deadlock test is exact).
#include "sched/scheduler.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "jit/jit.hpp"
#include "kernel_failure.hpp"

namespace tensix_emu {

namespace {

constexpr size_t kFiberStack = 1u << 20;  // 1 MiB per kernel fiber, reserved lazily (MAP_NORESERVE), guard page

/// The fiber running on this host thread (set by the pool before switching to it), read by every kernel API call.
thread_local Fiber* t_current = nullptr;

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
    auto* f = reinterpret_cast<Fiber*>((uintptr_t(hi) << 32) | uintptr_t(lo));
    Scheduler& s = *f->scheduler;
    try {
        f->entry();
        if (f->on_return) {
            f->on_return();
        }
    } catch (const AbortSignal&) {
    } catch (const KernelFailure& e) {
        std::lock_guard<std::mutex> lk(s.m);
        s.fail_locked(f->name() + ": " + e.message);
    } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lk(s.m);
        s.fail_locked(f->name() + ": " + e.what());
    } catch (...) {
        std::lock_guard<std::mutex> lk(s.m);
        s.fail_locked(f->name() + ": unknown exception");
    }
    f->parking = false;
    f->done = true;  // read by the pool under the mutex after the switch below
    setcontext(f->pool_ctx);
}

}  // namespace

KernelApi* current_kernel_api() { return t_current ? t_current->api() : nullptr; }

void Scheduler::wake_locked(const std::vector<Fiber*>& candidates) {
    bool woke = false;
    for (Fiber* k : candidates) {
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

void Scheduler::fail_locked(const std::string& msg) {
    if (!aborted) {
        error = msg;
        aborted = true;
    }
    abort_wake_locked();
}

void Scheduler::abort_wake_locked() {
    for (Fiber* k : fibers) {
        if (k->state == FiberState::Blocked) {
            k->state = FiberState::Ready;
            ready.push_back(k);
        }
    }
    cv.notify_all();
}

uint32_t Scheduler::run(const RunOptions& options) {
    const size_t n = fibers.size();
    const uint32_t threads = std::min<uint32_t>(pool_size(options), std::max<size_t>(n, 1));
    // Stacks and contexts.
    for (Fiber* k : fibers) {
        void* mem = ::mmap(nullptr, kFiberStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                           -1, 0);
        if (mem == MAP_FAILED) {
            throw EmulatorError("emulator: cannot map a kernel fiber stack");
        }
        ::mprotect(mem, 4096, PROT_NONE);  // guard page: a kernel stack overflow faults instead of corrupting
        k->stack = static_cast<uint8_t*>(mem);
        k->stack_size = kFiberStack;
        k->scheduler = this;
        getcontext(&k->ctx);
        k->ctx.uc_stack.ss_sp = mem;
        k->ctx.uc_stack.ss_size = kFiberStack;
        k->ctx.uc_link = nullptr;
        const auto p = reinterpret_cast<uintptr_t>(k);
        makecontext(&k->ctx, reinterpret_cast<void (*)()>(&fiber_main), 2, unsigned(p >> 32), unsigned(p & 0xffffffffu));
        k->state = FiberState::Ready;
        ready.push_back(k);
    }
    auto worker = [this, n] {
        ucontext_t pool_ctx;
        std::unique_lock<std::mutex> lk(m);
        while (true) {
            if (finished == n) {
                break;
            }
            if (ready.empty()) {
                if (running == 0 && !aborted) {
                    report_deadlock_locked();  // nothing runs, nothing can: every live fiber is blocked
                    continue;
                }
                cv.wait(lk);
                continue;
            }
            Fiber* k = ready.front();
            ready.pop_front();
            k->state = FiberState::Running;
            k->pool_ctx = &pool_ctx;
            ++running;
            lk.unlock();
            t_current = k;
            swapcontext(&pool_ctx, &k->ctx);
            t_current = nullptr;
            lk.lock();
            --running;
            if (k->done) {
                k->state = FiberState::Done;
                k->blocked = false;
                ++finished;
                if (finished == n) {
                    cv.notify_all();
                    done_cv.notify_all();
                }
            } else if (k->parking) {
                k->parking = false;
                if (aborted || (k->unblock_pred && k->unblock_pred())) {
                    k->state = FiberState::Ready;
                    ready.push_back(k);
                } else {
                    k->state = FiberState::Blocked;
                }
            }
            if (!ready.empty()) {
                cv.notify_one();
            } else if (running == 0 && finished < n && !aborted) {
                report_deadlock_locked();
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
        std::unique_lock<std::mutex> lk(m);
        while (finished < n) {
            done_cv.wait_for(lk, std::chrono::milliseconds(200));
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (options.watchdog_seconds > 0 && secs > options.watchdog_seconds && !aborted) {
                fail_locked("watchdog: the program ran longer than " + std::to_string(options.watchdog_seconds) +
                            " s (a kernel looping without calling the kernel API?)");
            }
        }
    }
    for (auto& t : pool) {
        t.join();
    }
    for (Fiber* k : fibers) {
        ::munmap(k->stack, k->stack_size);
        k->stack = nullptr;
    }
    return threads;
}

}  // namespace tensix_emu
