// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/compute_kernel_hw_startup.h: configures the unpacker (SrcA from
// icb0, SrcB from icb1), math and the packer (ocb) once, before any other compute call.
#pragma once
#include "api/compute/common_globals.h"
#include "api/compute/src_order.h"

namespace ckernel {
template <SrcOrder src_order = SrcOrder::Regular>
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) {
    api().hw_startup(icb0, icb1, ocb);
}
template <SrcOrder src_order = SrcOrder::Regular>
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t ocb) {
    api().hw_startup(icb0, icb0, ocb);
}
}  // namespace ckernel
