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
    /// Chunk width Bt (tiles) of the row CBs: the largest divisor of Wt = ceil(W / 32) that fits DEST (one DEST tile
    /// less for the fp32-DEST kernels, which keep one as scratch).
    static uint32_t chunk_tiles(uint32_t W, DataFormat in_format, const ComputeConfigDescriptor& cc);
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

/// The compute kernel family a configuration runs (the documented rule, README "Numerics"):
///  * Precise: Float32 input (fp32_dest_acc_en is required): layernorm_fused_rm_precise{,_streaming}.cpp;
///  * Shifted: bfloat16 input with fp32_dest_acc_en (the default): layernorm_fused_rm_shifted{,_streaming}.cpp,
///    rows centered by their first element, fp32 SFPU math in DEST, at most 1 bf16 ULP of the row scale;
///  * Fpu: bfloat16 input with a 16-bit DEST: layernorm_fused_rm{,_streaming}.cpp, the all-FPU fast path with
///    bf16 intermediate values.
enum class ComputeKernel { Fpu, Shifted, Precise };
ComputeKernel compute_kernel_of(DataFormat in_format, const ComputeConfigDescriptor& cc);

using tt_metal_mirror::dest_tile_capacity;

/// Format of the statistics CBs c_25, c_26, c_27: Float32 when DEST accumulates in fp32, else the input's.
DataFormat stats_format(const ComputeConfigDescriptor& cc, DataFormat input_format);

/// Largest divisor of Wt not above `limit`: the untilize block / streaming chunk width in tiles.
uint32_t largest_divisor_at_most(uint32_t Wt, uint32_t limit);

/// Helpers the program factories share (layernorm_fused_rm_program_factory.cpp).
namespace detail {
uint32_t align_up(uint32_t v, uint32_t a);
/// Columns (x) and rows (y) of the worker grid the program may use: attrs.core_grid, else the arch's whole grid.
CoreCoord grid_of(const operation_attributes_t& attrs, const tt_metal_mirror::ArchParams& arch);
/// bf16 bits of f, rounded to nearest even, in both 16-bit halves (tt-metal readers' scalar packing).
uint32_t packed_bf16(float f);
/// TensorAccessorArgs (compile-time args) of a DRAM-interleaved tensor with the given aligned page size (bytes).
void append_interleaved_accessor_args(std::vector<uint32_t>& args, uint32_t aligned_page_size);
/// Compile-time shape of the reader kernel (reader_ct_args; see dataflow/reader_layernorm_fused_rm.cpp).
struct ReaderShape {
    uint32_t stick_bytes, Wt, Bt, passes, chunk_bytes, affine_flags, last_tile_cols, tile_bytes;
    uint32_t aligned_stick;  ///< page size of the input / gamma / beta accessors (bytes, DRAM-aligned)
};
/// The reader kernel on `cores` with these compile-time args (runtime args are the caller's).
KernelDescriptor reader_kernel(const CoreRangeSet& cores, const ReaderShape& shape);
/// Writes the buffer addresses into every core's reader (input, gamma, beta) and writer (output) runtime args;
/// throws std::invalid_argument when the program has no reader or writer or their runtime args are not of the
/// expected length (reader_rt_args::count, writer_count).
void write_buffer_addresses(ProgramDescriptor& desc, const tensor_args_t& tensor_args,
                            const tensor_return_value_t& output, size_t writer_count = writer_rt_args::count);
}  // namespace detail

