// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/copy_dest_values.h, included by ttnn's own kernels and kernel_lib:
// copy_dest_values<DataFormat::Float32>(idst_in, idst_out) copies one DEST tile into another (LLK
// ckernel_sfpu_copy_dest_values.h: SFPLOAD then SFPSTORE in the format's load/store mode, FP32 for Float32: bit for
// bit), implemented for an fp32 DEST with DataFormat::Float32 only; other formats, the deprecated untemplated
// overload and a 16-bit DEST are refused.
#pragma once
#include "api/compute/common_globals.h"
#include "emu/data_format.hpp"

namespace ckernel {
ALWI void copy_dest_values_init() { api().sfpu_init(tensix_emu::SfpuOp::COPY_DEST); }
template <DataFormat DATA_FORMAT>
ALWI void copy_dest_values(uint32_t idst_in, uint32_t idst_out) {
    if constexpr (DATA_FORMAT == DataFormat::Float32) {
        api().sfpu_copy_dest(idst_in, idst_out, "copy_dest_values");
    } else {
        api().unsupported("copy_dest_values with a DataFormat other than Float32");
    }
}
}  // namespace ckernel
