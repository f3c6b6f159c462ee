// SPDX-License-Identifier: Apache-2.0
//
// Emulator version of tt-metal 0.81.1 api/debug/device_print.h: DEVICE_PRINT(format, args...) with an fmt-style
// format string, and its per-RISC variants. On silicon the arguments are serialized to an L1 ring buffer and the
// host DPRINT server formats them with fmt; here the kernel formats them itself (emu/dprint_format.hpp) and hands
// the finished text to the emulator core (KernelApi::dprint), which selects, prefixes and writes the line.
//
// Per-RISC macros (wheel device_print.h): DEVICE_PRINT_UNPACK/MATH/PACK print only in the TRISC compiled with
// UCK_CHLKC_UNPACK/MATH/PACK; DEVICE_PRINT_DATA0/1 only in a data-movement kernel whose noc_index is 0/1.
// The emulator runs a compute kernel's three TRISC threads as one fiber, so it emits a plain DEVICE_PRINT of a
// compute kernel three times, once as each of TR0, TR1, TR2 (as silicon does: each TRISC runs the statement), and
// DEVICE_PRINT_UNPACK / MATH / PACK once as TR0 / TR1 / TR2. Each emitted line is then subject to
// TT_METAL_DPRINT_RISCVS like any other.
#pragma once
#include "emu/dprint_format.hpp"

#define DEVICE_PRINT(format, ...) ::tensix_emu::dprint_detail::emit(-1, format, ##__VA_ARGS__)
#if defined(COMPILE_FOR_TRISC)
#define DEVICE_PRINT_UNPACK(format, ...) ::tensix_emu::dprint_detail::emit(0, format, ##__VA_ARGS__)
#define DEVICE_PRINT_MATH(format, ...) ::tensix_emu::dprint_detail::emit(1, format, ##__VA_ARGS__)
#define DEVICE_PRINT_PACK(format, ...) ::tensix_emu::dprint_detail::emit(2, format, ##__VA_ARGS__)
#define DEVICE_PRINT_DATA0(format, ...)
#define DEVICE_PRINT_DATA1(format, ...)
#else
#define DEVICE_PRINT_UNPACK(format, ...)
#define DEVICE_PRINT_MATH(format, ...)
#define DEVICE_PRINT_PACK(format, ...)
#define DEVICE_PRINT_DATA0(format, ...) ::tensix_emu::dprint_detail::emit(10, format, ##__VA_ARGS__)
#define DEVICE_PRINT_DATA1(format, ...) ::tensix_emu::dprint_detail::emit(11, format, ##__VA_ARGS__)
#endif
