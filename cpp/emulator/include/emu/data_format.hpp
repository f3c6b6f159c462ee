// SPDX-License-Identifier: Apache-2.0
// The kernel-side DataFormat enum (tt-metal's tensix_types.h), for kernels, kernel_lib and the compute API headers
// that take a format as a template parameter.
#pragma once
#include <cstdint>

/// Data format codes as tt-metal 0.81 hw/inc/internal/tt-1xx/{wormhole,blackhole}/tensix_types.h (the values the
/// JIT writes into unpack_src_format[] / pack_dst_format[]).
enum class DataFormat : std::uint8_t {
    Float32 = 0, Float16 = 1, Bfp8 = 2, Bfp4 = 3, Bfp2 = 11, Float16_b = 5, Bfp8_b = 6, Bfp4_b = 7, Bfp2_b = 15,
    Lf8 = 10, Int8 = 14, UInt8 = 30, UInt16 = 9, Int32 = 8, UInt32 = 24, Tf32 = 4, Invalid = 0xff
};
