// SPDX-License-Identifier: Apache-2.0
#include "layernorm_fused_rm.hpp"

#include <stdexcept>
#include <string>

#include "device/layernorm_fused_rm_program_factory.hpp"

namespace layernorm_fused_rm {

namespace {

std::string shape_str(const std::vector<uint32_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        s += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return s + "]";
}

}  // namespace

ProgramDescriptor create_program_descriptor(
    const operation_attributes_t& attrs, const tensor_args_t& tensor_args, const tensor_return_value_t& output) {
    LayerNormFusedRMDeviceOperation::validate(attrs, tensor_args);
    const spec_return_value_t spec = LayerNormFusedRMDeviceOperation::compute_output_specs(attrs, tensor_args);
    if (output.shape != spec.shape) {
        throw std::invalid_argument(
            "ttnn.layernorm_fused_rm: output shape must equal the input_tensor shape " + shape_str(spec.shape) +
            ", got " + shape_str(output.shape));
    }
    if (output.dtype != spec.dtype) {
        throw std::invalid_argument(std::string("ttnn.layernorm_fused_rm: output dtype must be ") +
                                    to_string(spec.dtype) + ", got " + to_string(output.dtype));
    }
    if (output.layout != spec.layout) {
        throw std::invalid_argument(std::string("ttnn.layernorm_fused_rm: output layout must be ") +
                                    to_string(spec.layout) + ", got " + to_string(output.layout));
    }
    if (output.memory_config.memory_layout != TensorMemoryLayout::INTERLEAVED) {
        throw std::invalid_argument(
            std::string("ttnn.layernorm_fused_rm: output memory layout must be INTERLEAVED, got ") +
            to_string(output.memory_config.memory_layout));
    }
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

}  // namespace layernorm_fused_rm
