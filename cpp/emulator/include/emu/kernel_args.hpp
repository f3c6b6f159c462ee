// SPDX-License-Identifier: Apache-2.0
// Runtime args for every kernel type (dataflow and compute), as tt-metal 0.81.1 get_arg_val /
// get_common_arg_val: 32-bit values set per core (runtime_args) or per kernel (common_runtime_args).
#pragma once
#include <cstdint>
#include <cstring>

#include "emu/kernel_common.hpp"

template <typename T>
FORCE_INLINE T get_arg_val(int arg_idx) {
    static_assert(sizeof(T) == 4, "get_arg_val: runtime args are 32-bit");
    const uint32_t v = tensix_emu::kernel_side::api().get_arg(static_cast<uint32_t>(arg_idx), "get_arg_val");
    T out;
    std::memcpy(&out, &v, 4);
    return out;
}

template <typename T>
FORCE_INLINE T get_common_arg_val(int arg_idx) {
    static_assert(sizeof(T) == 4, "get_common_arg_val: runtime args are 32-bit");
    const uint32_t v =
        tensix_emu::kernel_side::api().get_common_arg(static_cast<uint32_t>(arg_idx), "get_common_arg_val");
    T out;
    std::memcpy(&out, &v, 4);
    return out;
}
