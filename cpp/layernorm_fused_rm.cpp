// SPDX-License-Identifier: Apache-2.0
#include "layernorm_fused_rm.hpp"

#include <stdexcept>
#include <string>

#include "device/layernorm_fused_rm_program_factory.hpp"

namespace layernorm_fused_rm {

ProgramDescriptor create_program_descriptor(
    const operation_attributes_t& attrs, const tensor_args_t& tensor_args, const tensor_return_value_t& output) {
    LayerNormFusedRMDeviceOperation::validate(attrs, tensor_args, output);  // once per call
    const std::string factory = LayerNormFusedRMDeviceOperation::select_program_factory(attrs, tensor_args);
    ProgramDescriptor desc =
        factory == LayerNormFusedRMStreamingProgramFactory::name
            ? LayerNormFusedRMStreamingProgramFactory::create_descriptor(attrs, tensor_args, output)
        : factory == LayerNormFusedRMWSplitProgramFactory::name
            ? LayerNormFusedRMWSplitProgramFactory::create_descriptor(attrs, tensor_args, output)
            : LayerNormFusedRMProgramFactory::create_descriptor(attrs, tensor_args, output);
    desc.program_factory = factory;
    return desc;
}

void override_runtime_arguments(ProgramDescriptor& cached_program, const tensor_args_t& tensor_args,
                                const tensor_return_value_t& output) {
    const std::string& factory = cached_program.program_factory;
    if (factory == LayerNormFusedRMProgramFactory::name) {
        LayerNormFusedRMProgramFactory::override_runtime_arguments(cached_program, tensor_args, output);
    } else if (factory == LayerNormFusedRMStreamingProgramFactory::name) {
        LayerNormFusedRMStreamingProgramFactory::override_runtime_arguments(cached_program, tensor_args, output);
    } else if (factory == LayerNormFusedRMWSplitProgramFactory::name) {
        LayerNormFusedRMWSplitProgramFactory::override_runtime_arguments(cached_program, tensor_args, output);
    } else {
        throw std::invalid_argument("ttnn.layernorm_fused_rm: override_runtime_arguments: program_factory must be \"" +
                                    std::string(LayerNormFusedRMProgramFactory::name) + "\", \"" +
                                    LayerNormFusedRMStreamingProgramFactory::name + "\" or \"" +
                                    LayerNormFusedRMWSplitProgramFactory::name + "\", got \"" + factory + "\"");
    }
}

}  // namespace layernorm_fused_rm
