// SPDX-License-Identifier: Apache-2.0
//
// Program factory of ttnn.layernorm_fused_rm: the row-resident program. Tile-rows (32-row blocks) are
// split over the worker grid with split_work_to_cores; every core has its own 13 CBs and processes its
// tile-rows one after another.
//
// Circular buffers (capacities in pages; Wt = W / 32; "tile" = one 32x32 tile of the CB's format,
// 2048 B for bfloat16). Row-major CBs are paged in tile-sized pages: a 32-stick block Wt tiles wide is
// exactly Wt pages, which is what tilize_block and pack_untilize count (tt-metal 0.81.1
// api/compute/tilize.h, pack_untilize.h).
//
//   c_0  input sticks, one tile-row block    Wt   reader -> compute (tilize)
//   c_1  input tilized                       Wt   compute, waited by three passes, then popped
//   c_2  reduce scaler (1.0)                 1    reader, persistent
//   c_3  epsilon                             1    reader, persistent
//   c_4  gamma row-major block               Wt   reader -> compute (tilized once)
//   c_5  beta row-major block                Wt   reader -> compute (tilized once)
//   c_6  gamma tilized                       Wt   compute, persistent
//   c_7  beta tilized                        Wt   compute, persistent
//   c_16 output sticks, one tile-row block   Wt   compute (pack_untilize) -> writer
//   c_24 (x - mean)^2, then x - mean         Wt   compute
//   c_25 mean                                1    compute
//   c_26 variance                            1    compute
//   c_27 1 / sqrt(variance + eps)            1    compute
//
// Every capacity is a multiple of the chunk its producer reserves (Wt or 1); the persistent CBs hold
// all the reader pushes into them.
//
// The compute kernel follows compute_kernel_of (program_factory.hpp).
// FLOAT32 input runs the precise compute kernels (layernorm_fused_rm_precise{,_streaming}.cpp; numerics in
// layernorm_fused_rm_precise_common.hpp): the centered values stay in DEST, so c_24 holds only the element-wise
// row-sum tile (1 page; 2 in the streaming program, whose partial sums are 2 tiles), c_25 holds x0 and m, then the
// mean as m1 and m2 (2 pages), c_26 the three bf16 parts of a row sum (3 bfloat16 pages); math fidelity is HiFi4.
// BFLOAT16 input with fp32 DEST runs the shifted kernels (layernorm_fused_rm_shifted{,_streaming}.cpp) in the
// layout above: c_24 takes a bf16 part of a row sum (and, streaming, the row's first tile), c_25 the mean, c_26
// the rest of a row sum, c_27 a partial row sum, then the inverse std. In both, per-row operands stay resident in
// DEST and the output untilizes 2 tiles per DEST section (output_resident), so DEST does not bound the streaming
// chunk (streaming_chunk), and eps goes to the compute kernel in fp32 (runtime arg compute_rt_args::eps_bits).
#include "device/layernorm_fused_rm_program_factory.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "arch/arch_params.hpp"
#include "device/layernorm_fused_rm_utils.hpp"

