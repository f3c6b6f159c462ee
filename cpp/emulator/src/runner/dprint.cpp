// SPDX-License-Identifier: Apache-2.0
#include "runner/dprint.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace tensix_emu {
namespace {

std::mutex g_mutex;
std::string g_open_path;  // TT_METAL_DPRINT_FILE this process has truncated and writes to
std::ofstream g_file;

const char* const kRiscNames[] = {"BR", "NC", "TR0", "TR1", "TR2"};

[[noreturn]] void bad(const char* var, const char* value, const char* expected) {
    throw std::runtime_error(std::string(var) + ": expected " + expected + ", got '" + value + "'");
}

/// TT_METAL_DPRINT_CORES as rtoptions.cpp ParseFeatureCoreRange reads it: "all" / "worker" (every Tensix core;
/// "dispatch" selects none, the emulator has no dispatch cores), "x,y", "(x1,y1),(x2,y2),...", or the
/// rectangle "(x1,y1)-(x2,y2)". Unset: DPRINT disabled, as on silicon.
bool core_selected(uint32_t x, uint32_t y) {
    const char* v = std::getenv("TT_METAL_DPRINT_CORES");
    if (!v) return false;
    const char* expected = "all, worker, dispatch, x,y, (x1,y1),(x2,y2),... or (x1,y1)-(x2,y2)";
    if (!std::strcmp(v, "all") || !std::strcmp(v, "worker")) return true;
    if (!std::strcmp(v, "dispatch")) return false;
    unsigned a, b, c, d;
    if (std::isdigit((unsigned char)v[0])) {
        if (std::sscanf(v, "%u,%u", &a, &b) != 2) bad("TT_METAL_DPRINT_CORES", v, expected);
        return x == a && y == b;
    }
    if (v[0] != '(') bad("TT_METAL_DPRINT_CORES", v, expected);
    if (const char* dash = std::strchr(v, '-')) {
        if (std::sscanf(v, "(%u,%u)", &a, &b) != 2 || std::sscanf(dash, "-(%u,%u)", &c, &d) != 2)
            bad("TT_METAL_DPRINT_CORES", v, expected);
        return x >= a && x <= c && y >= b && y <= d;
    }
    for (const char* s = v; s;) {
        if (std::sscanf(s, "(%u,%u)", &a, &b) != 2) bad("TT_METAL_DPRINT_CORES", v, expected);
        if (x == a && y == b) return true;
        s = std::strchr(s, ',');
        s = s ? std::strchr(s + 1, ',') : nullptr;
        if (s) ++s;
    }
    return false;
}

/// TT_METAL_DPRINT_RISCVS: names BR|BRISC, NC|NCRISC, TR0|TRISC0, TR1|TRISC1, TR2|TRISC2, TR* (all three TRISCs),
/// separated by ',', '+' or '|' (tt-metal Hal::parse_processor_set_spec accepts this family). Unset: every RISC.
bool risc_selected(int risc) {
    const char* v = std::getenv("TT_METAL_DPRINT_RISCVS");
    if (!v) return true;
    std::string s(v);
    size_t start = 0;
    bool hit = false;
    while (start <= s.size()) {
        size_t end = s.find_first_of(",+|", start);
        std::string name = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
        int mask = 0;
        if (name == "BR" || name == "BRISC") mask = 1 << kDprintBR;
        else if (name == "NC" || name == "NCRISC") mask = 1 << kDprintNC;
        else if (name == "TR0" || name == "TRISC0") mask = 1 << kDprintTR0;
        else if (name == "TR1" || name == "TRISC1") mask = 1 << kDprintTR1;
        else if (name == "TR2" || name == "TRISC2") mask = 1 << kDprintTR2;
        else if (name == "TR*") mask = 7 << kDprintTR0;
        else bad("TT_METAL_DPRINT_RISCVS", v, "names from BR, NC, TR0, TR1, TR2, TR* separated by ',' '+' or '|'");
        hit = hit || (mask >> risc & 1);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return hit;
}

/// dprint_server.cpp: "<device id>:<x>-<y>:<RISC>: " (CoreCoord::str() of the core's virtual coordinate; the
/// emulator models that as the core's NOC coordinate, device 0) unless TT_METAL_DPRINT_PREPEND_DEVICE_CORE_RISC
/// is set to something other than "1" (rtoptions ParseFeaturePrependDeviceCoreRisc: default on).
void write_line(int risc, uint32_t noc_x, uint32_t noc_y, const std::string& line) {
    std::string out;
    const char* prepend = std::getenv("TT_METAL_DPRINT_PREPEND_DEVICE_CORE_RISC");
    if (!prepend || !std::strcmp(prepend, "1"))
        out = "0:" + std::to_string(noc_x) + "-" + std::to_string(noc_y) + ":" + kRiscNames[risc] + ": ";
    out += line;
    out += '\n';
    const char* path = std::getenv("TT_METAL_DPRINT_FILE");
    if (path && *path) {
        if (g_open_path != path) {  // the DPRINT server truncates its log when it starts
            g_file.close();
            g_file.open(path, std::ios::out | std::ios::trunc);
            if (!g_file) throw std::runtime_error(std::string("TT_METAL_DPRINT_FILE: cannot open '") + path + "'");
            g_open_path = path;
        }
        g_file << out;
        g_file.flush();
    } else {
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
    }
}

}  // namespace

void dprint_write(int risc, uint32_t x, uint32_t y, uint32_t noc_x, uint32_t noc_y, const std::string& text,
                  std::string& pending) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!core_selected(x, y) || !risc_selected(risc)) return;
    pending += text;
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
        write_line(risc, noc_x, noc_y, pending.substr(0, nl));
        pending.erase(0, nl + 1);
    }
}

void dprint_flush(int risc, uint32_t /*x*/, uint32_t /*y*/, uint32_t noc_x, uint32_t noc_y, std::string& pending) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (pending.empty()) return;
    write_line(risc, noc_x, noc_y, pending);
    pending.clear();
}

}  // namespace tensix_emu