/// W-split program ("LayerNormFusedRMWSplitProgramFactory"): every tile-row is split over S cores (a group, a
/// rectangle of the grid); each core reads, normalizes and writes its Wt / S tiles of the 32 sticks, and the
/// cores of a group exchange per-slice statistics per tile-row in two rounds (semaphores, multicast): each core
/// combines the rows it owns, then sends them to the others. Design and CB roles:
/// layernorm_fused_rm_wsplit_program_factory.cpp. bfloat16 input with a 16-bit DEST runs the FPU W-split kernel;
/// bfloat16 with fp32 DEST and float32 input the precise one (precise_kernel, from compute_kernel_of).
struct LayerNormFusedRMWSplitProgramFactory {
    static constexpr const char* name = "LayerNormFusedRMWSplitProgramFactory";
    /// Groups of S cores: gx columns x gy rows of the grid each, at the logical origins listed (row-major). A group's
    /// rectangle is also a rectangle of NOC coordinates with no other node inside (multicast target).
    struct Layout {
        uint32_t S = 0, gx = 0, gy = 0;
        std::vector<CoreCoord> origins;
    };
    /// The rectangle (gx, gy), gx * gy = S, that fits the most groups in the grid_x x grid_y grid of `arch`
    /// (ties: the wider); no origins when no rectangle of S cores fits.
    static Layout layout(uint32_t S, uint32_t grid_x, uint32_t grid_y, const tt_metal_mirror::ArchParams& arch);
    /// Bytes of L1 the 13 CBs take per core for slices of Ws = Wt / S tiles staged in row-major chunks of `chunk`
    /// tiles (a divisor of Ws; 0 = Ws, unchunked): c_1, c_6, c_7 (and the FPU kernel's c_24) hold Ws tiles, c_0, c_4,
    /// c_5, c_16 one chunk (see the .cpp for the roles): the sum over the CB list create_descriptor allocates, so the
    /// fit check, the chunk rule and the program agree (the emulator places the CBs from the unreserved base).
    static uint64_t cb_bytes(uint32_t W, uint32_t S, DataFormat in_format, DataFormat out_format,
                             const ComputeConfigDescriptor& cc, bool has_gamma = true, bool has_beta = true,
                             uint32_t chunk = 0);
    /// Tiles per row-major staging chunk Bc the program takes with S cores per tile-row: attrs.wsplit_chunk_tiles
    /// when given (not checked here: `unusable` is), else the widest divisor of Ws = Wt / S whose cb_bytes fit the
    /// arch's free L1 (Ws where the unchunked slice fits, so such shapes keep one chunk per slice); 0 when even
    /// 1-tile chunks do not fit or S does not divide Wt.
    static uint32_t chunk_tiles(const operation_attributes_t& attrs, const tensor_args_t& tensor_args, uint32_t S);
    /// Pages of c_25 per tile-row: the combined mean and variance tiles, then the S exchanged partials (256 B each)
    /// and the round-2 result area; tile_exchange (the precise kernel): the slot, weight and count tiles,
    /// wsplit_exchange::tile_pages(S) Float32 pages (layernorm_fused_rm_kernel_args.hpp).
    static uint32_t exchange_pages(uint32_t S, DataFormat stats_format, bool tile_exchange = false);
    /// Whether the W-split runs its precise compute kernel (layernorm_fused_rm_precise_wsplit.cpp, fp32 DEST, slice
    /// means exchanged as hi + lo and combined on its SFPU) rather than the FPU one: for every fp32-DEST family of compute_kernel_of (Precise:
    /// float32 input; Shifted: bfloat16 input with fp32_dest_acc_en), a fixed rule of dtype and config. So every
    /// family keeps its numerics contract in the W-split (README "Numerics"): the fp32 DEST arithmetic and the hi + lo
    /// slice means hold the shifted family's bound for bfloat16 input (measured 0.25 bf16 ULP of the row scale on
    /// 256 + 8 randn, as the row-resident shifted kernel; test_dev/op/test_selection.py), so selection needs no
    /// numerics rule.
    static bool precise_kernel(DataFormat in_format, const ComputeConfigDescriptor& cc);
    /// Untilize block width of the W-split compute kernel for output chunks of Bc tiles (compute_ct_args::block_w;
    /// Bc = chunk_tiles): FPU kernel, the largest divisor of Bc within DEST (dest_tile_capacity); precise kernel,
    /// output_resident's 2 tiles per section next to two resident operands (1 when Bc is odd).
    static uint32_t block_width(uint32_t Bc, DataFormat in_format, const ComputeConfigDescriptor& cc);
    /// Why the W-split program cannot run these arguments with S cores per tile-row ("" when it can): the one
    /// predicate validation and selection share. Either float dtype runs (bfloat16: the FPU kernel, float32: the
    /// precise one; validate_input refuses others); checks S >= 2 dividing Wt, a rectangle of S cores in the grid
    /// (attrs.core_grid or the arch's), attrs.wsplit_chunk_tiles 0 or a divisor of Ws, slices within free L1 (with
    /// the given chunk, else with 1-tile chunks).
    /// Messages name the argument, what was expected and what was given (without the op's prefix).
    static std::string unusable(const operation_attributes_t& attrs, const tensor_args_t& tensor_args, uint32_t S);
    /// The S the op takes when the W-split is forced without wsplit_cores_per_row: the one with the lowest modelled
    /// time (layernorm_fused_rm_device_model.hpp) among those `unusable` accepts; 0 when none is.
    static uint32_t choose_cores_per_row(const operation_attributes_t& attrs, const tensor_args_t& tensor_args);
    static ProgramDescriptor create_descriptor(
        const operation_attributes_t& attrs, const tensor_args_t& tensor_args, const tensor_return_value_t& output);
    /// As LayerNormFusedRMProgramFactory::override_runtime_arguments (the writer's args end in the S peers).
    static void override_runtime_arguments(ProgramDescriptor& cached_program, const tensor_args_t& tensor_args,
                                           const tensor_return_value_t& output);
};

}  // namespace layernorm_fused_rm
