// SPDX-License-Identifier: Apache-2.0
//
// Room "jit": the kernel build. tt-metal JIT-compiles each kernel for the RISC-V cores with the kernel's
// compile-time args and defines (-DKERNEL_COMPILE_TIME_ARGS=..., as its JIT build passes them); the emulator
// compiles the same source with the host C++ compiler against its own kernel API headers (cpp/emulator/include,
// at tt-metal's include paths) into a shared object it loads, cached by content hash.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <tt-metalium/program_descriptors.hpp>
#include "emu/kernel_iface.hpp"

namespace tensix_emu {

namespace jit_cache {
struct LoadedLibrary;
}

struct JitResult {
    emu_kernel_entry_fn entry = nullptr;  ///< valid while `library` is held
    bool cache_hit = false;               ///< loaded already, or a valid entry of the on-disk cache
    std::string so_path;                  ///< the cache entry: <cache dir>/<kernel stem>-<key prefix>.so
    std::shared_ptr<jit_cache::LoadedLibrary> library;  ///< keeps the library loaded (hold it for the run)
};

/// Compiles (or finds in the cache) the kernel of `k` and returns its entry point. The cache key is the
/// SHA-256 of the compiler and its `--version`, the flags (compile-time args, defines), the generated wrapper,
/// the kernel source, the headers beside it and one folder up, and every emulator header. The on-disk cache
/// is described in jit_cache.hpp. Throws CompileError with the compiler output, or naming the cache file and
/// $LAYERNORM_FUSED_RM_JIT_CACHE when the cache dir is unsafe or a rebuilt library does not load.
JitResult jit_kernel(const tt::tt_metal::KernelDescriptor& k);

/// The KernelApi of the fiber running on the calling host thread (sched/scheduler.cpp); installed into every kernel .so.
KernelApi* current_kernel_api();

}  // namespace tensix_emu
