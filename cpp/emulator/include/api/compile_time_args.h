// SPDX-License-Identifier: Apache-2.0
// Compile-time kernel arguments. The JIT passes them as -DKERNEL_COMPILE_TIME_ARGS=a,b,c exactly as
// tt-metal's JIT build does, so get_compile_time_arg_val(i) is a constant expression in both.
#pragma once
#include <array>
#include <cstdint>

#include "emu/kernel_common.hpp"

#ifndef KERNEL_COMPILE_TIME_ARGS
#define KERNEL_COMPILE_TIME_ARGS
#endif

namespace tensix_emu::kernel_side {
template <typename... Ts>
constexpr std::array<uint32_t, sizeof...(Ts)> make_ct_args(Ts... v) {
    return {static_cast<uint32_t>(v)...};
}
inline constexpr auto ct_args = make_ct_args(KERNEL_COMPILE_TIME_ARGS);
template <uint32_t I>
constexpr uint32_t ct_arg() {
    static_assert(I < ct_args.size(), "get_compile_time_arg_val: index beyond the kernel's compile-time args");
    return ct_args[I];
}
}  // namespace tensix_emu::kernel_side

#define get_compile_time_arg_val(arg_idx) (::tensix_emu::kernel_side::ct_arg<(arg_idx)>())
