// SPDX-License-Identifier: Apache-2.0
// Metal 2.0 named kernel arguments, as tt-metal 0.81 tt_metal/hw/inc/experimental/kernel_args.h: the JIT-generated
// `args::name` constants are RtaArg (runtime arg at a byte offset), CrtaArg (common runtime arg at a byte offset)
// or CtaVal (compile-time value), and get_arg() reads each kind. Runtime reads go through the emulator's
// argument checks (an index beyond the args set for this core is an error).
#pragma once
#include <cstdint>

#include "emu/kernel_args.hpp"
#include "emu/kernel_common.hpp"

#define TT_KERNEL static FORCE_INLINE

namespace experimental {

template <typename T>
struct RtaArg {
    uint32_t byte_offset;
};
template <typename T>
struct CrtaArg {
    uint32_t byte_offset;
};
template <typename T>
struct CtaVal {
    T value;
};

template <typename T>
FORCE_INLINE T get_arg(RtaArg<T> arg) {
    static_assert(sizeof(T) == 4, "Only uint32_t args are currently supported.");
    return get_arg_val<T>(int(arg.byte_offset / sizeof(uint32_t)));
}
template <typename T>
FORCE_INLINE T get_arg(CrtaArg<T> arg) {
    static_assert(sizeof(T) == 4, "Only uint32_t args are currently supported.");
    return get_common_arg_val<T>(int(arg.byte_offset / sizeof(uint32_t)));
}
template <typename T>
FORCE_INLINE constexpr T get_arg(CtaVal<T> arg) {
    return arg.value;
}

}  // namespace experimental
