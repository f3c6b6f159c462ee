// SPDX-License-Identifier: Apache-2.0
//
// Device operation of ttnn.layernorm_fused_rm: validation, output spec, program-factory selection.
// Mirrors the static members of a tt-metal device operation (validate_on_program_cache_miss,
// compute_output_specs, select_program_factory) without tt-metal headers. validate is the one home of the op's
// value rules; the Python package only converts ttnn objects into the descriptions it checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "device/layernorm_fused_rm_device_operation_types.hpp"

namespace layernorm_fused_rm {

struct LayerNormFusedRMDeviceOperation {
    /// Every value rule of the op, in one place (tt-metal's validate_on_program_cache_miss): input layout, dtype,
    /// rank, dims, memory layout and buffer type; gamma/beta dtype, layout, volume and last dim, memory, device
    /// (under attrs.convert_affine: BFLOAT16 or FLOAT32, ROW_MAJOR or TILE; else the input's dtype, ROW_MAJOR);
    /// eps finite and > 0; output memory config and dtype; compute config (math fidelity; fp32_dest_acc_en for
    /// FLOAT32 input); arch; core_grid (>= 1, within the arch's grid); program_factory name; L1 of the program
    /// that will run; and, when given, `output` against compute_output_specs (shape, dtype, layout, memory).
    /// Throws std::invalid_argument for an argument with a wrong value and std::runtime_error when the row does
    /// not fit L1 (a limit of the programs, not of the arguments). Messages start "ttnn.layernorm_fused_rm: " and
    /// name the argument, what was expected and what was given.
    static void validate(const operation_attributes_t& attrs, const tensor_args_t& tensor_args,
                         const std::optional<tensor_return_value_t>& output = std::nullopt);

    /// Same shape as the input, dtype = attrs.output_dtype, ROW_MAJOR, attrs.output_memory_config.
    static spec_return_value_t compute_output_specs(
        const operation_attributes_t& attrs, const tensor_args_t& tensor_args);

    /// Name of the program factory that builds the program: attrs.program_factory when given, else the program with
    /// the lowest modelled time that fits L1 (model::candidates, layernorm_fused_rm_device_model.hpp; ties: fewer
    /// cores, then row-resident, streaming, W-split; within kModelError of a streaming program: a one-read program). Every compute config has a W-split kernel with its family's
    /// numerics (compute_kernel_of). On a one-core grid that is row-resident when its CBs fit L1, else streaming.
    /// The W-split's S is the factory's (choose_cores_per_row: the model's best).
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
