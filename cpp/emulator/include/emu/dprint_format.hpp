// SPDX-License-Identifier: Apache-2.0
//
// Kernel-side formatting of DEVICE_PRINT / DPRINT (api/debug/device_print.h). tt-metal 0.81.1's host DPRINT server
// formats each message with fmt from the format string kept in the ELF; the emulator has no fmt in the JIT, so this
// implements the subset of fmt's format-spec grammar a kernel uses, with fmt's meaning:
//   {} {N} (automatic or manual indexing, not mixed), {{ and }}, and specs [[fill]align][sign][#][0][width][.prec][type]
//   with types d x X b o (integers), f F e E g G (floats), s (strings), c.
// Default `{}` of a float/double: shortest text that reads back to the same value (fmt's default), via %.{p}g with the
// least p that round-trips. bool prints true/false, bf16_t prints its value as a float (wheel device_print.h
// device_print_type<bf16_t>, type 'w').
// Errors (bad format string, index out of range, wrong count): unsupported(), the emulator's refusal, since the wheel
// rejects them with static_asserts at compile time.
#pragma once
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "emu/kernel_iface.hpp"

/// Wheel device_print.h: a bfloat16 bit pattern, printed as its float value.
struct bf16_t {
    uint16_t val;
    bf16_t(uint16_t v) : val(v) {}
};

/// hostdevcommon/dprint_common.h: numpy-style slice [h0:h1:hs, w0:w1:ws] of a tile for TileSlice.
struct SliceRange {
    uint8_t h0, h1, hs, w0, w1, ws;
    static SliceRange hw0_32_16() { return SliceRange{0, 32, 16, 0, 32, 16}; }
    static SliceRange hw0_32_8() { return SliceRange{0, 32, 8, 0, 32, 8}; }
    static SliceRange hw0_32_4() { return SliceRange{0, 32, 4, 0, 32, 4}; }
    static SliceRange h0_w0_32() { return SliceRange{0, 1, 1, 0, 32, 1}; }
    static SliceRange h0_32_w0() { return SliceRange{0, 32, 1, 0, 1, 1}; }
    static SliceRange h0_32_w1() { return SliceRange{0, 32, 1, 1, 2, 1}; }
    static SliceRange hw041() { return SliceRange{0, 4, 1, 0, 4, 1}; }
};

// api/debug/dprint_tile.h
using dprint_tslice_ptr_t = bool;
#define TSLICE_RD_PTR true
#define TSLICE_WR_PTR false
using dprint_tslice_cb_t = bool;
#define TSLICE_INPUT_CB true
#define TSLICE_OUTPUT_CB false

/// api/debug/dprint_tile.h TileSlice: elements `slice_range` of tile `tile_idx` of CB `cb`, relative to the CB's
/// read pointer (TRISC0, or BRISC/NCRISC with TSLICE_RD_PTR) or write pointer (TRISC2, or TSLICE_WR_PTR), in the
/// CB's data format, at most MAX_BYTES of data. Read when the DPRINT runs, once per RISC printing it
/// (KernelApi::dprint_tile_slice); on TRISC1 (math) it prints the server's warning instead.
template <int MAX_BYTES = 32 * 2>
struct TileSlice {
    uint8_t cb;
    int tile_idx;
    SliceRange slice_range;
    bool cb_type = TSLICE_INPUT_CB, ptr_type = TSLICE_RD_PTR, endl_rows = true, print_untilized = true;
#if defined(COMPILE_FOR_NCRISC) || defined(COMPILE_FOR_BRISC)
#if defined(COMPILE_FOR_NCRISC)
    TileSlice(uint8_t cb, int tile_idx, const SliceRange& sr, dprint_tslice_cb_t cb_type,
              dprint_tslice_ptr_t ptr_type = TSLICE_WR_PTR, bool endl_rows = true, bool print_untilized = true)
#else
    TileSlice(uint8_t cb, int tile_idx, const SliceRange& sr, dprint_tslice_cb_t cb_type,
              dprint_tslice_ptr_t ptr_type = TSLICE_RD_PTR, bool endl_rows = true, bool print_untilized = true)
#endif
        : cb(cb), tile_idx(tile_idx), slice_range(sr), cb_type(cb_type), ptr_type(ptr_type), endl_rows(endl_rows),
          print_untilized(print_untilized) {}
#else
    TileSlice(uint8_t cb, int tile_idx, const SliceRange& sr, bool endl_rows = true, bool print_untilized = true)
        : cb(cb), tile_idx(tile_idx), slice_range(sr), endl_rows(endl_rows), print_untilized(print_untilized) {}
#endif
    std::string dprint_text(int risc) const {
        std::string out;
        const uint8_t r[6] = {slice_range.h0, slice_range.h1, slice_range.hs, slice_range.w0, slice_range.w1,
                              slice_range.ws};
        tensix_emu::kernel_side::api().dprint_tile_slice(risc, cb, tile_idx, r, cb_type, ptr_type, endl_rows,
                                                         print_untilized, MAX_BYTES, &out);
        return out;
    }
};
using TSLICE = TileSlice<64>;

