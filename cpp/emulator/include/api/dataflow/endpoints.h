// SPDX-License-Identifier: Apache-2.0
// UnicastEndpoint of tt-metal 0.81 (tt_metal/hw/inc/api/dataflow/endpoints.h): an L1 address on a core named by
// its NOC coordinates, as a NOC endpoint ({.noc_x, .noc_y, .addr}); this core's are my_x[noc] / my_y[noc]
// (api/dataflow/dataflow_api.h).
#pragma once
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "api/dataflow/noc.h"

struct UnicastEndpoint {};

template <>
struct noc_traits_t<UnicastEndpoint> {
    struct src_args_type {
        uint32_t noc_x{};
        uint32_t noc_y{};
        uint32_t addr{};
    };
    struct dst_args_type {
        uint32_t noc_x{};
        uint32_t noc_y{};
        uint32_t addr{};
    };
    static uint64_t src_noc_addr(const UnicastEndpoint&, const src_args_type& a) {
        return tensix_emu::kernel_side::api().l1_noc_addr(a.noc_x, a.noc_y, a.addr);
    }
    static uint64_t dst_noc_addr(const UnicastEndpoint&, const dst_args_type& a) {
        return tensix_emu::kernel_side::api().l1_noc_addr(a.noc_x, a.noc_y, a.addr);
    }
    static uint32_t src_local_l1(const UnicastEndpoint&, const src_args_type& a) { return a.addr; }
    static uint32_t dst_local_l1(const UnicastEndpoint&, const dst_args_type& a) { return a.addr; }
};
