// SPDX-License-Identifier: Apache-2.0
//
// Program factory of ttnn.layernorm_fused_rm: circular buffers, kernels, compile-time and runtime args.
#pragma once

#include <string>

#include "device/layernorm_fused_rm_device_operation_types.hpp"
#include "device/kernels/layernorm_fused_rm_cb_index.hpp"
#include "device/program_descriptor.hpp"

namespace layernorm_fused_rm {


/// Directory holding the kernel sources (the installed package's `kernels/` folder, or cpp/device/kernels
/// in a source tree). Set once by the Python package at import; kernel_source paths are built from it.
void set_kernel_root(const std::string& dir);
const std::string& kernel_root();

/// Row-resident, single-core program ("LayerNormFusedRMSingleCoreProgramFactory").
struct LayerNormFusedRMProgramFactory {
    static constexpr const char* name = "LayerNormFusedRMSingleCoreProgramFactory";
    /// Builds the descriptor. Tensor addresses in tensor_args/output go into runtime args.
    static ProgramDescriptor create_descriptor(
        const operation_attributes_t& attrs, const tensor_args_t& tensor_args, const tensor_return_value_t& output);
};

}  // namespace layernorm_fused_rm
