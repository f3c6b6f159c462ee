// SPDX-License-Identifier: Apache-2.0
// CoreLocalMem<T> of tt-metal 0.81 (tt_metal/hw/inc/api/core_local_mem.h): a typed view of an L1 address on this
// core, usable as a NOC endpoint on the local side only (as upstream's noc_traits_t<CoreLocalMem> asserts).
#pragma once
#include <cstdint>

#include "api/dataflow/noc.h"

template <typename T, typename AddressType = uint32_t>
class CoreLocalMem {
public:
    explicit CoreLocalMem(AddressType address) : address_(address) {}
    AddressType get_address() const { return address_; }
    T* get_unsafe_ptr() const { return reinterpret_cast<T*>(static_cast<uintptr_t>(address_)); }
    T& operator[](uint32_t i) const { return get_unsafe_ptr()[i]; }

private:
    AddressType address_;
};

template <typename T, typename AddressType>
struct noc_traits_t<CoreLocalMem<T, AddressType>> {
    struct src_args_type {
        AddressType offset_bytes = 0;
    };
    struct dst_args_type {
        AddressType offset_bytes = 0;
    };
    static uint32_t src_local_l1(const CoreLocalMem<T, AddressType>& m, const src_args_type& a) {
        return uint32_t(m.get_address() + a.offset_bytes);
    }
    static uint32_t dst_local_l1(const CoreLocalMem<T, AddressType>& m, const dst_args_type& a) {
        return uint32_t(m.get_address() + a.offset_bytes);
    }
    template <typename U = T>
    static uint64_t src_noc_addr(const CoreLocalMem<T, AddressType>&, const src_args_type&) {
        static_assert(sizeof(U) == 0, "CoreLocalMem can only be used as local L1 source");
        return 0;
    }
    template <typename U = T>
    static uint64_t dst_noc_addr(const CoreLocalMem<T, AddressType>&, const dst_args_type&) {
        static_assert(sizeof(U) == 0, "CoreLocalMem can only be used as local L1 dest");
        return 0;
    }
};
