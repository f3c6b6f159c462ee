// SPDX-License-Identifier: Apache-2.0
//
// Room "jit": the kernel build. tt-metal JIT-compiles each kernel for the RISC-V cores with the kernel's
// compile-time args and defines (-DKERNEL_COMPILE_TIME_ARGS=..., as its JIT build passes them); the emulator
// compiles the same source with the host C++ compiler against its own kernel API headers (cpp/emulator/include,
// at tt-metal's include paths) into a shared object it loads, cached by content hash.
#pragma once
#include <string>
#include <vector>

#include <tt-metalium/program_descriptors.hpp>
#include "emu/kernel_iface.hpp"

namespace tensix_emu {

struct JitResult {
    emu_kernel_entry_fn entry = nullptr;
    bool cache_hit = false;
    std::string so_path;
};

/// Compiles (or finds in the cache) the kernel of `k` and returns its entry point. The cache key is a
/// 64-bit FNV-1a hash of the kernel source, the headers beside it and one folder up, every emulator
/// header, the compile-time args, the defines and the compiler command line. Throws CompileError with the compiler output.
JitResult jit_kernel(const tt::tt_metal::KernelDescriptor& k);

/// The KernelApi of the fiber running on the calling host thread (sched/scheduler.cpp); installed into every kernel .so.
KernelApi* current_kernel_api();

}  // namespace tensix_emu
