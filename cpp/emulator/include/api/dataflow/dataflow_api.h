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

/// This core's NOC coordinates, indexed by NOC (my_x[noc_index], my_y[noc_index] in tt-metal's firmware). With
/// translated coordinates both NOCs see the same values (arch/arch_params.cpp).
struct EmuMyNocCoord {
    bool is_y;
    uint8_t operator[](uint32_t noc) const {
        (void)noc;
        auto& a = tensix_emu::kernel_side::api();
        return static_cast<uint8_t>(is_y ? a.my_noc_y() : a.my_noc_x());
    }
};
inline constexpr EmuMyNocCoord my_x{false};
inline constexpr EmuMyNocCoord my_y{true};

/// NOC address of L1 address `addr` on the core at NOC coordinates (x, y) (internal/dataflow/dataflow_api_addrgen.h).
FORCE_INLINE uint64_t get_noc_addr(uint32_t noc_x, uint32_t noc_y, uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return tensix_emu::kernel_side::api().l1_noc_addr(noc_x, noc_y, addr);
}
/// NOC address of L1 address `addr` on this core.
FORCE_INLINE uint64_t get_noc_addr(uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    auto& a = tensix_emu::kernel_side::api();
    return a.l1_noc_addr(a.my_noc_x(), a.my_noc_y(), addr);
}
/// Multicast NOC address of L1 address `addr` on the rectangle of NOC coordinates (x_start, y_start)..(x_end, y_end).
FORCE_INLINE uint64_t get_noc_multicast_addr(uint32_t noc_x_start, uint32_t noc_y_start, uint32_t noc_x_end,
                                             uint32_t noc_y_end, uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return tensix_emu::kernel_side::api().multicast_noc_addr(noc_x_start, noc_y_start, noc_x_end, noc_y_end, addr);
}
/// L1 address of semaphore `semaphore_id` on this core.
template <typename CoreTypeTag = void>
FORCE_INLINE uintptr_t get_semaphore(uint32_t semaphore_id) {
    return tensix_emu::kernel_side::api().semaphore_addr(semaphore_id);
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

template <uint32_t max_page_size = 0xFFFFFFFFu>
inline void noc_async_write_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast, uint32_t size,
                                      uint32_t num_dests, bool linked = false, uint8_t noc = noc_index) {
    (void)linked;
    (void)noc;
    tensix_emu::kernel_side::api().noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests,
                                                       false);
}
inline void noc_async_write_multicast_loopback_src(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                                   uint32_t size, uint32_t num_dests, bool linked = false,
                                                   uint8_t noc = noc_index) {
    (void)linked;
    (void)noc;
    tensix_emu::kernel_side::api().noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests,
                                                       true);
}
FORCE_INLINE void noc_semaphore_wait(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val) {
    tensix_emu::kernel_side::api().semaphore_wait(
        static_cast<uint32_t>(reinterpret_cast<uintptr_t>(sem_addr)), val, false);
}
FORCE_INLINE void noc_semaphore_wait_min(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val) {
    tensix_emu::kernel_side::api().semaphore_wait(
        static_cast<uint32_t>(reinterpret_cast<uintptr_t>(sem_addr)), val, true);
}
FORCE_INLINE void noc_semaphore_set(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val) {
    tensix_emu::kernel_side::api().semaphore_set(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(sem_addr)), val);
}
template <bool posted = false>
FORCE_INLINE void noc_semaphore_inc(uint64_t addr, uint32_t incr, uint8_t noc_id = noc_index, uint8_t vc = 0) {
    static_assert(!posted, "noc_semaphore_inc<posted = true> is not implemented by the emulator");
    (void)noc_id;
    (void)vc;
    tensix_emu::kernel_side::api().semaphore_inc(addr, incr);
}
inline void noc_semaphore_set_remote(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint8_t noc = noc_index) {
    (void)noc;
    tensix_emu::kernel_side::api().semaphore_set_remote(src_local_l1_addr, dst_noc_addr);
}
inline void noc_semaphore_set_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                        uint32_t num_dests, bool linked = false, uint8_t noc = noc_index) {
    (void)linked;
    (void)noc;
    tensix_emu::kernel_side::api().semaphore_set_multicast(src_local_l1_addr, dst_noc_addr_multicast, num_dests, false);
}
inline void noc_semaphore_set_multicast_loopback_src(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                                     uint32_t num_dests, bool linked = false,
                                                     uint8_t noc = noc_index) {
    (void)linked;
    (void)noc;
    tensix_emu::kernel_side::api().semaphore_set_multicast(src_local_l1_addr, dst_noc_addr_multicast, num_dests, true);
}
FORCE_INLINE void noc_async_writes_flushed(uint8_t noc = noc_index) {
    (void)noc;
    tensix_emu::kernel_side::api().noc_writes_flushed();
}
FORCE_INLINE void noc_async_atomic_barrier(uint8_t noc_idx = noc_index) {
    (void)noc_idx;
    tensix_emu::kernel_side::api().noc_atomic_barrier();
}
