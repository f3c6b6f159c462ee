// SPDX-License-Identifier: Apache-2.0
#include "jit/jit_cache.hpp"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>

#include "emu/emulator.hpp"

namespace fs = std::filesystem;

namespace tensix_emu::jit_cache {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

std::string cache_hint(const std::string& dir) {
    return " (JIT cache dir '" + dir + "'; set " + std::string(kCacheEnv) + " to choose another)";
}

// Closes an fd on scope exit.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

bool write_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

constexpr const char* kTrailerTag = "\n#layernorm_fused_rm-jit-entry-v1 key=";

std::string trailer(const std::string& key, const std::string& sha, uint64_t size) {
    char num[32];
    std::snprintf(num, sizeof num, "%020llu", static_cast<unsigned long long>(size));
    return std::string(kTrailerTag) + key + " sha256=" + sha + " size=" + num + "\n";
}

}  // namespace

// ------------------------------------------------------------------------------------------------- SHA-256

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1) {
        throw CompileError("emulator JIT: OpenSSL SHA-256 is unavailable");
    }
}
Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256::update(const void* data, size_t n) { EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, n); }
void Sha256::field(const std::string& s) {
    const uint64_t n = s.size();
    update(&n, sizeof n);
    update(s.data(), s.size());
}
std::string Sha256::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len);
    std::string out;
    char b[3];
    for (unsigned i = 0; i < len; ++i) {
        std::snprintf(b, sizeof b, "%02x", md[i]);
        out += b;
    }
    return out;
}
std::string sha256_hex(const std::string& bytes) {
    Sha256 h;
    h.update(bytes.data(), bytes.size());
    return h.hex();
}

// ------------------------------------------------------------------------------------------------- the dir

std::string default_dir() {
    if (const char* env = std::getenv(kCacheEnv); env && *env) {
        return env;
    }
    std::string home;
    if (const char* h = std::getenv("HOME"); h && *h) {
        home = h;
    } else {
        // HOME unset (daemons, `env -i`): the passwd entry of the effective user, as Python's
        // os.path.expanduser does; never a shared directory such as /tmp.
        struct passwd pw {};
        struct passwd* found = nullptr;
        char buf[4096];
        if (::getpwuid_r(::geteuid(), &pw, buf, sizeof buf, &found) == 0 && found && found->pw_dir &&
            *found->pw_dir) {
            home = found->pw_dir;
        }
    }
    if (home.empty()) {
        throw CompileError(std::string("emulator JIT: no cache dir: HOME is unset and the user has no passwd home; set ") +
                           kCacheEnv + " to a private directory");
    }
    return home + "/.cache/layernorm_fused_rm/jit";
}

void check_dir(const std::string& dir) {
    if (dir.empty()) {
        throw CompileError(std::string("emulator JIT: the cache dir is empty; set ") + kCacheEnv);
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT) {
            throw CompileError("emulator JIT: cannot use the cache dir: " + errno_text(errno) + cache_hint(dir));
        }
        std::error_code ec;
        const fs::path parent = fs::path(dir).parent_path();
        if (!parent.empty()) {
            fs::create_directories(parent, ec);
        }
        if (ec) {
            throw CompileError("emulator JIT: cannot create the cache dir's parent '" + parent.string() +
                               "': " + ec.message() + cache_hint(dir));
        }
        // The last component is created private, whatever the umask lets the parents be.
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
            throw CompileError("emulator JIT: cannot create the cache dir: " + errno_text(errno) + cache_hint(dir));
        }
        if (::stat(dir.c_str(), &st) != 0) {
            throw CompileError("emulator JIT: cannot use the cache dir: " + errno_text(errno) + cache_hint(dir));
        }
    }
    if (!S_ISDIR(st.st_mode)) {
        throw CompileError("emulator JIT: the cache dir is not a directory" + cache_hint(dir));
    }
    if (st.st_uid != ::geteuid()) {
        throw CompileError("emulator JIT: the cache dir is owned by uid " + std::to_string(st.st_uid) +
                           ", not by this user (uid " + std::to_string(::geteuid()) +
                           "): its libraries would run in this process" + cache_hint(dir));
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        throw CompileError("emulator JIT: the cache dir is group- or world-writable (mode " + std::string(mode) +
                           "): other users could plant libraries that this process would run; run chmod go-w on it" +
                           cache_hint(dir));
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        throw CompileError("emulator JIT: the cache dir is not writable (" + errno_text(errno) + ")" + cache_hint(dir));
    }
}

// ------------------------------------------------------------------------------------------------- files

std::optional<std::string> read_nofollow(const std::string& path, std::string* why) {
    Fd f{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)};
    if (f.fd < 0) {
        *why = errno == ENOENT ? "missing" : errno == ELOOP ? "a symlink (not followed)" : errno_text(errno);
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *why = "not a regular file";
        return std::nullopt;
    }
    std::string out;
    out.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < out.size()) {
        const ssize_t r = ::read(f.fd, out.data() + got, out.size() - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        got += static_cast<size_t>(r);
    }
    out.resize(got);
    return out;
}

std::string temp_path(const std::string& dir, const std::string& base) {
    static std::atomic<uint64_t> counter{0};
    static const uint64_t salt = [] {
        std::random_device rd;
        return (uint64_t(rd()) << 32) ^ rd();
    }();
    const uint64_t n = counter.fetch_add(1);
    char tail[80];
    std::snprintf(tail, sizeof tail, ".tmp.%ld.%llu-%016llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(n),
                  static_cast<unsigned long long>(salt ^ (n * 0x9e3779b97f4a7c15ull)));
    return (fs::path(dir) / (base + tail)).string();
}

