// SPDX-License-Identifier: Apache-2.0
// tt-metal 0.81 api/dataflow/dfb_access.h on Wormhole/Blackhole: DFB access patterns (meaningful on Quasar only),
// DataflowBufferAnyPattern and the is_dataflow_buffer_v trait.
#pragma once
#include <cstdint>

namespace dfb {
enum AccessPattern : uint8_t { STRIDED, ALL, BLOCKED, UNKNOWN };
}  // namespace dfb

class DataflowBuffer;
using DataflowBufferAnyPattern = DataflowBuffer;
template <typename T>
inline constexpr bool is_dataflow_buffer_v = false;
template <>
inline constexpr bool is_dataflow_buffer_v<DataflowBuffer> = true;