namespace tensix_emu::dprint_detail {

/// One argument, erased: kind 'i' signed, 'u' unsigned, 'f' floating, 's' string, 'b' bool, 'c' char, 't' a
/// TileSlice (text read per RISC through `tile`).
struct Arg {
    char kind;
    long long i;
    unsigned long long u;
    double f;
    bool is_float32;
    std::string s;
    const void* obj = nullptr;
    std::string (*tile)(const void*, int risc) = nullptr;
};

template <int N>
std::string tile_text(const void* ts, int risc) { return static_cast<const TileSlice<N>*>(ts)->dprint_text(risc); }
template <typename T> struct is_tile_slice : std::false_type {};
template <int N> struct is_tile_slice<TileSlice<N>> : std::integral_constant<int, N> {};

template <typename T>
Arg to_arg(const T& v) {
    Arg a{'i', 0, 0, 0.0, false, {}};
    using U = std::remove_cv_t<std::remove_reference_t<T>>;
    if constexpr (is_tile_slice<U>::value) { a.kind = 't'; a.obj = &v; a.tile = &tile_text<is_tile_slice<U>::value>; }
    else if constexpr (std::is_same_v<U, bool>) { a.kind = 'b'; a.u = v; }
    else if constexpr (std::is_same_v<U, char>) { a.kind = 'c'; a.i = v; }
    else if constexpr (std::is_same_v<U, bf16_t>) {
        uint32_t bits = uint32_t(v.val) << 16; float f; std::memcpy(&f, &bits, 4);
        a.kind = 'f'; a.f = f; a.is_float32 = true;
    }
    else if constexpr (std::is_floating_point_v<U>) { a.kind = 'f'; a.f = double(v); a.is_float32 = sizeof(U) == 4; }
    else if constexpr (std::is_enum_v<U>) { a.kind = 'i'; a.i = (long long)v; }
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>) { a.kind = 'i'; a.i = v; }
    else if constexpr (std::is_integral_v<U>) { a.kind = 'u'; a.u = v; }
    else if constexpr (std::is_convertible_v<U, const char*>) { a.kind = 's'; a.s = static_cast<const char*>(v); }
    else static_assert(sizeof(U) == 0, "DPRINT: argument type not supported by the emulator");
    return a;
}


