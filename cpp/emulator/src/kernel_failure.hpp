// SPDX-License-Identifier: Apache-2.0
//
// The one error type every room raises when a kernel API call breaks a rule silicon punishes (strict mode).
// It is thrown from inside the call, on the kernel's fiber, never recorded where it is thrown (the thrower may
// hold the run's mutex): the fiber's top level (sched/scheduler.cpp, fiber_main) prefixes the kernel's name,
// records the message as the run's error and aborts every other kernel.
#pragma once

#include <string>
#include <utility>

namespace tensix_emu {

/// A rule violation by the calling kernel; `message` names the call, the CB/address and the numbers.
struct KernelFailure {
    std::string message;
};

/// Throws KernelFailure{msg}: the run fails with "<kernel name>: <msg>".
[[noreturn]] inline void fail(std::string msg) { throw KernelFailure{std::move(msg)}; }

}  // namespace tensix_emu
