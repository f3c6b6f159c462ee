// SPDX-License-Identifier: Apache-2.0
//
// Emulator version of tt-metal 0.81.1 api/debug/dprint.h. In 0.81.1 DPRINT is an alias of the fmt-style
// DEVICE_PRINT (device_print.h): DPRINT("x = {}, hex = {:#x}\n", x, y). The legacy stream syntax
// `DPRINT << x << ENDL()` was removed there: the wheel keeps an object named DPRINT whose operator<<
// static_asserts, and so does this header, so a kernel that compiles here compiles on silicon and vice versa.
#pragma once
#include "api/debug/device_print.h"

namespace tensix_emu::dprint_detail {
/// Wheel dprint.h: fake printer object; any `DPRINT << ...` fails to compile with the wheel's message.
struct OldStyleDevicePrint {};
template <typename Type>
OldStyleDevicePrint operator<<(OldStyleDevicePrint dp, Type) {
    static_assert(sizeof(Type) == 0, "Old style DPRINT is deprecated. Use DPRINT(format, ...) instead.");
    return dp;
}
}  // namespace tensix_emu::dprint_detail
[[maybe_unused]] inline tensix_emu::dprint_detail::OldStyleDevicePrint DPRINT;

#define DPRINT(format, ...) DEVICE_PRINT(format, ##__VA_ARGS__)
#define DPRINT_UNPACK(format, ...) DEVICE_PRINT_UNPACK(format, ##__VA_ARGS__)
#define DPRINT_MATH(format, ...) DEVICE_PRINT_MATH(format, ##__VA_ARGS__)
#define DPRINT_PACK(format, ...) DEVICE_PRINT_PACK(format, ##__VA_ARGS__)
#define DPRINT_DATA0(format, ...) DEVICE_PRINT_DATA0(format, ##__VA_ARGS__)
#define DPRINT_DATA1(format, ...) DEVICE_PRINT_DATA1(format, ##__VA_ARGS__)
