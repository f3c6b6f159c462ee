// SPDX-License-Identifier: Apache-2.0
//
// Room "jit": kernel build, cache and loading (see jit.hpp).
#include "jit/jit.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "emu/emulator.hpp"
#include "jit/generated_headers.hpp"
#include "jit/jit_cache.hpp"

namespace fs = std::filesystem;

namespace tensix_emu {
namespace {

std::mutex g_dirs_mutex;
std::string g_include_root;
std::string g_cache_dir;

// Loaded kernel libraries, most recently used first, keyed by their cache key; at most g_max_loaded
// (LRU). A run holds its libraries through JitResult::library, so an evicted one stays loaded until its
// last run ends.
using Lru = std::list<std::pair<std::string, std::shared_ptr<jit_cache::LoadedLibrary>>>;
std::mutex g_jit_mutex;
Lru g_loaded;
std::unordered_map<std::string, Lru::iterator> g_loaded_index;
size_t g_max_loaded = 0;  // 0: not read from the environment yet
JitCacheStats g_stats;
std::set<std::string> g_cleaned_dirs;  // cache dirs whose stale temporaries this process removed
// Keys a thread of this process is building (cache lookup, compile, load) outside g_jit_mutex; another thread asking
// for the same key waits on g_built until it is in g_loaded_index (or its builder failed).
std::set<std::string> g_building;
std::condition_variable g_built;
std::map<std::string, std::string> g_compiler_versions;

constexpr size_t kDefaultMaxLoaded = 256;

// The link of the compiled kernel object into its library, without the compile flags: with -ffast-math on the link
// line GCC 12 adds crtfastmath.o even to a -shared library (GCC 13 stopped, PR 55522), whose constructor sets FTZ and
// DAZ in MXCSR when the library is loaded, flushing the emulator's own subnormals (its bit-exact models) from then on.
constexpr const char* kLinkCommand = "-shared -fPIC";

size_t max_loaded_locked() {
    if (g_max_loaded == 0) {
        g_max_loaded = kDefaultMaxLoaded;
        if (const char* env = std::getenv(kJitMaxLoadedEnv); env && *env) {
            char* end = nullptr;
            const long long v = std::strtoll(env, &end, 10);
            if (*end != '\0' || v < 1) {
                throw EmulatorError(std::string(kJitMaxLoadedEnv) + " must be an integer >= 1 (kernel libraries kept loaded), got '" +
                                    env + "'");
            }
            g_max_loaded = static_cast<size_t>(v);
        }
    }
    return g_max_loaded;
}

void evict_locked(size_t keep) {
    while (g_loaded.size() > keep) {
        g_loaded_index.erase(g_loaded.back().first);
        g_loaded.pop_back();
        ++g_stats.evictions;
    }
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        throw CompileError("emulator JIT: cannot read kernel source '" + path + "'");
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

// Hash of every header under the include root, so a change to the emulator's kernel API recompiles.
void hash_headers(jit_cache::Sha256& h, const std::string& root) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.is_regular_file()) {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
        h.field(p.lexically_relative(root).string());
        h.field(read_file(p.string()));
    }
}

// Hash of the headers beside the kernel and one folder up (.h/.hpp/.inl): the headers a kernel includes
// with a relative path, such as cpp/device/kernels/layernorm_fused_rm_cb_index.hpp. Deeper relative
// includes are not tracked.
void hash_kernel_local_headers(jit_cache::Sha256& h, const fs::path& kernel_source) {
    std::vector<fs::path> files;
    for (const fs::path& dir : {kernel_source.parent_path(), kernel_source.parent_path().parent_path()}) {
        if (!fs::is_directory(dir)) {
            continue;
        }
        for (const auto& e : fs::directory_iterator(dir)) {
            const auto ext = e.path().extension();
            if (e.is_regular_file() && (ext == ".h" || ext == ".hpp" || ext == ".inl")) {
                files.push_back(e.path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
        h.field(p.string());
        h.field(read_file(p.string()));
    }
}

// Output of the whole command `cmd` (stderr included) and its exit status.
std::pair<std::string, int> run_command(const std::string& cmd) {
    std::string output;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) {
        throw CompileError("emulator JIT: cannot run the host compiler: " + cmd);
    }
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
        output.append(buf, n);
    }
    return {output, ::pclose(p)};
}

// `cxx --version`, once per compiler per process: part of the cache key, so a compiler upgrade recompiles.
std::string compiler_version_locked(const std::string& cxx) {
    auto it = g_compiler_versions.find(cxx);
    if (it == g_compiler_versions.end()) {
        auto [out, rc] = run_command(shell_quote(cxx) + " --version");
        it = g_compiler_versions.emplace(cxx, out + "\nexit " + std::to_string(rc)).first;
    }
    return it->second;
}


}  // namespace

std::vector<std::string> kernel_float_flags() {
    std::string spec = kJitKernelFloatFlags;
    if (const char* env = std::getenv(kJitFloatFlagsEnv); env && *env) {
        spec = env;
    }
    std::vector<std::string> out;
    std::istringstream words(spec);
    for (std::string w; words >> w;) {
        if (w.rfind("-f", 0) != 0) {
            throw CompileError(std::string(kJitFloatFlagsEnv) +
                               " must hold only -f... float-semantics flags separated by spaces (such as -ffast-math "
                               "-fno-associative-math), got '" + w + "' in '" + spec + "'");
        }
        out.push_back(w);
    }
    return out;
}

void set_include_root(const std::string& dir) {
    std::lock_guard<std::mutex> lk(g_dirs_mutex);
    g_include_root = dir;
}
void set_cache_dir(const std::string& dir) {
    std::lock_guard<std::mutex> lk(g_dirs_mutex);
    g_cache_dir = dir;
}
std::string include_root() {
    std::lock_guard<std::mutex> lk(g_dirs_mutex);
    return g_include_root;
}
std::string cache_dir() {
    std::lock_guard<std::mutex> lk(g_dirs_mutex);
    return g_cache_dir.empty() ? jit_cache::default_dir() : g_cache_dir;
}

JitCacheStats jit_cache_stats() {
    std::lock_guard<std::mutex> lk(g_jit_mutex);
    JitCacheStats s = g_stats;
    s.loaded = g_loaded.size();
    s.max_loaded = max_loaded_locked();
    return s;
}

void set_jit_max_loaded(size_t n) {
    if (n < 1) {
        throw std::invalid_argument("set_jit_max_loaded: n must be >= 1 (kernel libraries kept loaded), got 0");
    }
    std::lock_guard<std::mutex> lk(g_jit_mutex);
    g_max_loaded = n;
    evict_locked(n);
}

JitResult jit_kernel(const tt::tt_metal::KernelDescriptor& k, const std::vector<tt::tt_metal::CBDescriptor>& cbs) {
    using tt::tt_metal::ComputeConfigDescriptor;
    const std::string inc = include_root();
    if (inc.empty() || !fs::is_directory(inc)) {
        throw CompileError("emulator JIT: include root '" + inc + "' is not a directory (set_include_root)");
    }
    if (!fs::is_regular_file(k.kernel_source)) {
        throw CompileError("emulator JIT: kernel source '" + k.kernel_source + "' does not exist");
    }
    const char* cxx_env = std::getenv("CXX");
    const std::string cxx = (cxx_env && *cxx_env) ? cxx_env : "g++";

    // -fno-gnu-unique: g++ otherwise marks inline statics STB_GNU_UNIQUE, which makes glibc refuse to unload
    // the library (dl-lookup.c), so an evicted kernel would stay mapped.
    std::vector<std::string> flags = {"-std=c++20", "-O2", "-fPIC", "-shared", "-fvisibility=hidden", "-fno-gnu-unique",
                                      "-I" + inc, "-I" + fs::path(k.kernel_source).parent_path().string()};
    // Float semantics of the kernel TU as tt-metal compiles it for every RISC-V (BRISC, NCRISC, TRISC0..2): one
    // common flag string (kJitKernelFloatFlags), or $LAYERNORM_FUSED_RM_JIT_FLOAT_FLAGS. Compile flags only: the
    // link (kLinkCommand) runs without them, see there.
    for (auto& f : kernel_float_flags()) {
        flags.push_back(std::move(f));
    }
    for (auto& f : upstream_include_flags(k.kernel_source)) {
        flags.push_back(std::move(f));
    }
    std::string cta;
    for (size_t i = 0; i < k.compile_time_args.size(); ++i) {
        cta += (i ? "," : "") + std::to_string(k.compile_time_args[i]);
    }
    flags.push_back("-DKERNEL_COMPILE_TIME_ARGS=" + cta);
    if (const auto* cc = std::get_if<ComputeConfigDescriptor>(&k.config)) {
        flags.push_back("-DCOMPILE_FOR_TRISC=1");
        flags.push_back(std::string("-DDST_ACCUM_MODE=") + (cc->fp32_dest_acc_en ? "true" : "false"));
        flags.push_back("-DMATH_FIDELITY=" + std::to_string(int(cc->math_fidelity)));
        flags.push_back(std::string("-DAPPROX=") + (cc->math_approx_mode ? "true" : "false"));
    } else if (k.is_reader()) {
        flags.push_back("-DCOMPILE_FOR_NCRISC=1");
    } else {
        flags.push_back("-DCOMPILE_FOR_BRISC=1");
    }
    for (const auto& [name, value] : k.defines) {
        flags.push_back("-D" + name + "=" + value);
    }

    const std::string wrapper =
        "// generated by the layernorm_fused_rm emulator JIT\n"
        "#include \"emu/kernel_iface.hpp\"\n" +
        generated_kernel_prelude(k, cbs) +
        "#include \"" + k.kernel_source + "\"\n"
        "extern \"C\" __attribute__((visibility(\"default\"))) void emu_kernel_set_api_getter(\n"
        "        tensix_emu::KernelApi* (*getter)()) {\n"
        "    tensix_emu::kernel_side::current_api_getter = getter;\n"
        "}\n"
        "extern \"C\" __attribute__((visibility(\"default\"))) void emu_kernel_entry() { kernel_main(); }\n";

    std::unique_lock<std::mutex> lk(g_jit_mutex);
    // The key: everything the library's bytes depend on (compiler and its version, flags, the generated
    // wrapper, the kernel source, the emulator's headers, the headers beside the kernel).
    jit_cache::Sha256 h;
    h.field(cxx);
    h.field(compiler_version_locked(cxx));
    for (const auto& f : flags) {
        h.field(f);
    }
    h.field(kLinkCommand);
    h.field(wrapper);
    h.field(k.kernel_source);
    h.field(read_file(k.kernel_source));
    hash_headers(h, inc);
    hash_kernel_local_headers(h, k.kernel_source);
    const std::string key = h.hex();
    const std::string stem = fs::path(k.kernel_source).stem().string() + "-" + key.substr(0, 16);

    JitResult res;
    // Another thread of this process building the same key: wait for it (then a hit in memory, or build here if it
    // failed).
    g_built.wait(lk, [&] { return g_building.count(key) == 0; });
    if (auto it = g_loaded_index.find(key); it != g_loaded_index.end()) {
        g_loaded.splice(g_loaded.begin(), g_loaded, it->second);  // most recently used
        ++g_stats.hits_in_memory;
        res.cache_hit = true;
        res.library = it->second->second;
        res.entry = res.library->entry;
        res.so_path = (fs::path(cache_dir()) / (stem + ".so")).string();
        return res;
    }
    const std::string dir = cache_dir();
    jit_cache::check_dir(dir);
    if (g_cleaned_dirs.insert(dir).second) {
        jit_cache::clean_stale_temporaries(dir, 300.0);
    }
    res.so_path = (fs::path(dir) / (stem + ".so")).string();
    // The disk cache and the compile run without g_jit_mutex, so the kernels of a program build side by side
    // (program_run.cpp); the stem's file lock (jit_cache::StemLock, flock: per open file, so it excludes threads as
    // well as processes) orders builders of one stem.
    g_building.insert(key);
    lk.unlock();
    JitCacheStats counted;  // this build's counts, added to g_stats under the lock
    std::shared_ptr<jit_cache::LoadedLibrary> lib;
    try {
        // A cached entry is used only when its trailer names this key and its bytes hash to the recorded SHA-256;
        // anything else (missing, symlink, truncated, garbage, another kernel's, not loadable) is rebuilt once.
        std::string rejected;
        auto try_cached = [&]() -> std::shared_ptr<jit_cache::LoadedLibrary> {
            std::string why;
            auto entry = jit_cache::read_nofollow(res.so_path, &why);
            std::optional<std::string> library;
            if (entry) {
                library = jit_cache::open_entry(*entry, key, &why);
            }
            std::shared_ptr<jit_cache::LoadedLibrary> lib;
            if (library) {
                lib = jit_cache::load(dir, stem, *library, &current_kernel_api, &why);
            }
            if (!lib) {
                rejected = why;
            }
            return lib;
        };
        lib = try_cached();
        if (lib) {
            ++counted.hits_on_disk;
            res.cache_hit = true;
        } else {
            jit_cache::StemLock lock(dir, stem);
            lib = try_cached();  // another process may have built it while this one waited for the lock
            if (lib) {
                ++counted.hits_on_disk;
                res.cache_hit = true;
            } else {
                if (rejected != "missing") {
                    ++counted.rebuilds;
                }
                // Compile from a per-process source into a per-process output, then publish both by rename.
                const std::string src = jit_cache::temp_path(dir, stem + ".cpp");
                const std::string obj = jit_cache::temp_path(dir, stem + ".o");
                const std::string out = jit_cache::temp_path(dir, stem + ".so");
                jit_cache::publish(dir, fs::path(src).filename().string(), wrapper, 0644);
                std::string cmd = shell_quote(cxx);
                for (const auto& f : flags) {
                    cmd += " " + shell_quote(f);
                }
                // In a subshell, so run_command's 2>&1 captures the compiler's diagnostics as well as the linker's.
                cmd = "(" + cmd + " -c -x c++ " + shell_quote(src) + " -o " + shell_quote(obj) + " && " + shell_quote(cxx) +
                      " " + kLinkCommand + " " + shell_quote(obj) + " -o " + shell_quote(out) + ")";
                auto [output, rc] = run_command(cmd);
                std::string why;
                std::optional<std::string> library;
                if (rc == 0) {
                    library = jit_cache::read_nofollow(out, &why);
                }
                ::unlink(src.c_str());
                ::unlink(obj.c_str());
                ::unlink(out.c_str());
                if (rc != 0 || !library) {
                    throw CompileError("emulator JIT: compiling kernel '" + k.kernel_source + "' failed:\n" + output +
                                       "\ncommand: " + cmd + (rc == 0 ? "\noutput: " + why : ""));
                }
                ++counted.compiles;
                jit_cache::publish(dir, stem + ".cpp", wrapper, 0644);
                jit_cache::publish(dir, stem + ".so", jit_cache::make_entry(*library, key), 0644);
                lib = jit_cache::load(dir, stem, *library, &current_kernel_api, &why);
                if (!lib) {
                    const std::string what = rejected == "missing"
                                                 ? "was compiled into '" + res.so_path + "'"
                                                 : "was rebuilt into '" + res.so_path + "' (the cached library was rejected: " +
                                                       rejected + ")";
                    throw CompileError("emulator JIT: kernel '" + k.kernel_source + "' " + what +
                                       " and the new library does not load: " + why + ". The JIT cache dir is '" + dir +
                                       "' (" + jit_cache::kCacheEnv + "); remove the file or point " + jit_cache::kCacheEnv +
                                       " at an empty private directory");
                }
            }
        }
    } catch (...) {
        lk.lock();
        g_building.erase(key);
        g_built.notify_all();
        throw;
    }
    lk.lock();
    g_building.erase(key);
    g_built.notify_all();
    g_stats.hits_on_disk += counted.hits_on_disk;
    g_stats.rebuilds += counted.rebuilds;
    g_stats.compiles += counted.compiles;
    g_loaded.emplace_front(key, lib);
    g_loaded_index[key] = g_loaded.begin();
    evict_locked(max_loaded_locked());
    res.library = lib;
    res.entry = lib->entry;
    return res;
}

}  // namespace tensix_emu
