// SPDX-License-Identifier: Apache-2.0
//
// Room "jit": kernel build, cache and loading (see jit.hpp).
#include "jit/jit.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "emu/emulator.hpp"

namespace fs = std::filesystem;

namespace tensix_emu {
namespace {

std::mutex g_dirs_mutex;
std::string g_include_root;
std::string g_cache_dir;

std::mutex g_jit_mutex;
std::map<std::string, void*> g_loaded;  // so path -> dlopen handle (kept for the process lifetime)

uint64_t fnv1a(uint64_t h, const std::string& s) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
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
uint64_t headers_hash(const std::string& root) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.is_regular_file()) {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    uint64_t h = 1469598103934665603ull;
    for (const auto& p : files) {
        h = fnv1a(h, p.lexically_relative(root).string());
        h = fnv1a(h, read_file(p.string()));
    }
    return h;
}

// Hash of the headers beside the kernel and one folder up (.h/.hpp/.inl): the headers a kernel includes
// with a relative path, such as cpp/device/kernels/layernorm_fused_rm_cb_index.hpp. Deeper relative
// includes are not tracked.
uint64_t kernel_local_headers_hash(const fs::path& kernel_source) {
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
    uint64_t h = 1469598103934665603ull;
    for (const auto& p : files) {
        h = fnv1a(h, p.string());
        h = fnv1a(h, read_file(p.string()));
    }
    return h;
}

}  // namespace

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
    if (!g_cache_dir.empty()) {
        return g_cache_dir;
    }
    if (const char* env = std::getenv("LAYERNORM_FUSED_RM_JIT_CACHE"); env && *env) {
        return env;
    }
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "/tmp") + "/.cache/layernorm_fused_rm/jit";
}

JitResult jit_kernel(const tt::tt_metal::KernelDescriptor& k) {
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

    std::vector<std::string> flags = {"-std=c++20", "-O2", "-fPIC", "-shared", "-fvisibility=hidden",
                                      "-I" + inc, "-I" + fs::path(k.kernel_source).parent_path().string()};
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
        "#include \"emu/kernel_iface.hpp\"\n"
        "#include \"" + k.kernel_source + "\"\n"
        "extern \"C\" __attribute__((visibility(\"default\"))) void emu_kernel_set_api_getter(\n"
        "        tensix_emu::KernelApi* (*getter)()) {\n"
        "    tensix_emu::kernel_side::current_api_getter = getter;\n"
        "}\n"
        "extern \"C\" __attribute__((visibility(\"default\"))) void emu_kernel_entry() { kernel_main(); }\n";

    uint64_t h = 1469598103934665603ull;
    h = fnv1a(h, cxx);
    for (const auto& f : flags) {
        h = fnv1a(h, f);
    }
    h = fnv1a(h, wrapper);
    h = fnv1a(h, read_file(k.kernel_source));
    h ^= headers_hash(inc);
    h = fnv1a(h, std::to_string(kernel_local_headers_hash(k.kernel_source)));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    const fs::path dir = cache_dir();
    fs::create_directories(dir);
    const std::string stem = fs::path(k.kernel_source).stem().string() + "-" + hex;
    const fs::path so = dir / (stem + ".so");

    JitResult res;
    res.so_path = so.string();
    std::lock_guard<std::mutex> lk(g_jit_mutex);
    if (auto it = g_loaded.find(res.so_path); it != g_loaded.end()) {
        res.cache_hit = true;
        res.entry = reinterpret_cast<emu_kernel_entry_fn>(dlsym(it->second, "emu_kernel_entry"));
        return res;
    }
    if (fs::exists(so)) {
        res.cache_hit = true;
    } else {
        const fs::path src = dir / (stem + ".cpp");
        {
            std::ofstream out(src);
            out << wrapper;
        }
        const fs::path tmp = dir / (stem + ".so.tmp." + std::to_string(::getpid()));
        std::string cmd = shell_quote(cxx);
        for (const auto& f : flags) {
            cmd += " " + shell_quote(f);
        }
        cmd += " " + shell_quote(src.string()) + " -o " + shell_quote(tmp.string()) + " 2>&1";
        std::string output;
        FILE* p = ::popen(cmd.c_str(), "r");
        if (!p) {
            throw CompileError("emulator JIT: cannot run the host compiler: " + cmd);
        }
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
            output.append(buf, n);
        }
        const int rc = ::pclose(p);
        if (rc != 0) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw CompileError("emulator JIT: compiling kernel '" + k.kernel_source + "' failed:\n" + output +
                               "\ncommand: " + cmd);
        }
        fs::rename(tmp, so);
    }
    void* handle = ::dlopen(res.so_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        throw CompileError(std::string("emulator JIT: dlopen failed: ") + ::dlerror());
    }
    res.entry = reinterpret_cast<emu_kernel_entry_fn>(dlsym(handle, "emu_kernel_entry"));
    auto set_getter = reinterpret_cast<emu_kernel_set_api_getter_fn>(dlsym(handle, "emu_kernel_set_api_getter"));
    if (!res.entry || !set_getter) {
        throw CompileError("emulator JIT: '" + res.so_path + "' lacks emu_kernel_entry / emu_kernel_set_api_getter");
    }
    set_getter(&current_kernel_api);
    g_loaded[res.so_path] = handle;
    return res;
}

}  // namespace tensix_emu
