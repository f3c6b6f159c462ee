// SPDX-License-Identifier: Apache-2.0
//
// Entry point of the op's C++ core: validate the arguments and build the program descriptor. The Python
// package (python/layernorm_fused_rm) runs the descriptor on the host Tensix emulator or, for device
// tensors, hands it to ttnn.generic_op.
#pragma once

#include "device/layernorm_fused_rm_device_operation.hpp"
#include "device/layernorm_fused_rm_device_operation_types.hpp"
#include <tt-metalium/program_descriptors.hpp>

namespace layernorm_fused_rm {

/// LayerNormFusedRMDeviceOperation::validate(attrs, tensor_args, output) (the one validation of a call), then
/// create_descriptor of the factory select_program_factory names. `output` must match
/// compute_output_specs(attrs, tensor_args) in shape, dtype, layout and memory layout; its address goes into the
/// writer's runtime args (0 when not allocated yet: override_runtime_arguments writes it later). Throws what
/// validate throws.
ProgramDescriptor create_program_descriptor(
    const operation_attributes_t& attrs, const tensor_args_t& tensor_args, const tensor_return_value_t& output);

/// Program-cache hit: the override_runtime_arguments of the factory named by cached_program.program_factory (a
/// descriptor create_program_descriptor returned) rewrites the buffer addresses of tensor_args and output into
/// its runtime args, in place. Throws std::invalid_argument for a descriptor no factory of this op built.
void override_runtime_arguments(ProgramDescriptor& cached_program, const tensor_args_t& tensor_args,
                                const tensor_return_value_t& output);

}  // namespace layernorm_fused_rm
