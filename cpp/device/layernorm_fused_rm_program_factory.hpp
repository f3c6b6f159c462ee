// SPDX-License-Identifier: Apache-2.0
//
// Program factory of ttnn.layernorm_fused_rm: circular buffers, kernels, compile-time and runtime args.
#pragma once

#include <string>

#include "arch/arch_params.hpp"
#include "device/layernorm_fused_rm_device_operation_types.hpp"
#include "device/kernels/layernorm_fused_rm_cb_index.hpp"
#include "device/kernels/layernorm_fused_rm_kernel_args.hpp"
#include <tt-metalium/program_descriptors.hpp>

namespace layernorm_fused_rm {


/// Directory holding the kernel sources (the installed package's `kernels/` folder, or cpp/device/kernels
/// in a source tree). Set once by the Python package at import; kernel_source paths are built from it.
void set_kernel_root(const std::string& dir);
const std::string& kernel_root();

/// Split of `units` work units over the first cores of a grid_x x grid_y grid, as tt-metal's
/// split_work_to_cores does: num_cores = min(units, grid cores); the first `group_1_cores` cores take
/// `units_group_1` units each, the rest `units_group_2` = units_group_1 - 1 (or all take units_group_1).
/// Cores are taken row by row (x inner, y outer).
struct WorkSplit {
    uint32_t num_cores = 0;
    uint32_t group_1_cores = 0;
    uint32_t units_group_1 = 0;
    uint32_t units_group_2 = 0;
    std::vector<CoreCoord> cores;  ///< in order; core i starts at the sum of the units of cores 0..i-1
    uint32_t units_of(uint32_t core_index) const {
        return core_index < group_1_cores ? units_group_1 : units_group_2;
    }
};
WorkSplit split_work_to_cores(uint32_t grid_x, uint32_t grid_y, uint32_t units);

/// Row-resident program: each core keeps whole rows (Wt tiles) in L1 and processes its tile-rows one
/// 32-row block at a time; the tile-rows are split over the grid ("LayerNormFusedRMProgramFactory").
struct LayerNormFusedRMProgramFactory {
    static constexpr const char* name = "LayerNormFusedRMProgramFactory";
    /// Bytes of L1 its 13 CBs take per core, Wt = ceil(W / 32): c_0, c_1, c_24 Wt input-format tiles, c_16
    /// Wt output-format tiles, 2 Wt for gamma and 2 Wt for beta when given (else 2 pages each), 1 or 2 bf16
    /// scaler tiles, 1 bf16 eps tile, 3 statistics tiles.
    static uint64_t cb_bytes(uint32_t W, DataFormat in_format, DataFormat out_format, const ComputeConfigDescriptor& cc,
                             bool has_gamma = true, bool has_beta = true);
    /// Builds the descriptor (the arguments are validated: LayerNormFusedRMDeviceOperation::validate). Tensor
    /// addresses in tensor_args/output go into runtime args (reader_rt_args input/gamma/beta_addr,
    /// writer_rt_args::output_addr; 0 for an absent gamma/beta).
    static ProgramDescriptor create_descriptor(
        const operation_attributes_t& attrs, const tensor_args_t& tensor_args, const tensor_return_value_t& output);
    /// Program-cache hit (tt-metal's override_runtime_arguments): rewrites, in place, the buffer addresses of
    /// tensor_args and output into every core's runtime args of a descriptor this factory built for the same
    /// shapes and attributes; nothing else in it depends on an address. Throws std::invalid_argument when
    /// cached_program has no reader or writer kernel or their runtime args have the wrong length.
    static void override_runtime_arguments(ProgramDescriptor& cached_program, const tensor_args_t& tensor_args,
                                           const tensor_return_value_t& output);
};

/// Streaming program for rows too wide for L1: the same 13 CB roles sized to one chunk of Bt tiles; every
/// tile-row is read three times (mean, variance, normalize) as upstream's large-tensor layernorm does.
struct LayerNormFusedRMStreamingProgramFactory {
    static constexpr const char* name = "LayerNormFusedRMStreamingProgramFactory";
    /// Bytes of L1 its 13 CBs take per core: as the row-resident program with Bt in place of Wt.
    static uint64_t cb_bytes(uint32_t W, DataFormat in_format, DataFormat out_format, const ComputeConfigDescriptor& cc,
                             bool has_gamma = true, bool has_beta = true);
    static ProgramDescriptor create_descriptor(
        const operation_attributes_t& attrs, const tensor_args_t& tensor_args, const tensor_return_value_t& output);
    /// As LayerNormFusedRMProgramFactory::override_runtime_arguments (both programs take the same arguments).
    static void override_runtime_arguments(ProgramDescriptor& cached_program, const tensor_args_t& tensor_args,
                                           const tensor_return_value_t& output);
};

/// Whether the program runs a precise compute kernel (layernorm_fused_rm_precise{,_streaming}.cpp: SFPU math in
/// the fp32 DEST, accurate to about 1e-6 of the output scale): Float32 input, in both programs. bfloat16 input
/// runs the FPU kernels (TF32 source registers).
bool uses_precise_kernel(DataFormat in_format, bool streaming);

using tt_metal_mirror::dest_tile_capacity;

/// Format of the statistics CBs c_25, c_26, c_27: Float32 when DEST accumulates in fp32, else the input's.
DataFormat stats_format(const ComputeConfigDescriptor& cc, DataFormat input_format);

/// Largest divisor of Wt not above `limit`: the untilize block / streaming chunk width in tiles.
uint32_t largest_divisor_at_most(uint32_t Wt, uint32_t limit);

}  // namespace layernorm_fused_rm
