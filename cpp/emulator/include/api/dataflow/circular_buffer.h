// SPDX-License-Identifier: Apache-2.0
// CircularBuffer of tt-metal 0.81 (tt_metal/hw/inc/api/dataflow/circular_buffer.h): an object over one CB index
// whose calls are the CB calls, with the emulator's CB checks; a local-L1 NOC endpoint (read pointer as source,
// write pointer as destination), as upstream's noc_traits_t<CircularBuffer>.
#pragma once
#include <cstdint>

#include "api/dataflow/noc.h"
#include "emu/kernel_common.hpp"

class CircularBuffer {
public:
    enum class AddrSelector { WRITE_PTR, READ_PTR };
    explicit CircularBuffer(uint32_t cb_id) : cb_id_(cb_id) {}

    uint32_t get_cb_id() const { return cb_id_; }
    void reserve_back(int32_t n) { tensix_emu::kernel_side::api().cb_reserve_back(int32_t(cb_id_), n); }
    void push_back(int32_t n) { tensix_emu::kernel_side::api().cb_push_back(int32_t(cb_id_), n); }
    void wait_front(int32_t n) { tensix_emu::kernel_side::api().cb_wait_front(int32_t(cb_id_), n); }
    void pop_front(int32_t n) { tensix_emu::kernel_side::api().cb_pop_front(int32_t(cb_id_), n); }
    uint32_t get_write_ptr() const { return tensix_emu::kernel_side::api().get_write_ptr(int32_t(cb_id_)); }
    uint32_t get_read_ptr() const { return tensix_emu::kernel_side::api().get_read_ptr(int32_t(cb_id_)); }
    uint32_t get_tile_size() const { return uint32_t(::get_tile_size(int32_t(cb_id_))); }
    DataFormat get_dataformat() const { return ::get_dataformat(int32_t(cb_id_)); }

private:
    uint32_t cb_id_;
};

template <>
struct noc_traits_t<CircularBuffer> {
    struct src_args_type {
        uint32_t offset_bytes{};
    };
    struct dst_args_type {
        uint32_t offset_bytes{};
    };
    static uint32_t src_local_l1(const CircularBuffer& b, const src_args_type& a) {
        return b.get_read_ptr() + a.offset_bytes;
    }
    static uint32_t dst_local_l1(const CircularBuffer& b, const dst_args_type& a) {
        return b.get_write_ptr() + a.offset_bytes;
    }
    template <typename U = CircularBuffer>
    static uint64_t src_noc_addr(const CircularBuffer&, const src_args_type&) {
        static_assert(sizeof(U) == 0, "CircularBuffer without mcast range can only be used as L1 source");
        return 0;
    }
    template <typename U = CircularBuffer>
    static uint64_t dst_noc_addr(const CircularBuffer&, const dst_args_type&) {
        static_assert(sizeof(U) == 0, "CircularBuffer without mcast range can only be used as L1 destination");
        return 0;
    }
};
