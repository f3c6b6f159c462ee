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

/// Compiles (or finds in the cache) the kernel of `k` and returns its entry point. `cbs` are the program's CBs:
/// the per-kernel generated headers (jit/generated_headers.hpp) take their formats and sizes from them. The cache
/// key is the SHA-256 of the compiler and its `--version`, the flags (compile-time args, defines, float flags), the
/// link command, the generated wrapper (which holds the generated headers), the kernel source, the headers beside it
/// and one folder up, and every emulator header. The on-disk cache is described in jit_cache.hpp. Thread-safe: calls
/// for different keys compile side by side (the process lock covers only the in-memory index; a call for a key
/// another thread is building waits for it). Throws CompileError with the compiler
/// output, or naming the cache file and $LAYERNORM_FUSED_RM_JIT_CACHE when the cache dir is unsafe or a rebuilt
/// library does not load.
JitResult jit_kernel(const tt::tt_metal::KernelDescriptor& k, const std::vector<tt::tt_metal::CBDescriptor>& cbs);

/// Float-semantics flags of the kernel TUs: tt-metal 0.81.1 compiles every kernel (BRISC, NCRISC and TRISC alike)
/// with one common flag string that holds "-ffast-math -fno-finite-math-only -fsigned-zeros -fno-associative-math"
/// (the wheel's ttnn/build/lib/libtt_metal.so holds it as one string literal: `strings -a` shows
/// "-std=c++17 -ftt-nttp ... -flto=1 -flto-partition=one -ffast-math -fno-finite-math-only -fsigned-zeros
/// -fno-associative-math -fno-exceptions -fno-rtti -fno-use-cxa-atexit"; tt-metal PR #52236, "Correct fast-math
/// options", added the three negations to JitBuildEnv::init's common_flags in tt_metal/jit_build/build.cpp, whose
/// older form, "-std=c++17 -flto -ffast-math", folded Fast2Sum's b - ((a + b) - a) to 0). What is left of
/// -ffast-math: -freciprocal-math (x / C becomes x * (1 / C)), -fno-math-errno, -fno-trapping-math,
/// -fno-rounding-math, -fno-signaling-nans, -fcx-limited-range, -fexcess-precision=fast and the remaining
/// -funsafe-math-optimizations folds. The optimisation level is not mirrored (tt-metal: -Os on the data-movement
/// RISC-Vs, -O3 on TRISC; here -O2 for all): the level decides which of the allowed folds GCC finds, so a fold seen
/// at one level may be missed at another.
inline constexpr const char* kJitKernelFloatFlags = "-ffast-math -fno-finite-math-only -fsigned-zeros -fno-associative-math";
/// Environment variable replacing kJitKernelFloatFlags (space-separated -f flags only; CompileError otherwise), e.g.
/// "-ffast-math" to see a kernel as tt-metal before PR #52236 compiled it. Part of the JIT cache key (the flags are).
inline constexpr const char* kJitFloatFlagsEnv = "LAYERNORM_FUSED_RM_JIT_FLOAT_FLAGS";
/// The float flags the JIT compiles kernels with: kJitKernelFloatFlags, or $LAYERNORM_FUSED_RM_JIT_FLOAT_FLAGS when
/// set. Throws CompileError naming the variable for a word that is not an -f flag.
std::vector<std::string> kernel_float_flags();

/// The KernelApi of the fiber running on the calling host thread (sched/scheduler.cpp); installed into every kernel .so.
KernelApi* current_kernel_api();

}  // namespace tensix_emu