namespace layernorm_fused_rm {

namespace {

std::mutex g_root_mutex;
std::string g_kernel_root;

}  // namespace

namespace detail {
uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

CoreCoord grid_of(const operation_attributes_t& attrs, const tt_metal_mirror::ArchParams& arch) {
    return attrs.core_grid ? *attrs.core_grid : CoreCoord{arch.grid_x, arch.grid_y};
}

// bf16 bits of a float, rounded to nearest even, in both 16-bit halves (the scalar packing tt-metal
// readers use for bf16 scaler/epsilon words).
uint32_t packed_bf16(float f) {
    uint32_t u = std::bit_cast<uint32_t>(f);
    u += 0x7fffu + ((u >> 16) & 1u);
    const uint32_t b = u >> 16;
    return (b << 16) | b;
}

// TensorAccessorArgs of a DRAM-interleaved tensor, as tt-metal 0.81 encodes them: ArgConfig flags
// (IsDram = 2) and the aligned page size (hostdevcommon/tensor_accessor/arg_config.hpp).
void append_interleaved_accessor_args(std::vector<uint32_t>& args, uint32_t aligned_page_size) {
    constexpr uint32_t kIsDram = 1u << 1;
    args.push_back(kIsDram);
    args.push_back(aligned_page_size);
}
}  // namespace detail

namespace {
using detail::align_up;
using detail::append_interleaved_accessor_args;
using detail::packed_bf16;
using detail::write_buffer_addresses;

}  // namespace

bool uses_precise_kernel(DataFormat in_format, bool streaming) {
    (void)streaming;
    return in_format == DataFormat::Float32;
}

ComputeKernel compute_kernel_of(DataFormat in_format, const ComputeConfigDescriptor& cc) {
    if (in_format == DataFormat::Float32) {
        return ComputeKernel::Precise;
    }
    return cc.fp32_dest_acc_en ? ComputeKernel::Shifted : ComputeKernel::Fpu;
}

uint32_t largest_divisor_at_most(uint32_t Wt, uint32_t limit) {
    for (uint32_t b = std::min(Wt, limit); b > 1; --b) {
        if (Wt % b == 0) {
            return b;
        }
    }
    return 1;
}

DataFormat stats_format(const ComputeConfigDescriptor& cc, DataFormat input_format) {
    return cc.fp32_dest_acc_en ? DataFormat::Float32 : input_format;
}

namespace {
// L1 bytes of the 13 CBs for row CBs of Bt tiles: c_0, c_1, c_24 Bt tiles of the input format and c_16 Bt
// tiles of the output format; gamma (c_4, c_6) and beta (c_5, c_7) Bt input tiles when given, else 1 page;
// c_2 one bf16 scaler tile, two when W % 32 != 0; c_3 one bf16 tile; the 3 statistics tiles.
// The precise kernels (Float32 input) keep the centered values in DEST: c_24 holds only row-sum tiles (1 page
// row-resident, 2 streaming), c_25 (x0 and m, then m1 and m2) 2 Float32 tiles and c_26 the three bf16 parts of a
// row-sum tile; c_27 takes the sum of squares before the inverse std.
uint32_t centered_pages(uint32_t Bt, bool precise, bool streaming) { return precise ? (streaming ? 2 : 1) : Bt; }

// Row CB width of the streaming program. The FPU kernel holds a chunk in DEST: the largest divisor of Wt that fits it.
// The fp32-DEST kernels take one tile at a time into their statistics sections and untilize 2 tiles per output
// section (output_resident), so DEST does not bound their chunk; each chunk costs 3 (shifted) or 6 (precise) more
// steps (model::steps_per_chunk: partial sums and operands brought back into DEST) and an odd chunk untilizes 1 tile
// per section: the largest even divisor of Wt up to kFp32DestChunkMax (those steps <= 0.75 per tile), else the
// largest divisor up to it.
constexpr uint32_t kFp32DestChunkMax = 8;
uint32_t streaming_chunk(uint32_t Wt, const ComputeConfigDescriptor& cc, ComputeKernel kind) {
    if (kind == ComputeKernel::Fpu) {
        return largest_divisor_at_most(Wt, dest_tile_capacity(cc));
    }
    if (Wt % 2 == 0) {
        return 2 * largest_divisor_at_most(Wt / 2, kFp32DestChunkMax / 2);
    }
    return largest_divisor_at_most(Wt, kFp32DestChunkMax);
}

uint64_t cb_bytes_for(uint32_t W, uint32_t Bt, DataFormat in_format, DataFormat out_format,
                      const ComputeConfigDescriptor& cc, bool has_gamma, bool has_beta, bool precise, bool streaming) {
    const uint64_t in_tiles = 2ull * Bt + centered_pages(Bt, precise, streaming) + 2ull * (has_gamma ? Bt : 1) +
                              2ull * (has_beta ? Bt : 1);
    const uint64_t scalar_tiles = (W % TILE_WIDTH ? 2 : 1) + 1;
    const uint64_t stats_bytes = precise ? 3ull * tile_size(stats_format(cc, in_format)) +
                                               3ull * tile_size(DataFormat::Float16_b)
                                         : 3ull * tile_size(stats_format(cc, in_format));
    return in_tiles * tile_size(in_format) + uint64_t(Bt) * tile_size(out_format) +
           scalar_tiles * tile_size(DataFormat::Float16_b) + stats_bytes;
}
}  // namespace

uint64_t LayerNormFusedRMProgramFactory::cb_bytes(uint32_t W, DataFormat in_format, DataFormat out_format,
                                                  const ComputeConfigDescriptor& cc, bool has_gamma,
                                                  bool has_beta) {
    return cb_bytes_for(W, tiles_of_width(W), in_format, out_format, cc, has_gamma, has_beta,
                        uses_precise_kernel(in_format, /*streaming=*/false), /*streaming=*/false);
}

uint32_t LayerNormFusedRMStreamingProgramFactory::chunk_tiles(uint32_t W, DataFormat in_format,
                                                              const ComputeConfigDescriptor& cc) {
    return streaming_chunk(tiles_of_width(W), cc, compute_kernel_of(in_format, cc));
}

uint64_t LayerNormFusedRMStreamingProgramFactory::cb_bytes(uint32_t W, DataFormat in_format, DataFormat out_format,
                                                           const ComputeConfigDescriptor& cc, bool has_gamma,
                                                           bool has_beta) {
    const ComputeKernel kind = compute_kernel_of(in_format, cc);
    return cb_bytes_for(W, streaming_chunk(tiles_of_width(W), cc, kind), in_format, out_format, cc, has_gamma,
                        has_beta, kind == ComputeKernel::Precise, /*streaming=*/true);
}

WorkSplit split_work_to_cores(uint32_t grid_x, uint32_t grid_y, uint32_t units) {
    WorkSplit w;
    const uint32_t grid = grid_x * grid_y;
    if (units == 0 || grid == 0) {
        return w;
    }
    w.num_cores = std::min(units, grid);
    const uint32_t q = units / w.num_cores;
    const uint32_t r = units % w.num_cores;
    w.units_group_1 = r ? q + 1 : q;
    w.units_group_2 = q;
    w.group_1_cores = r ? r : w.num_cores;
    for (uint32_t i = 0; i < w.num_cores; ++i) {
        w.cores.push_back(CoreCoord{i % grid_x, i / grid_x});
    }
    return w;
}

void set_kernel_root(const std::string& dir) {
    std::lock_guard<std::mutex> lk(g_root_mutex);
    g_kernel_root = dir;
}

const std::string& kernel_root() {
    std::lock_guard<std::mutex> lk(g_root_mutex);
    return g_kernel_root;
}

KernelDescriptor detail::reader_kernel(const CoreRangeSet& cores, const ReaderShape& r) {
    KernelDescriptor reader;
    reader.kernel_source = kernel_root() + "/dataflow/reader_layernorm_fused_rm.cpp";
    reader.core_ranges = cores;
    namespace ct = reader_ct_args;
    auto& args = reader.compile_time_args;
    args.assign(ct::count, 0);
    args[ct::stick_bytes] = r.stick_bytes;
    args[ct::Wt] = r.Wt;
    args[ct::Bt] = r.Bt;
    args[ct::passes] = r.passes;
    args[ct::chunk_bytes] = r.chunk_bytes;
    args[ct::affine_flags] = r.affine_flags;
    args[ct::last_tile_cols] = r.last_tile_cols;
    args[ct::tile_bytes] = r.tile_bytes;
    static_assert(reader_ct_args::input_accessor == reader_ct_args::count, "accessors follow the plain args");
    append_interleaved_accessor_args(args, r.aligned_stick);  // input
    append_interleaved_accessor_args(args, r.aligned_stick);  // gamma
    append_interleaved_accessor_args(args, r.aligned_stick);  // beta
    reader.config = ReaderConfigDescriptor{};
    return reader;
}

// The one place buffer addresses enter a program (as tt-metal's override_runtime_arguments writes them): reader
// runtime args input / gamma / beta (0 for an absent tensor) and writer runtime arg output, on every core. Nothing
// else in a descriptor depends on an address. Kernels are found by their config (reader, writer), not position.
// writer_count: the writer's runtime-arg count (the W-split writer's is longer; its output address is arg 0 too).
void detail::write_buffer_addresses(ProgramDescriptor& desc, const tensor_args_t& tensor_args,
                                    const tensor_return_value_t& output, size_t writer_count) {
    KernelDescriptor* reader = nullptr;
    KernelDescriptor* writer = nullptr;
    for (KernelDescriptor& k : desc.kernels) {
        if (k.is_reader()) {
            reader = &k;
        } else if (std::holds_alternative<WriterConfigDescriptor>(k.config)) {
            writer = &k;
        }
    }
    if (reader == nullptr || writer == nullptr) {
        throw std::invalid_argument(
            "ttnn.layernorm_fused_rm: override_runtime_arguments: program has no reader or no writer kernel (program "
            "factory \"" + desc.program_factory + "\"): not a program of this op");
    }
    // Every core's runtime args of kernel `k` (named `what` in messages) must have `count` entries.
    auto checked = [](KernelDescriptor& k, const char* what, size_t count) -> KernelDescriptor::RuntimeArgs& {
        for (const auto& [core, args] : k.runtime_args) {
            if (args.size() != count) {
                throw std::invalid_argument(
                    std::string("ttnn.layernorm_fused_rm: override_runtime_arguments: ") + what + " runtime args must "
                    "have " + std::to_string(count) + " entries, got " + std::to_string(args.size()));
            }
        }
        return k.runtime_args;
    };
    const uint32_t gamma_addr = tensor_args.gamma ? tensor_args.gamma->address : 0;
    const uint32_t beta_addr = tensor_args.beta ? tensor_args.beta->address : 0;
    for (auto& [core, args] : checked(*reader, "reader", reader_rt_args::count)) {
        args[reader_rt_args::input_addr] = tensor_args.input.address;
        args[reader_rt_args::gamma_addr] = gamma_addr;
        args[reader_rt_args::beta_addr] = beta_addr;
    }
    for (auto& [core, args] : checked(*writer, "writer", writer_count)) {
        args[writer_rt_args::output_addr] = output.address;
    }
}

namespace {

// Both programs: the same 13 CB roles, kernels and work split; `streaming` sizes the row CBs to one chunk
// of Bt tiles and makes the reader send each tile-row three times.
ProgramDescriptor build_descriptor(const operation_attributes_t& attrs, const tensor_args_t& tensor_args,
                                   const tensor_return_value_t& output, bool streaming) {
    const TensorDesc& in = tensor_args.input;
    const auto arch = tt_metal_mirror::ArchParams::by_name(attrs.arch);
    const uint32_t W = in.shape.back();
    const uint32_t num_rows = static_cast<uint32_t>(volume(in.shape) / W);
    const uint32_t Wt = tiles_of_width(W);
    const uint32_t last_tile_cols = W - TILE_WIDTH * (Wt - 1);  // 1..32
    const bool has_gamma = tensor_args.gamma.has_value();
    const bool has_beta = tensor_args.beta.has_value();
    const uint32_t affine_flags = (has_gamma ? affine_flag::gamma : 0u) | (has_beta ? affine_flag::beta : 0u);
    // Streaming: the reader places each chunk of gamma and beta as tiles (row 0) in c_6 / c_7, which every compute
    // kernel reads only in row 0, so none tilizes them per tile-row. Row-resident: the compute kernel tilizes them
    // once per core.
    const uint32_t reader_affine_flags = affine_flags | (streaming ? affine_flag::pretiled : 0u);
    const DataFormat fmt = data_format_of(in.dtype);
    const DataFormat out_fmt = data_format_of(attrs.output_dtype);
    const uint32_t stick_bytes = W * datum_size(fmt);
    const uint32_t aligned_stick = align_up(stick_bytes, arch.dram_alignment);
    const uint32_t out_stick_bytes = W * datum_size(out_fmt);
    const uint32_t aligned_out_stick = align_up(out_stick_bytes, arch.dram_alignment);
    const uint32_t num_blocks = static_cast<uint32_t>(tile_rows_of(num_rows));
    const ComputeConfigDescriptor& cc = attrs.compute_config;
    const uint32_t dest_tiles = dest_tile_capacity(cc);
    // Row CBs hold Bt tiles: the whole row (row-resident) or one chunk (streaming). The untilize block
    // width divides Bt and fits DEST (the FPU kernels; the fp32-DEST kernels choose their own output block,
    // resident_block_w in layernorm_fused_rm_precise_common.hpp, and their streaming kernels read block_w as Bt).
    const ComputeKernel kind = compute_kernel_of(fmt, cc);
    const bool precise = kind == ComputeKernel::Precise;
    const bool fp32_dest_kernel = kind != ComputeKernel::Fpu;  // precise or shifted: eps in fp32, a scratch DEST tile
    const uint32_t Bt = streaming ? streaming_chunk(Wt, cc, kind) : Wt;
    const uint32_t block_w = largest_divisor_at_most(Bt, fp32_dest_kernel ? dest_tiles - 1 : dest_tiles);
    const uint32_t chunk_bytes = Bt * TILE_WIDTH * datum_size(fmt);
    const uint32_t out_chunk_bytes = Bt * TILE_WIDTH * datum_size(out_fmt);

    const CoreCoord grid = detail::grid_of(attrs, arch);
    const uint32_t grid_x = grid.x, grid_y = grid.y;
    const WorkSplit split = split_work_to_cores(grid_x, grid_y, num_blocks);
    // All used cores as rectangles: full rows of the grid, then the partial last row.
    CoreRangeSet cores;
    const uint32_t full_rows = split.num_cores / grid_x;
    const uint32_t rest = split.num_cores % grid_x;
    if (full_rows > 0) {
        cores.ranges.push_back(CoreRange{{0, 0}, {grid_x - 1, full_rows - 1}});
    }
    if (rest > 0) {
        cores.ranges.push_back(CoreRange{{0, full_rows}, {rest - 1, full_rows}});
    }

    ProgramDescriptor desc;
    auto add_cb = [&](unsigned index, uint32_t pages, DataFormat f) {
        desc.cbs.push_back(CBDescriptor{
            pages * tile_size(f), cores, {CBFormatDescriptor{static_cast<uint8_t>(index), f, tile_size(f)}}});
    };
    // The statistics (mean, variance, inverse std) stay in Float32 when DEST accumulates in fp32, so the
    // row sums (and the streaming program's partial sums) never drop to the input's precision.
    const DataFormat stats_fmt = stats_format(cc, fmt);
    add_cb(cb::in_rm, Bt, fmt);
    add_cb(cb::in_tiled, Bt, fmt);
    // The reader writes the scaler and epsilon tiles as bf16 (1.0 is exact; eps is rounded to bf16).
    // The full scaler tile, then the partial one when the last tile of a row is partial.
    add_cb(cb::scaler, last_tile_cols < TILE_WIDTH ? 2 : 1, DataFormat::Float16_b);
    add_cb(cb::eps, 1, DataFormat::Float16_b);
    // gamma/beta CBs exist either way (the design's 13 CBs); one page when the vector is not given.
    add_cb(cb::gamma_rm, has_gamma ? Bt : 1, fmt);
    add_cb(cb::beta_rm, has_beta ? Bt : 1, fmt);
    add_cb(cb::gamma_tiled, has_gamma ? Bt : 1, fmt);
    add_cb(cb::beta_tiled, has_beta ? Bt : 1, fmt);
    add_cb(cb::out_rm, Bt, out_fmt);
    add_cb(cb::centered, centered_pages(Bt, precise, streaming), fmt);
    add_cb(cb::mean, precise ? 2 : 1, stats_fmt);
    add_cb(cb::variance, precise ? 3 : 1, precise ? DataFormat::Float16_b : stats_fmt);
    add_cb(cb::inv_std, 1, stats_fmt);

    const std::string root = kernel_root();

    KernelDescriptor reader = detail::reader_kernel(
        cores, detail::ReaderShape{stick_bytes, Wt, Bt, streaming ? 3u : 1u, chunk_bytes, reader_affine_flags,
                                   last_tile_cols, tile_size(fmt), aligned_stick});

    KernelDescriptor compute;
    const char* family = kind == ComputeKernel::Precise ? "_precise" : kind == ComputeKernel::Shifted ? "_shifted" : "";
    compute.kernel_source =
        root + "/compute/layernorm_fused_rm" + family + (streaming ? "_streaming.cpp" : ".cpp");
    compute.core_ranges = cores;
    {
        namespace ct = compute_ct_args;
        auto& args = compute.compile_time_args;
        args.assign(ct::count, 0);
        args[ct::Wt] = Wt;
        // Row-resident: the untilize block width (the precise kernel: its statistics block, the chunk width the
        // streaming program would take, so both sum in the same order); streaming: the chunk width.
        args[ct::block_w] = streaming ? Bt : precise ? streaming_chunk(Wt, cc, kind) : block_w;
        args[ct::inv_w_bits] = std::bit_cast<uint32_t>(1.0f / static_cast<float>(W));
        args[ct::affine_flags] = affine_flags;
        args[ct::partial] = last_tile_cols < TILE_WIDTH ? 1u : 0u;
    }

    compute.config = cc;
    // Float32 CBs that are copied or tilized into DEST unpack straight to the 32-bit DEST (lossless) rather
    // than through the 19-bit source registers: the streaming program's partial sums (copy_tile) and fp32
    // row-major input, gamma and beta (tilize).
    auto& modes = std::get<ComputeConfigDescriptor>(compute.config).unpack_to_dest_mode;
    if (stats_fmt == DataFormat::Float32 || fmt == DataFormat::Float32) {
        modes.assign(32, UnpackToDestMode::Default);
    }
    if (kind == ComputeKernel::Shifted) {
        // c_25 (mean) and c_27 (partial row sums, then inverse std) are only copied / broadcast into DEST; c_26 (the
        // remainder of a row-sum tile) is read by reduce through SrcB and must not be marked (ISA UNPACR_Regular.md).
        modes[cb::mean] = UnpackToDestMode::UnpackToDestFp32;
        modes[cb::inv_std] = UnpackToDestMode::UnpackToDestFp32;
    }
    if (fmt == DataFormat::Float32) {
        modes[cb::in_rm] = UnpackToDestMode::UnpackToDestFp32;
        modes[cb::gamma_rm] = UnpackToDestMode::UnpackToDestFp32;
        modes[cb::beta_rm] = UnpackToDestMode::UnpackToDestFp32;
    }
    if (precise) {
        // The precise kernels copy x tiles (c_1) and row-sum tiles (c_24) into DEST exactly and unary_bcast the
        // mean (c_25), inverse std (c_27), gamma (c_6) and beta (c_7) (bcast.h: Float32 unpacks to DEST). c_26 holds
        // the bf16 parts of a row sum, read by reduce through SrcB. The reduces need HiFi3 or HiFi4 (ISA
        // SrcASrcB.md: LoFi and HiFi2 drop SrcB's last bf16 mantissa bit); the factory sets HiFi4.
        modes[cb::in_tiled] = UnpackToDestMode::UnpackToDestFp32;
        modes[cb::centered] = UnpackToDestMode::UnpackToDestFp32;
        modes[cb::mean] = UnpackToDestMode::UnpackToDestFp32;
        modes[cb::inv_std] = UnpackToDestMode::UnpackToDestFp32;
        modes[cb::gamma_tiled] = UnpackToDestMode::UnpackToDestFp32;
        modes[cb::beta_tiled] = UnpackToDestMode::UnpackToDestFp32;
        modes[cb::variance] = UnpackToDestMode::Default;
        std::get<ComputeConfigDescriptor>(compute.config).math_fidelity = MathFidelity::HiFi4;
    }

    KernelDescriptor writer;
    writer.kernel_source = root + "/dataflow/writer_layernorm_fused_rm.cpp";
    writer.core_ranges = cores;
    {
        namespace ct = writer_ct_args;
        auto& args = writer.compile_time_args;
        args.assign(ct::count, 0);
        args[ct::stick_bytes] = out_stick_bytes;
        args[ct::Wt] = Wt;
        args[ct::Bt] = Bt;
        args[ct::chunk_bytes] = out_chunk_bytes;
    }
    static_assert(writer_ct_args::output_accessor == writer_ct_args::count, "the accessor follows the plain args");
    append_interleaved_accessor_args(writer.compile_time_args, aligned_out_stick);

    writer.config = WriterConfigDescriptor{};

    // Per-core runtime args: core i takes tile-rows [first_block, first_block + blocks); the sticks past the
    // end of the tensor in the last tile-row are neither read nor written.
    uint32_t first_block = 0;
    for (uint32_t i = 0; i < split.num_cores; ++i) {
        const CoreCoord core = split.cores[i];
        const uint32_t blocks = split.units_of(i);
        const uint32_t first_stick = first_block * TILE_HEIGHT;
        const uint32_t sticks = std::min(blocks * TILE_HEIGHT, num_rows - first_stick);
        std::vector<uint32_t> r(reader_rt_args::count, 0);
        r[reader_rt_args::num_sticks] = sticks;
        r[reader_rt_args::start_stick] = first_stick;
        r[reader_rt_args::scaler] = packed_bf16(1.0f);
        r[reader_rt_args::eps] = packed_bf16(attrs.eps);
        reader.runtime_args.push_back({core, std::move(r)});
        std::vector<uint32_t> c(fp32_dest_kernel ? compute_rt_args::precise_count : compute_rt_args::count, 0);
        c[compute_rt_args::num_blocks] = blocks;
        if (fp32_dest_kernel) {
            c[compute_rt_args::eps_bits] = std::bit_cast<uint32_t>(attrs.eps);
        }
        compute.runtime_args.push_back({core, std::move(c)});
        std::vector<uint32_t> w(writer_rt_args::count, 0);
        w[writer_rt_args::num_sticks] = sticks;
        w[writer_rt_args::start_stick] = first_stick;
        writer.runtime_args.push_back({core, std::move(w)});
        first_block += blocks;
    }
    desc.kernels = {std::move(reader), std::move(compute), std::move(writer)};
    write_buffer_addresses(desc, tensor_args, output);
    return desc;
}

}  // namespace

ProgramDescriptor LayerNormFusedRMProgramFactory::create_descriptor(
    const operation_attributes_t& attrs, const tensor_args_t& tensor_args, const tensor_return_value_t& output) {
    return build_descriptor(attrs, tensor_args, output, /*streaming=*/false);
}

ProgramDescriptor LayerNormFusedRMStreamingProgramFactory::create_descriptor(
    const operation_attributes_t& attrs, const tensor_args_t& tensor_args, const tensor_return_value_t& output) {
    return build_descriptor(attrs, tensor_args, output, /*streaming=*/true);
}

void LayerNormFusedRMProgramFactory::override_runtime_arguments(ProgramDescriptor& cached_program,
                                                                const tensor_args_t& tensor_args,
                                                                const tensor_return_value_t& output) {
    write_buffer_addresses(cached_program, tensor_args, output);
}

void LayerNormFusedRMStreamingProgramFactory::override_runtime_arguments(ProgramDescriptor& cached_program,
                                                                         const tensor_args_t& tensor_args,
                                                                         const tensor_return_value_t& output) {
    write_buffer_addresses(cached_program, tensor_args, output);
}

}  // namespace layernorm_fused_rm
