// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/src_order.h: how two input CBs map onto SrcA / SrcB for
// compute_kernel_hw_startup() and reconfig_data_format() (Regular: icb0 -> SrcA, icb1 -> SrcB; Reverse: swapped).
#pragma once
#include <cstdint>

namespace ckernel {
enum class SrcOrder : uint8_t { Regular = 0, Reverse = 1 };
}  // namespace ckernel
