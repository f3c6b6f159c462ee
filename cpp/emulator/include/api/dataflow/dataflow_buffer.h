// SPDX-License-Identifier: Apache-2.0
//
// DataflowBuffer of tt-metal 0.81 (tt_metal/hw/inc/api/dataflow/dataflow_buffer.h) on Wormhole/Blackhole, where it
// is a circular buffer by another name: the producer/consumer calls are the CB calls, with the emulator's CB
// checks (capacity, push <= reserved, pop <= waited, barrier before push/pop). DFBBindingToken is the `dfb::name`
// constant the JIT generates (api/dataflow/dfb_binding_token.h); it converts to the CB index. Used by data-movement
// and compute kernels alike.
#pragma once
#include <cstdint>

#include "api/dataflow/dfb_access.h"
#include "api/dataflow/noc.h"
#include "emu/kernel_common.hpp"

/// A Metal 2.0 DFB binding: the CB index behind `dfb::name`.
struct DFBBindingToken {
    explicit constexpr DFBBindingToken(uint16_t id) noexcept : id_(id) {}
    constexpr operator uint32_t() const noexcept { return id_; }

private:
    uint16_t id_;
};

struct DataflowBufferArgs {
    uint32_t offset_bytes{};
};

class DataflowBuffer {
public:
    DataflowBuffer(DFBBindingToken token) : id_(static_cast<uint16_t>(uint32_t(token))) {}
    explicit DataflowBuffer(uint16_t logical_dfb_id) : id_(logical_dfb_id) {}

    uint16_t get_id() const { return id_; }
    void reserve_back(uint16_t num_entries) { tensix_emu::kernel_side::api().cb_reserve_back(id_, num_entries); }
    void push_back(uint16_t num_entries) { tensix_emu::kernel_side::api().cb_push_back(id_, num_entries); }
    void wait_front(uint16_t num_entries) { tensix_emu::kernel_side::api().cb_wait_front(id_, num_entries); }
    void pop_front(uint16_t num_entries) { tensix_emu::kernel_side::api().cb_pop_front(id_, num_entries); }
    uint32_t get_write_ptr() const { return tensix_emu::kernel_side::api().get_write_ptr(id_); }
    uint32_t get_read_ptr() const { return tensix_emu::kernel_side::api().get_read_ptr(id_); }
    /// Bytes of one entry (the CB's page size).
    uint32_t get_entry_size() const { return cb_fact(tensix_emu::generated::cb_page_size); }
    uint32_t get_total_size_bytes() const { return cb_fact(tensix_emu::generated::cb_total_size); }
    uint32_t get_total_num_entries() const { return get_total_size_bytes() / get_entry_size(); }
    /// Bytes of one tile of the CB's data format (the JIT's unpack_tile_size, as upstream's get_tile_size()).
    uint32_t get_tile_size() const { return uint32_t(::get_tile_size(int32_t(id_))); }
    void finish() {}

private:
    uint32_t cb_fact(const uint32_t (&table)[32]) const {
        if (id_ >= 32 || table[id_] == 0) {
            tensix_emu::kernel_side::api().unsupported("DataflowBuffer: the CB is not configured on this kernel's cores");
        }
        return table[id_];
    }
    uint16_t id_;
};

template <>
struct noc_traits_t<DataflowBuffer> {
    using src_args_type = DataflowBufferArgs;
    using dst_args_type = DataflowBufferArgs;
    static uint32_t src_local_l1(const DataflowBuffer& b, const src_args_type& a) {
        return b.get_read_ptr() + a.offset_bytes;
    }
    static uint32_t dst_local_l1(const DataflowBuffer& b, const dst_args_type& a) {
        return b.get_write_ptr() + a.offset_bytes;
    }
    template <typename U = DataflowBuffer>
    static uint64_t src_noc_addr(const DataflowBuffer&, const src_args_type&) {
        static_assert(sizeof(U) == 0, "DataflowBuffer without mcast range can only be used as L1 source");
        return 0;
    }
    template <typename U = DataflowBuffer>
    static uint64_t dst_noc_addr(const DataflowBuffer&, const dst_args_type&) {
        static_assert(sizeof(U) == 0, "DataflowBuffer without mcast range can only be used as L1 destination");
        return 0;
    }
};
