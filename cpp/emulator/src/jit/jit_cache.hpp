// SPDX-License-Identifier: Apache-2.0
// The JIT's on-disk cache (internal to the emulator): a private directory, files published by rename,
// entries that carry their key and the SHA-256 of their library, libraries loaded under unique names.
//
// Threat model (as ccache's and pip's caches): the cache dir is trusted only when it belongs to the user and
// nobody else can write it (checked on every use). Inside it, any file may be stale, truncated, garbage,
// another kernel's, a symlink, or a half-written leftover of a killed process: none of that is ever loaded or
// written through; it is rebuilt. Whoever can write the user's cache dir can run code as the user (as with
// ccache); the checks make sure that is nobody else.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "emu/kernel_iface.hpp"

namespace tensix_emu::jit_cache {

/// The environment variable naming the cache dir (also named in every cache error).
inline constexpr const char* kCacheEnv = "LAYERNORM_FUSED_RM_JIT_CACHE";

/// Incremental SHA-256 (OpenSSL's EVP interface).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    /// Adds `s` preceded by its length, so that consecutive fields cannot run into each other.
    void field(const std::string& s);
    void update(const void* data, size_t n);
    std::string hex();  ///< 64 lowercase hex digits; call once

private:
    void* ctx_;
};
std::string sha256_hex(const std::string& bytes);

/// Default cache dir: $LAYERNORM_FUSED_RM_JIT_CACHE, else $HOME/.cache/layernorm_fused_rm/jit, else the
/// passwd home of the effective user. Never /tmp. Throws CompileError when none is known.
std::string default_dir();

/// Creates `dir` when missing (its last component with mode 0700) and checks it: a directory, owned by the
/// effective user, not group- or world-writable, writable by the user. Throws CompileError naming the dir,
/// the problem, the fix and kCacheEnv.
void check_dir(const std::string& dir);

/// The bytes of the regular file `path`, opened with O_NOFOLLOW; nullopt (and the reason in *why) when it is
/// missing, a symlink or not a regular file.
std::optional<std::string> read_nofollow(const std::string& path, std::string* why);

/// A fresh name "<dir>/<base>.tmp.<pid>.<n>-<random>" for a per-process temporary (see clean_stale_temporaries).
std::string temp_path(const std::string& dir, const std::string& base);

/// Writes `bytes` to a new temporary (O_CREAT | O_EXCL | O_NOFOLLOW) and renames it to <dir>/<name>, so readers
/// see the old file or the whole new one, and a symlink at <dir>/<name> is replaced, never followed.
void publish(const std::string& dir, const std::string& name, const std::string& bytes, mode_t mode);

/// A cache entry: the library's bytes followed by a fixed-size trailer recording `key` and the library's SHA-256
/// and size (ELF loaders ignore bytes past the last segment; the JIT loads only the recorded part).
std::string make_entry(const std::string& library, const std::string& key);
/// The library of `entry` when its trailer names `key` and its size and SHA-256 match; else nullopt and why.
std::optional<std::string> open_entry(const std::string& entry, const std::string& key, std::string* why);

/// Removes leftovers of killed processes: "*.tmp.<pid>.*" files older than `min_age_s` whose process is gone,
/// and any older than a day. Errors are ignored (another process may remove the same file).
void clean_stale_temporaries(const std::string& dir, double min_age_s);

/// flock(2) on <dir>/<stem>.lock for the scope: one process compiles a kernel while the others wait for it.
/// The kernel releases the lock when a process dies. Without a lock (the lock file is a symlink, or 600 s pass)
/// the JIT still works: publishing is atomic; only the duplicate compile is not avoided.
class StemLock {
public:
    StemLock(const std::string& dir, const std::string& stem);
    ~StemLock();
    StemLock(const StemLock&) = delete;
    StemLock& operator=(const StemLock&) = delete;

private:
    int fd_ = -1;
};

/// A kernel library loaded with dlopen; dlclose when the last user lets go.
struct LoadedLibrary {
    void* handle = nullptr;
    emu_kernel_entry_fn entry = nullptr;
    LoadedLibrary() = default;
    LoadedLibrary(const LoadedLibrary&) = delete;
    LoadedLibrary& operator=(const LoadedLibrary&) = delete;
    ~LoadedLibrary();
};

/// Loads `library` (bytes already checked) from a unique temporary copy in `dir` (unlinked right after dlopen),
/// so the dynamic loader never hands back an older library loaded under the same name. Resolves
/// emu_kernel_entry and emu_kernel_set_api_getter and installs `getter`. nullptr and why on failure.
std::shared_ptr<LoadedLibrary> load(const std::string& dir, const std::string& stem, const std::string& library,
                                    KernelApi* (*getter)(), std::string* why);

}  // namespace tensix_emu::jit_cache
