// SPDX-License-Identifier: Apache-2.0
//
// Room "sched": one kernel instance (kernel x core) as a user-level fiber.
//
// On silicon every kernel of a core runs on its own RISC-V (BRISC, NCRISC, TRISC0-2) concurrently. The emulator
// runs each kernel instance as a fiber (POSIX ucontext, its own stack) that a bounded pool of host threads
// resumes; a fiber gives its thread back only when it must wait (a circular-buffer call whose condition does
// not hold yet). What it waits for is kept here so the scheduler can wake it and, when nothing can run, explain
// the deadlock.
#pragma once

#include <ucontext.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>

#include "cb/circular_buffer.hpp"
#include "emu/emulator.hpp"
#include "emu/kernel_iface.hpp"

namespace tensix_emu {

class Scheduler;

enum class FiberState { Ready, Running, Blocked, Done };

/// Unwinds a kernel's fiber after another kernel failed or the program deadlocked.
struct AbortSignal {};

/// The scheduling state of one kernel instance. Members below `state` are read and written under the
/// scheduler's mutex.
class Fiber {
public:
    /// name: the kernel's label in reports, e.g. "compute layernorm_fused_rm.cpp @ core (0,0)"; api: the
    /// KernelApi the kernel's calls reach while this fiber runs.
    Fiber(std::string name, KernelApi* api) : name_(std::move(name)), api_(api) {}
    Fiber(const Fiber&) = delete;
    Fiber& operator=(const Fiber&) = delete;

    const std::string& name() const { return name_; }
    KernelApi* api() const { return api_; }
    /// Appends `op` to this kernel's recent CB operations (printed by the deadlock report).
    void note(const std::string& op) {
        history.push_back(op);
        if (history.size() > kHistory) {
            history.pop_front();
        }
    }

    FiberState state = FiberState::Ready;
    bool done = false;
    bool blocked = false;
    bool parking = false;            ///< yielded to the pool to block; the pool parks it under the mutex
    ucontext_t ctx{};                ///< the fiber
    ucontext_t* pool_ctx = nullptr;  ///< the pool thread context to yield to (set at every resume)
    uint8_t* stack = nullptr;
    size_t stack_size = 0;
    emu_kernel_entry_fn entry = nullptr;
    /// Run after the kernel returned, on its fiber: end-of-kernel rules (throws KernelFailure), e.g. semaphore
    /// increments never acknowledged.
    std::function<void()> on_return;
    Scheduler* scheduler = nullptr;
    std::function<bool()> unblock_pred;
    std::function<std::string()> blocked_on;  ///< evaluated when a report is written, so its counts are current
    int32_t wait_cb = -1;                     ///< CB this kernel is blocked on
    const CBState* wait_state = nullptr;      ///< that CB's state
    bool wait_front = false;                  ///< blocked in cb_wait_front (else cb_reserve_back)
    std::deque<std::string> history;
    CoreKey core_key{0, 0};  ///< the kernel's core, for trace events
    uint32_t slot = 0;       ///< the kernel's index among its core's kernels, for trace events

private:
    std::string name_;
    KernelApi* api_;
};

}  // namespace tensix_emu
