// SPDX-License-Identifier: Apache-2.0
//
// Device operation of ttnn.layernorm_fused_rm: validation, output spec, program-factory selection.
// Mirrors the static members of a tt-metal device operation (validate_on_program_cache_miss,
// compute_output_specs, select_program_factory) without tt-metal headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "device/layernorm_fused_rm_device_operation_types.hpp"

namespace layernorm_fused_rm {

struct LayerNormFusedRMDeviceOperation {
    /// Checks every precondition of the row-resident single-core program.
    /// Throws std::invalid_argument for an argument with a wrong value (layout, dtype, shape, eps, memory
    /// layout, devices) and std::runtime_error when the row does not fit in L1 (a limit of the current
    /// program, not of the arguments). Messages name the argument, what was expected and what was given.
    static void validate(const operation_attributes_t& attrs, const tensor_args_t& tensor_args);

    /// Same shape as the input, dtype = attrs.output_dtype, ROW_MAJOR, attrs.output_memory_config.
    static spec_return_value_t compute_output_specs(
        const operation_attributes_t& attrs, const tensor_args_t& tensor_args);

    /// Name of the program factory that builds the program (LayerNormFusedRMProgramFactory::name).
    static std::string select_program_factory(const operation_attributes_t& attrs, const tensor_args_t& tensor_args);
};

/// L1 bytes the row-resident program's 13 circular buffers take for rows of W elements of dtype under
/// compute_config (LayerNormFusedRMProgramFactory::cb_bytes: row-sized CBs of Wt = ceil(W / 32) tiles,
/// gamma/beta CBs when given, scaler, eps, 3 statistics tiles, Float32 when fp32_dest_acc_en).
/// select_program_factory compares it with the free L1.
uint64_t row_resident_cb_bytes(uint32_t W, DType dtype, const ComputeConfigDescriptor& compute_config,
                               bool has_gamma = true, bool has_beta = true,
                               std::optional<DType> output_dtype = std::nullopt);

}  // namespace layernorm_fused_rm
