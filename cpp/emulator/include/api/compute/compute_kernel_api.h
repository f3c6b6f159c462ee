// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/compute_kernel_api.h: the SFPU unary ops it defines (only
// square_tile here). Template parameters that only select hardware instruction variants are accepted and ignored;
// DEST accumulation mode comes from the kernel's ComputeConfigDescriptor, as DST_ACCUM_MODE does on silicon.
//
// Deviation: this header also includes api/compute/common.h (circular buffers, DST hand-off, pack_tile, start-up,
// reconfig_data_format), which tt-metal's does not. The emulator's test kernels (test_dev/emulator/kernels) were
// written against an earlier all-in-one header and include only this one; every header below still provides
// exactly what tt-metal's does, so a kernel that includes the header tt-metal requires for a call finds the call.
#pragma once
#include <cstdint>

#include "api/compute/common.h"
#include "api/compute/common_globals.h"

namespace ckernel {
ALWI void square_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::SQUARE); }
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void square_tile(uint32_t idst) { api().sfpu_op(tensix_emu::SfpuOp::SQUARE, idst, 0, "square_tile"); }
}  // namespace ckernel
