// SPDX-License-Identifier: Apache-2.0
// noc_traits_t<TensorAccessor> of tt-metal 0.81 (tt_metal/hw/inc/api/tensor/noc_traits.h): a tensor page as a
// NOC endpoint, addressed by {.page_id, .offset_bytes} (the accessor's interleaved page placement).
#pragma once
#include <cstdint>

#include "api/dataflow/noc.h"
#include "api/tensor/tensor_accessor.h"

template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET>
struct noc_traits_t<TensorAccessor<CTA_OFFSET, CRTA_OFFSET>> {
    using Accessor = TensorAccessor<CTA_OFFSET, CRTA_OFFSET>;
    struct src_args_type {
        uint32_t page_id{};
        uint32_t offset_bytes = 0;
    };
    struct dst_args_type {
        uint32_t page_id{};
        uint32_t offset_bytes = 0;
    };
    static uint64_t src_noc_addr(const Accessor& t, const src_args_type& a) {
        return t.get_noc_addr(a.page_id, a.offset_bytes);
    }
    static uint64_t dst_noc_addr(const Accessor& t, const dst_args_type& a) {
        return t.get_noc_addr(a.page_id, a.offset_bytes);
    }
    template <typename U = Accessor>
    static uint32_t src_local_l1(const Accessor&, const src_args_type&) {
        static_assert(sizeof(U) == 0, "emulator: a TensorAccessor as a local L1 source is not implemented");
        return 0;
    }
    template <typename U = Accessor>
    static uint32_t dst_local_l1(const Accessor&, const dst_args_type&) {
        static_assert(sizeof(U) == 0, "emulator: a TensorAccessor as a local L1 destination is not implemented");
        return 0;
    }
};
