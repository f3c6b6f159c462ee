// SPDX-License-Identifier: Apache-2.0
//
// Kernel-side definitions that tt-metal's firmware build puts in scope of every kernel before its source
// (through the JIT prologue and the arch headers), which ttnn 0.81's own kernels and kernel_lib helpers
// (ttnn/cpp/ttnn/kernel_lib/) rely on. Included by the JIT-generated prelude (src/jit/generated_headers.cpp)
// after the per-kernel tables tensix_emu::generated::cb_* it reads.
#pragma once
#include <cstdint>
#include <array>
#include <cstdio>
#include <utility>

#include "emu/kernel_common.hpp"
#include "emu/data_format.hpp"
#include "llk_defs.h"


// DST_SYNC_MODE names DstSync unqualified (tt-llk llk_defs.h, namespace ckernel).
using ckernel::DstSync;

namespace tt {
/// hostdevcommon/api/hostdevcommon/kernel_structs.h: circular buffer indices c_0 .. c_31 (its SIZE member is left
/// out: the generated prelude precedes the kernel, and a kernel compiled with -DSIZE=... would not compile).
enum CBIndex : std::uint8_t {
    c_0, c_1, c_2, c_3, c_4, c_5, c_6, c_7, c_8, c_9, c_10, c_11, c_12, c_13, c_14, c_15,
    c_16, c_17, c_18, c_19, c_20, c_21, c_22, c_23, c_24, c_25, c_26, c_27, c_28, c_29, c_30, c_31
};
}  // namespace tt

// tt-metal compiles a compute kernel once per TRISC with one of TRISC_UNPACK / TRISC_MATH / TRISC_PACK and wraps
// thread-specific statements in UNPACK(...) / MATH(...) / PACK(...). The emulator runs the three threads as one,
// so each statement runs once.
#ifndef UNPACK
#define UNPACK(...) __VA_ARGS__
#endif
#ifndef MATH
#define MATH(...) __VA_ARGS__
#endif
#ifndef PACK
#define PACK(...) __VA_ARGS__
#endif

namespace tensix_emu::kernel_side {
/// A failed ASSERT: on silicon the watcher halts the core (tt-metal hw/inc/api/debug/assert.h); the emulator
/// refuses the program with the condition's text and where it was written.
[[noreturn]] inline void assert_failed(const char* cond, const char* file, int line) {
    static thread_local char msg[512];
    std::snprintf(msg, sizeof msg, "ASSERT(%s) failed at %s:%d (tt-metal's watcher would halt this core)", cond,
                  file, line);
    api().unsupported(msg);
    __builtin_unreachable();
}
}  // namespace tensix_emu::kernel_side
#ifndef ASSERT
#define ASSERT(cond, ...) \
    ((cond) ? (void)0 : ::tensix_emu::kernel_side::assert_failed(#cond, __FILE__, __LINE__))
#endif

/// The fields of tt-metal's LocalCBInterface a kernel may read, from the CB's descriptor on this kernel's cores.
/// Units as on silicon: bytes on the data-movement RISCs; 16-byte words on the TRISCs (tt-metal's compute
/// firmware keeps CB addresses and sizes shifted right by 4: ttnn kernel_lib dfb_helpers_compute.inl,
/// DFB_COMPUTE_ADDR_SHIFT = 4).
struct LocalCBInterface {
    uint32_t fifo_size;
    uint32_t fifo_page_size;
    uint32_t fifo_num_pages;
};

namespace tensix_emu::kernel_side {
#if defined(COMPILE_FOR_TRISC)
inline constexpr uint32_t kCbAddrShift = 4;
#else
inline constexpr uint32_t kCbAddrShift = 0;
#endif
constexpr LocalCBInterface cb_interface_of(uint32_t i) {
    using namespace tensix_emu::generated;
    return {cb_total_size[i] >> kCbAddrShift, cb_page_size[i] >> kCbAddrShift,
            cb_page_size[i] ? cb_total_size[i] / cb_page_size[i] : 0};
}
template <uint32_t... I>
constexpr auto make_cb_interfaces(std::integer_sequence<uint32_t, I...>) {
    return std::array<LocalCBInterface, sizeof...(I)>{cb_interface_of(I)...};
}
inline constexpr auto cb_interfaces = make_cb_interfaces(std::make_integer_sequence<uint32_t, 32>{});
}  // namespace tensix_emu::kernel_side

/// The static fields of CB `cb_id` (fifo_size, fifo_page_size, fifo_num_pages). The pointer fields
/// (fifo_rd_ptr, fifo_wr_ptr) are not provided: a kernel that reads them does not compile here.
inline const LocalCBInterface& get_local_cb_interface(uint32_t cb_id) {
    if (cb_id >= 32 || tensix_emu::generated::cb_page_size[cb_id] == 0) {
        tensix_emu::kernel_side::api().unsupported(
            "get_local_cb_interface: the CB is not configured on this kernel's cores");
    }
    return tensix_emu::kernel_side::cb_interfaces[cb_id];
}

/// Bytes of one tile of CB `operand` as tt-metal 0.81 api/dataflow/dataflow_api.h get_tile_size: the JIT's
/// unpack_tile_size[] (the tile of the CB's data format, tt::tile_size; not the CB's page size, which a kernel
/// reads with get_local_cb_interface). Refuses a CB not configured on this kernel's cores.
constexpr inline std::int32_t get_tile_size(const std::int32_t operand) {
    if (operand < 0 || operand >= 32 || unpack_tile_size[operand] == 0) {
        tensix_emu::kernel_side::api().unsupported("get_tile_size: the CB is not configured on this kernel's cores");
    }
    return unpack_tile_size[operand];
}
/// api/dataflow/dataflow_api.h get_dataformat: the L1 data format of CB `operand` (unpack_src_format[]).
constexpr inline DataFormat get_dataformat(const std::int32_t operand) {
    return static_cast<DataFormat>(static_cast<std::uint8_t>(unpack_src_format[operand]));
}
