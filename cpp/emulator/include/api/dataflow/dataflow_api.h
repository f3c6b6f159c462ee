// SPDX-License-Identifier: Apache-2.0
// Dataflow kernel API (reader/writer on BRISC/NCRISC), emulator implementation. Signatures follow
// tt-metal 0.81.1 tt_metal/hw/inc/api/dataflow/dataflow_api.h for the calls implemented here.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "api/compile_time_args.h"
#include "api/tensor/tensor_accessor.h"
#include "emu/kernel_args.hpp"
#include "emu/kernel_common.hpp"

inline constexpr uint8_t noc_index = 0;

inline uint8_t get_absolute_logical_x() { return static_cast<uint8_t>(tensix_emu::kernel_side::api().my_x()); }
inline uint8_t get_absolute_logical_y() { return static_cast<uint8_t>(tensix_emu::kernel_side::api().my_y()); }

FORCE_INLINE void cb_reserve_back(int32_t operand, int32_t num_pages) {
    tensix_emu::kernel_side::api().cb_reserve_back(operand, num_pages);
}
FORCE_INLINE void cb_push_back(int32_t operand, int32_t num_pages) {
    tensix_emu::kernel_side::api().cb_push_back(operand, num_pages);
}
FORCE_INLINE void cb_wait_front(int32_t operand, int32_t num_pages) {
    tensix_emu::kernel_side::api().cb_wait_front(operand, num_pages);
}
FORCE_INLINE void cb_pop_front(int32_t operand, int32_t num_pages) {
    tensix_emu::kernel_side::api().cb_pop_front(operand, num_pages);
}
FORCE_INLINE uint32_t get_write_ptr(uint32_t operand) {
    return tensix_emu::kernel_side::api().get_write_ptr(static_cast<int32_t>(operand));
}
FORCE_INLINE uint32_t get_read_ptr(uint32_t operand) {
    return tensix_emu::kernel_side::api().get_read_ptr(static_cast<int32_t>(operand));
}

/// NOC address of L1 address `addr` on the core at logical (x, y).
FORCE_INLINE uint64_t get_noc_addr(uint32_t x, uint32_t y, uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return tensix_emu::kernel_side::api().l1_noc_addr(x, y, addr);
}
/// NOC address of L1 address `addr` on this core.
FORCE_INLINE uint64_t get_noc_addr(uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    auto& a = tensix_emu::kernel_side::api();
    return a.l1_noc_addr(a.my_x(), a.my_y(), addr);
}
/// NOC address of page `id` through an address generator (TensorAccessor).
template <typename AddrGen, typename = decltype(std::declval<const AddrGen&>().get_noc_addr(0u))>
FORCE_INLINE uint64_t get_noc_addr(uint32_t id, const AddrGen& addrgen, uint32_t offset = 0, uint8_t noc = noc_index) {
    return addrgen.get_noc_addr(id, offset, noc);
}

template <uint32_t max_page_size = 0xFFFFFFFFu, bool enable_noc_tracing = true>
inline void noc_async_read(uint64_t src_noc_addr, uint32_t dst_local_l1_addr, uint32_t size, uint8_t noc = noc_index) {
    (void)noc;
    tensix_emu::kernel_side::api().noc_read(src_noc_addr, dst_local_l1_addr, size);
}
template <uint32_t max_page_size = 0xFFFFFFFFu, bool enable_noc_tracing = true, bool posted = false>
inline void noc_async_write(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint32_t size, uint8_t noc = noc_index) {
    (void)noc;
    tensix_emu::kernel_side::api().noc_write(src_local_l1_addr, dst_noc_addr, size);
}
template <typename AddrGen, bool enable_noc_tracing = true>
FORCE_INLINE void noc_async_read_page(uint32_t id, const AddrGen& addrgen, uint32_t dst_local_l1_addr,
                                      uint32_t offset = 0, uint8_t noc = noc_index) {
    tensix_emu::kernel_side::api().noc_read(addrgen.get_noc_addr(id, offset, noc), dst_local_l1_addr,
                                            addrgen.get_aligned_page_size());
}
template <typename AddrGen, bool enable_noc_tracing = true, bool posted = false>
FORCE_INLINE void noc_async_write_page(uint32_t id, const AddrGen& addrgen, uint32_t src_local_l1_addr,
                                       uint32_t size = 0, uint32_t offset = 0, uint8_t noc = noc_index) {
    // size 0 means the accessor's (aligned) page size, as in tt-metal 0.81.
    tensix_emu::kernel_side::api().noc_write(src_local_l1_addr, addrgen.get_noc_addr(id, offset, noc),
                                             size ? size : addrgen.get_aligned_page_size());
}
FORCE_INLINE void noc_async_read_barrier(uint8_t noc = noc_index) {
    (void)noc;
    tensix_emu::kernel_side::api().noc_read_barrier();
}
FORCE_INLINE void noc_async_write_barrier(uint8_t noc = noc_index) {
    (void)noc;
    tensix_emu::kernel_side::api().noc_write_barrier();
}