/// fmt's default float text: the shortest digits that read back to the same float (float32 args) or double, in
/// fixed notation when the decimal exponent is in [-4, 16), else d.ddde+XX (fmt format.h do_write_float).
/// Inlined into the kernel TU, so compiled with the kernel's float flags (jit.hpp kJitKernelFloatFlags, or -ffast-math
/// in full through $LAYERNORM_FUSED_RM_JIT_FLOAT_FLAGS): NaN, infinity, sign and zero are read from the bits (integer
/// code -ffinite-math-only and -fno-signed-zeros cannot fold); the rest is exact comparisons and libc calls.
inline std::string shortest_float(double v, bool is_float32) {
    const uint64_t bits = __builtin_bit_cast(uint64_t, v);
    const uint64_t mag = bits & 0x7fffffffffffffffull;
    std::string sign = bits >> 63 ? "-" : "";
    if (mag > 0x7ff0000000000000ull) return "nan";
    if (mag == 0x7ff0000000000000ull) return sign + "inf";
    if (mag == 0) return sign + "0";
    v = __builtin_bit_cast(double, mag);
    char buf[64];
    for (int p = 1; p <= 17; ++p) {
        std::snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        bool same = is_float32 ? std::strtof(buf, nullptr) == float(v) : std::strtod(buf, nullptr) == v;
        if (same) break;
    }
    std::string t(buf);
    size_t epos = t.find('e');
    int e = std::atoi(t.c_str() + epos + 1);
    std::string d;
    for (size_t k = 0; k < epos; ++k) if (t[k] != '.') d += t[k];
    while (d.size() > 1 && d.back() == '0') d.pop_back();
    int n = int(d.size());
    if (e >= -4 && e < 16) {
        if (e >= n - 1) return sign + d + std::string(size_t(e - n + 1), '0');
        if (e >= 0) return sign + d.substr(0, size_t(e + 1)) + "." + d.substr(size_t(e + 1));
        return sign + "0." + std::string(size_t(-e - 1), '0') + d;
    }
    std::snprintf(buf, sizeof buf, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    return sign + d.substr(0, 1) + (n > 1 ? "." + d.substr(1) : "") + buf;
}

/// One replacement field: arg formatted per spec (fmt's standard format-spec mini-language, the subset above).
inline std::string format_field(const Arg& a, const std::string& spec, const char** error) {
    size_t k = 0;
    char fill = ' ', align = 0, sign = '-', type = 0;
    bool alt = false, zero = false;
    int width = 0, prec = -1;
    auto is_align = [](char c) { return c == '<' || c == '>' || c == '^'; };
    if (spec.size() >= 2 && is_align(spec[1])) { fill = spec[0]; align = spec[1]; k = 2; }
    else if (!spec.empty() && is_align(spec[0])) { align = spec[0]; k = 1; }
    if (k < spec.size() && (spec[k] == '+' || spec[k] == '-' || spec[k] == ' ')) sign = spec[k++];
    if (k < spec.size() && spec[k] == '#') { alt = true; ++k; }
    if (k < spec.size() && spec[k] == '0') { zero = true; ++k; }
    while (k < spec.size() && std::isdigit((unsigned char)spec[k])) width = width * 10 + (spec[k++] - '0');
    if (k < spec.size() && spec[k] == '.') {
        prec = 0; ++k;
        while (k < spec.size() && std::isdigit((unsigned char)spec[k])) prec = prec * 10 + (spec[k++] - '0');
    }
    if (k < spec.size()) type = spec[k++];
    if (k != spec.size()) { *error = "DPRINT: format spec not supported by the emulator"; return {}; }
    std::string prefix, body;
    bool numeric = true;
    if (a.kind == 'i' || a.kind == 'u' || (a.kind == 'c' && type && type != 'c') || (a.kind == 'b' && type && type != 's')) {
        bool neg = a.kind == 'i' || a.kind == 'c' ? a.i < 0 : false;
        unsigned long long m = a.kind == 'u' || a.kind == 'b' ? a.u : (neg ? 0ull - (unsigned long long)a.i : (unsigned long long)a.i);
        int base = 10;
        if (type == 'x' || type == 'X') { base = 16; if (alt) prefix = type == 'x' ? "0x" : "0X"; }
        else if (type == 'b' || type == 'B') { base = 2; if (alt) prefix = type == 'b' ? "0b" : "0B"; }
        else if (type == 'o') { base = 8; if (alt && m != 0) prefix = "0"; }
        else if (type && type != 'd') { *error = "DPRINT: format type not valid for an integer"; return {}; }
        const char* digits = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        do { body.insert(body.begin(), digits[m % unsigned(base)]); m /= unsigned(base); } while (m);
        prefix = (neg ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "") + prefix;
    } else if (a.kind == 'f') {
        if (type && !std::strchr("fFeEgG", type)) { *error = "DPRINT: format type not valid for a float"; return {}; }
        std::string t;
        if (!type && prec < 0) t = shortest_float(a.f, a.is_float32);
        else {
            char buf[512], f[16];
            std::snprintf(f, sizeof f, "%%%s.*%c", alt ? "#" : "", type ? type : 'g');
            std::snprintf(buf, sizeof buf, f, prec < 0 ? 6 : prec, a.f);
            t = buf;
        }
        if (!t.empty() && t[0] == '-') { prefix = "-"; t.erase(0, 1); }
        else prefix = sign == '+' ? "+" : sign == ' ' ? " " : "";
        body = t;
    } else {
        numeric = false;
        if (a.kind == 'b') body = a.u ? "true" : "false";
        else if (a.kind == 'c') body = std::string(1, char(a.i));
        else body = prec >= 0 && a.kind == 's' && !a.tile ? a.s.substr(0, size_t(prec)) : a.s;
        if (type && type != 's' && type != 'c') { *error = "DPRINT: format type not valid for a string"; return {}; }
    }
    int len = int(prefix.size() + body.size());
    if (width <= len) return prefix + body;
    size_t pad = size_t(width - len);
    if (zero && numeric && !align) return prefix + std::string(pad, '0') + body;
    if (!align) align = numeric ? '>' : '<';
    if (align == '<') return prefix + body + std::string(pad, fill);
    if (align == '>') return std::string(pad, fill) + prefix + body;
    return std::string(pad / 2, fill) + prefix + body + std::string(pad - pad / 2, fill);
}

inline std::string format_message(const char* fmt, const Arg* args, int nargs, const char** error) {
    std::string out;
    int next = 0;
    bool manual = false, automatic = false;
    for (const char* c = fmt; *c; ++c) {
        if (*c == '}') {
            if (c[1] != '}') { *error = "DPRINT: unmatched '}' in format string"; return out; }
            out += '}'; ++c; continue;
        }
        if (*c != '{') { out += *c; continue; }
        if (c[1] == '{') { out += '{'; ++c; continue; }
        const char* end = std::strchr(c, '}');
        if (!end) { *error = "DPRINT: unmatched '{' in format string"; return out; }
        std::string field(c + 1, end);
        c = end;
        size_t colon = field.find(':');
        std::string id = field.substr(0, colon), spec = colon == std::string::npos ? "" : field.substr(colon + 1);
        int idx;
        if (id.empty()) { automatic = true; idx = next++; }
        else { manual = true; idx = std::atoi(id.c_str()); }
        if (manual && automatic) { *error = "DPRINT: cannot mix indexed ({0}) and non-indexed ({}) placeholders"; return out; }
        if (idx >= nargs) { *error = "DPRINT: placeholder index exceeds number of arguments"; return out; }
        out += format_field(args[idx], spec, error);
        if (*error) return out;
    }
    if (automatic && next != nargs) *error = "DPRINT: number of {} placeholders must match number of arguments";
    return out;
}

/// RISC indices and names of tt-metal's DPRINT server (BR, NC, TR0, TR1, TR2).
enum : int { kBR = 0, kNC = 1, kTR0 = 2, kTR1 = 3, kTR2 = 4 };

/// Formats the message once per RISC that runs it and hands each text to the emulator core (KernelApi::dprint),
/// which selects, prefixes and writes it. who: -1 every RISC the kernel runs on (a compute kernel's TRISC0/1/2),
/// 0/1/2 TRISC0/1/2 only (DPRINT_UNPACK/MATH/PACK), 10/11 only if the kernel's noc_index is 0/1
/// (DPRINT_DATA0/1): a reader runs on NCRISC with NOC 1, a writer on BRISC with NOC 0 (src/jit/jit.cpp).
template <typename... Ts>
void emit(int who, const char* fmt, const Ts&... vs) {
#if defined(COMPILE_FOR_TRISC)
    const int first = who == -1 ? kTR0 : (who >= 0 && who <= 2 ? kTR0 + who : 0), last = who == -1 ? kTR2 : first;
    if (first == 0) return;
#elif defined(COMPILE_FOR_NCRISC)
    const int first = kNC, last = kNC;
    if (who != -1 && who != 11) return;
#else
    const int first = kBR, last = kBR;
    if (who != -1 && who != 10) return;
#endif
    Arg args[] = {to_arg(vs)..., Arg{'s', 0, 0, 0.0, false, {}}};
    for (int risc = first; risc <= last; ++risc) {
        for (Arg& a : args)
            if (a.tile) a.s = a.tile(a.obj, risc);
        const char* error = nullptr;
        std::string text = format_message(fmt, args, int(sizeof...(Ts)), &error);
        if (error) kernel_side::api().unsupported(error);
        kernel_side::api().dprint(risc, text.c_str());
    }
}

}  // namespace tensix_emu::dprint_detail
