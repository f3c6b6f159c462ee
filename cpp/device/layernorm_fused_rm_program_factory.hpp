// SPDX-License-Identifier: Apache-2.0
//
// Program factory of ttnn.layernorm_fused_rm: circular buffers, kernels, compile-time and runtime args.
#pragma once

#include <string>

#include "device/layernorm_fused_rm_device_operation_types.hpp"
#include "device/program_descriptor.hpp"

namespace layernorm_fused_rm {

/// Circular-buffer indices (tt::CBIndex values). Roles: ARCHITECTURE.md, "The 13 circular buffers".
namespace cb {
inline constexpr uint8_t in_rm = 0;        ///< c_0: input row-major sticks of one tile-row block
inline constexpr uint8_t in_tiled = 1;     ///< c_1: input tilized, kept for the passes over the row
inline constexpr uint8_t scaler = 2;       ///< c_2: reduce scaler (1.0)
inline constexpr uint8_t eps = 3;          ///< c_3: epsilon
inline constexpr uint8_t gamma_rm = 4;     ///< c_4: gamma row-major
inline constexpr uint8_t beta_rm = 5;      ///< c_5: beta row-major
inline constexpr uint8_t gamma_tiled = 6;  ///< c_6: gamma tilized (persistent)
inline constexpr uint8_t beta_tiled = 7;   ///< c_7: beta tilized (persistent)
inline constexpr uint8_t out_rm = 16;      ///< c_16: output row-major sticks
inline constexpr uint8_t centered = 24;    ///< c_24: x - mean
inline constexpr uint8_t mean = 25;        ///< c_25: mean
inline constexpr uint8_t variance = 26;    ///< c_26: variance
inline constexpr uint8_t inv_std = 27;     ///< c_27: 1/sqrt(variance + eps)
}  // namespace cb

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