void publish(const std::string& dir, const std::string& name, const std::string& bytes, mode_t mode) {
    const std::string tmp = temp_path(dir, name);
    {
        Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)};
        if (f.fd < 0) {
            throw CompileError("emulator JIT: cannot create '" + tmp + "': " + errno_text(errno) + cache_hint(dir));
        }
        if (!write_all(f.fd, bytes.data(), bytes.size())) {
            const int e = errno;
            ::unlink(tmp.c_str());
            throw CompileError("emulator JIT: cannot write '" + tmp + "': " + errno_text(e) + cache_hint(dir));
        }
    }
    // rename(2) replaces a symlink at the destination itself; it never writes through it.
    const std::string dst = (fs::path(dir) / name).string();
    if (::rename(tmp.c_str(), dst.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw CompileError("emulator JIT: cannot rename '" + tmp + "' to '" + dst + "': " + errno_text(e) +
                           cache_hint(dir));
    }
}

std::string make_entry(const std::string& library, const std::string& key) {
    return library + trailer(key, sha256_hex(library), library.size());
}

std::optional<std::string> open_entry(const std::string& entry, const std::string& key, std::string* why) {
    const size_t tlen = trailer(key, std::string(64, '0'), 0).size();
    const size_t tag = std::strlen(kTrailerTag);
    if (entry.size() < tlen || entry.compare(entry.size() - tlen, tag, kTrailerTag) != 0) {
        *why = "no JIT trailer (truncated, garbage, or not written by this JIT)";
        return std::nullopt;
    }
    const std::string t = entry.substr(entry.size() - tlen);
    const std::string got_key = t.substr(tag, 64);
    if (got_key != key) {
        *why = "built for another key (" + got_key.substr(0, 16) + "..., expected " + key.substr(0, 16) + "...)";
        return std::nullopt;
    }
    const size_t size = std::strtoull(t.c_str() + t.size() - 21, nullptr, 10);
    if (size != entry.size() - tlen) {
        *why = "recorded size " + std::to_string(size) + " B, found " + std::to_string(entry.size() - tlen) + " B";
        return std::nullopt;
    }
    std::string library = entry.substr(0, size);
    const std::string sha = t.substr(tag + 64 + std::strlen(" sha256="), 64);
    if (sha256_hex(library) != sha) {
        *why = "SHA-256 of the library differs from the recorded one";
        return std::nullopt;
    }
    return library;
}

void clean_stale_temporaries(const std::string& dir, double min_age_s) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        return;
    }
    const time_t now = ::time(nullptr);
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        const size_t at = name.find(".tmp.");
        if (at == std::string::npos) {
            continue;
        }
        const long pid = std::strtol(name.c_str() + at + 5, nullptr, 10);
        struct stat st {};
        if (pid <= 0 || pid == ::getpid() || ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            continue;
        }
        const double age = std::difftime(now, st.st_mtime);
        const bool gone = ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
        if ((gone && age >= min_age_s) || age >= 86400.0) {
            ::unlinkat(::dirfd(d), e->d_name, 0);
        }
    }
    ::closedir(d);
}

// ------------------------------------------------------------------------------------------------- lock

StemLock::StemLock(const std::string& dir, const std::string& stem) {
    const std::string path = (fs::path(dir) / (stem + ".lock")).string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) {
        return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if ((errno != EWOULDBLOCK && errno != EINTR) || std::chrono::steady_clock::now() > deadline) {
            ::close(fd_);
            fd_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}
StemLock::~StemLock() {
    if (fd_ >= 0) {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

// ------------------------------------------------------------------------------------------------- load

LoadedLibrary::~LoadedLibrary() {
    if (handle) {
        ::dlclose(handle);
    }
}

std::shared_ptr<LoadedLibrary> load(const std::string& dir, const std::string& stem, const std::string& library,
                                    KernelApi* (*getter)(), std::string* why) {
    // dlopen returns an already-loaded object when the path string or the file's (device, inode) matches one
    // (glibc dl-load.c). A fresh copy under a name never used before has neither, so the bytes checked here
    // are the bytes that run.
    const std::string copy = temp_path(dir, stem + ".load.so");
    {
        Fd f{::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700)};
        if (f.fd < 0 || !write_all(f.fd, library.data(), library.size())) {
            *why = "cannot write '" + copy + "': " + errno_text(errno);
            if (f.fd >= 0) {
                ::unlink(copy.c_str());
            }
            return nullptr;
        }
    }
    auto lib = std::make_shared<LoadedLibrary>();
    lib->handle = ::dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
    const char* err = lib->handle ? nullptr : ::dlerror();
    ::unlink(copy.c_str());
    if (!lib->handle) {
        *why = std::string("dlopen failed: ") + (err ? err : "unknown error");
        return nullptr;
    }
    lib->entry = reinterpret_cast<emu_kernel_entry_fn>(::dlsym(lib->handle, "emu_kernel_entry"));
    auto set_getter = reinterpret_cast<emu_kernel_set_api_getter_fn>(::dlsym(lib->handle, "emu_kernel_set_api_getter"));
    if (!lib->entry || !set_getter) {
        *why = "lacks emu_kernel_entry / emu_kernel_set_api_getter";
        return nullptr;
    }
    set_getter(getter);
    return lib;
}

}  // namespace tensix_emu::jit_cache
