// SPDX-License-Identifier: Apache-2.0
//
// W-split program of ttnn.layernorm_fused_rm: every tile-row (32 sticks) is split over a group of S cores, a
// gx x gy rectangle of the grid. Core i of a group owns tile columns [i * Ws, (i + 1) * Ws), Ws = Wt / S: it reads
// its slice of the 32 sticks and of gamma / beta once (the row-resident reader with a column offset; gamma / beta
// placed as tiles by the reader, affine_flag::pretiled, as the streaming program's), tilizes the sticks, and computes per-row partial statistics of its slice: the slice mean m_i and M2_i = sum over the slice of
// (x - m_i)^2, centered on its own mean, and exchanges them with the other cores of its group (layout: wsplit_exchange
// in kernels/layernorm_fused_rm_kernel_args.hpp). Two exchanges, one per compute kernel (below):
//   precise kernel (fp32 DEST, the default): a tile exchange in one round. Each core sends its slice's first element
//     x0_i, the mean m_i of x - x0_i and M2_i about it; its writer stores them as row i of three Float32 slot tiles of
//     c_25 (one column per row of the tile-row; 32 slots per tile, a second group of tiles past 32), multicasts that
//     row of each tile (2 runs of 64 B) to the other S - 1 cores at the same L1 address, flushes, increments each
//     peer's round-1 semaphore, waits for S - 1 arrivals and pushes the tiles to its compute kernel, which combines
//     all 32 rows at once on the SFPU (layernorm_fused_rm_precise_wsplit.cpp): relative to R = slice 0's mean
//     x0_0 + m_0, d_j = (x0_j - R) + m_j, d = sum_j (n_j / N) d_j, M2 = sum_j (M2_j + n_j (d_j - d)^2), the column
//     sums by sfpu_reduce and the results made columns by transpose_dest. Every core computes every row itself, so
//     every core of a group gets bit-identical statistics; the mean stays the pair R + d (fp32 accuracy of the
//     spread, not of |mean|, also when a slice's first element is an outlier);
//   FPU kernel (16-bit DEST): two rounds per tile-row, a reduce-scatter then an all-gather, combined in soft float:
//     round 1: the writer copies column 0 of the partial tiles (32 means, 32 M2s as fp32, 256 B) into slot i of an
//     exchange area at the same L1 address on every core of the group, multicasts that slot to the other S - 1
//     cores of the rectangle, flushes, increments each peer's round-1 semaphore and waits for S - 1 arrivals;
//     combine: core i combines only the rows it owns, [i R, min(32, (i + 1) R)), R = ceil(32 / S) (the first
//     ceil(32 / R) cores own rows, the others none): mean = sum_j (n_j / N) m_j, M2 = sum_j M2_j + sum_j n_j
//     (m_j - mean)^2, var = M2 / N, in fp32 soft float (7 operations per (row, partial), one division per row);
//     round 2: each owner writes its rows' (mean, var) into its 16-byte-aligned block of a result area after the
//     slots (same L1 address on every core), multicasts the block, flushes, and increments each peer's round-2
//     semaphore; every core waits for the other owners' signals and copies the 32 rows into column 0 of c_25 pages
//     0 (mean) and 1 (variance). Owners compute, everyone copies: bit-identical statistics on every core.
// Both use the two-pass sum form of the parallel variance, with n_j the slice widths (compile-time: Ws * 32, the last
// slice fewer when W % 32 != 0) and N = W: the exact decomposition of the total sum of squares into within- and
// between-slice parts (for two slices it is the combination formula of Chan, Golub, LeVeque 1979, "Updating formulae
// and a pairwise algorithm for computing sample variances", Stanford CS-TR-79-773, whose abstract states it; S slices
// follow by induction, since sum_j n_j (m_j - mean) = 0; every term is non-negative: no cancellation).
// The compute kernel normalizes its slice with them and the writer writes the slice of the 32 output sticks. DRAM
// traffic is the minimum: every input byte read once, every output byte written once, gamma / beta once per core
// (each core its own slice). Per tile-row the precise combine costs each core 19 G + 24 tile steps (bfloat16: 27; G =
// ceil(S / 32); device model wsplit_combine_steps), where the writer's soft-float combine of the earlier precise
// exchange cost ceil(32 / S) x (S x 8 + 34) operations (S = 32: about 25000 cycles, 4 to 6 times its compute).
//
// Exchange ordering. Tile-row b (counted per group from 0) uses c_25 half h = b % 2 (P pages at the same L1 address
// on every core of the group: the same CB, the same push/pop sequence), round-1 semaphore h and (FPU kernel)
// round-2 semaphore 2 + h. Write "c done(b)" for core c's writer having finished its loop iteration b: every read of
// its slots and result area of b, and both semaphore resets of b. In the tile exchange the compute kernel reads the
// slots of b, and the writer's iteration b ends with the output chunks of b, which the compute kernel produces only
// after its combine of b: so done_c(b) includes every read of c's slots of b there too, and the argument below holds
// with round 1 alone. Every step of a writer's loop is sequential, so:
//   (A) c's round-1 signal for b is sent after done_c(b - 1);
//   (B) any core's round-1 wait for b ends only after every peer's round-1 signal for b, hence after done_p(b - 1)
//       of every peer p (A);
//   (C) an owner's round-2 write and signal for b come after its round-1 wait for b, hence (B) after done_p(b - 1)
//       of every core p of the group.
// Semaphores. Round-1 increments for b reach c after (B, applied to the sender's previous iteration) the sender's
// round-1 wait for b - 1 ended, i.e. after c's round-1 signal for b - 1, which c sends after done_c(b - 2), when c
// had reset semaphore h after its round-1 wait for b - 2. They cannot be counted for b - 2 (already reset) nor for
// b - 1 or b + 1 (the other parity), and the increments for b + 2 come only after c's signal for b + 1, i.e. after
// done_c(b) and c's reset of semaphore h for b: c's round-1 wait for b counts exactly the S - 1 signals of b. The
// parity is needed: when c owns no row, a peer can finish b (its round-2 wait needs only the owners' signals) and
// signal b + 1 while c has been signalled for b but not yet read its semaphore. Round 2: by (C) an increment for b
// reaches c after done_c(b - 1), so after c reset the round-2 semaphore of b - 1 and b - 2; the increments for b + 1
// come after done_c(b), after c's reset for b. So a single round-2 semaphore would do; the round-2 pair keeps the
// parity scheme uniform (and costs 16 B of L1).
// L1 areas. Peers write only c's slots and result blocks (FPU kernel: pages 2.. of a half, never pages 0 and 1, which
// only c's writer writes after cb_reserve_back, so the compute kernel's reads of pages 0 and 1 of b are safe until it
// pops them; tile exchange: only the rows of slices in the slot tiles, never the rows of no slice, which c's writer
// zeroes, nor the weight and count tiles, which it writes, on the first use of each half). A peer's round-1 write for b + 2 into half h of c follows c's round-1 signal for b + 1 (A, B), so done_c(b):
// c has finished reading its slots of b. An owner's round-2 write for b + 2 (C) follows done_c(b + 1). So no write
// of a fast core ever lands on a slot or result block that a slower core still reads; within b, the slots and
// blocks written by different cores are disjoint, and a core reads a slot or block only after the semaphore that
// its writer incremented after noc_async_write_barrier (the data flushed before the signal).
//
// Circular buffers (pages; Ws = Wt / S; Bc = the staging chunk, a divisor of Ws: chunk_tiles; P = exchange pages:
// precise kernel 5 G Float32 tiles (wsplit_exchange::tile_pages), FPU kernel 2 + ceil(exchange area bytes / stats tile
// bytes), the exchange area S x 256 B of slots and a result area of ceil(32 / R) blocks of 16-byte-padded 8 R B,
// <= 512 B):
//   c_0  input sticks, a chunk of the slice     Bc   reader -> compute (tilize)
//   c_1  input slice tilized                    Ws   compute
//   c_2  reduce scaler (1.0; partial tile)      1|2  reader, persistent (every core; only the last slice uses the partial)
//   c_3  epsilon                                1    reader, persistent
//   c_4/c_5 gamma/beta chunk row-major          Bc   reader only: staging, never pushed (1 page when absent)
//   c_6/c_7 gamma/beta slice as tiles           Ws   reader -> compute, persistent: row 0 of each tile = the
//        vector (the reader's affine_flag::pretiled; rows 1..31 not written, the compute kernels read row 0 only)
//   c_16 output sticks, a chunk of the slice    Bc   compute (pack_untilize) -> writer
//   c_24 (x - m_i)^2, then x - mean             Ws   compute
//   c_25 mean: the row's statistics             2P   writer -> compute, P pages per tile-row, two halves (tile-row
//        parity). Precise kernel: the S slices' partials as slot tiles and the weight and count tiles, combined by
//        compute. FPU kernel: page 0 the combined mean, page 1 the combined variance (column 0), then the exchange
//        area (the S received partials, then the owners' results; never read by compute)
//   c_26 variance: this slice's partials        2|3  compute -> writer: FPU kernel m_i, M2_i tiles; precise x0, m, M2
//   c_27 1 / sqrt(var + eps); first the slice mean m_i for the squares    1    compute (precise kernel: 2, float32
//        input 3: its row sums, m_i, the combine's d, then its statistics chunk)
// Staging in chunks. Only the slice's tiles (c_1, c_6, c_7; the FPU kernel's c_24) must stay resident for a whole
// tile-row; the row-major staging moves Bc tiles' width at a time, as in the streaming program: the reader places
// gamma's Ws / Bc chunks as tiles in c_6, then beta's in c_7 (once; each chunk read into c_4 / c_5 and copied into
// row 0 of its Bc tiles), then per tile-row sends the input's, each chunk the 32 sticks' columns
// [k Bc 32, (k + 1) Bc 32) of the slice (row stride Bc 32 elements; c_0 holds one chunk, so every chunk lands on the
// same L1 and a partial last chunk has its columns past W zeroed); the compute kernel tilizes each chunk into c_1
// and untilizes its output one chunk into c_16 at a time, which the writer writes before the next.
// chunk_tiles picks the widest Bc that fits L1 (Ws wherever the unchunked slice fits: one NOC transaction per stick
// and slice, as before); wsplit_chunk_tiles forces one. So Blackhole float32 1 x 128 x 65536 (S at most 32 there:
// Ws = 64 float32 tiles, 1910784 B of CBs unchunked against 1461120 B free) runs with Bc = 32 in 1386496 B instead
// of streaming each row 3 times.
// Semaphores (kernel-config region, get_semaphore): 0 and 1 count round-1 arrivals of tile-rows of even / odd
// parity, 2 and 3 (FPU kernel only) round-2 arrivals.
//
// Compute kernel: by the row-resident program's fixed rule (compute_kernel_of: input dtype and fp32_dest_acc_en, never
// the data; precise_kernel). BFLOAT16 input with a 16-bit DEST (the FPU family) runs the FPU kernel
// (compute/layernorm_fused_rm_wsplit.cpp) in the layout above. The fp32-DEST families run the precise kernel
// (compute/layernorm_fused_rm_precise_wsplit.cpp; numerics in layernorm_fused_rm_precise_common.hpp): FLOAT32 input
// (precise family) and BFLOAT16 input with fp32_dest_acc_en (the shifted family, the op's default config), told apart
// by wsplit_compute_ct_args::fp32_input: it centres each slice on its first element x0 as the shifted kernels centre
// a row (bfloat16 by the FPU, float32 on the SFPU). It keeps the centred values in DEST: c_24 holds the bf16 parts
// of a row-sum tile (2 bfloat16 pages for bfloat16 input, 3 for float32), c_27 the row-sum tile and its remainder,
// then the slice mean m_i (2 Float32 pages); c_25 and c_27 unpack straight to the fp32 DEST, and so do c_0, c_1,
// c_6, c_7 when they are Float32 (c_4, c_5 marked too, never unpacked; bf16 CBs stay unmarked: exact in the 19-bit
// source registers); math fidelity HiFi4. The partials reach the writer in Float32 (c_26, 3 pages: x0, m_i, M2_i;
// stats_format is Float32 with fp32_dest_acc_en, which both families have); the writer is told to run the tile
// exchange (wsplit_writer_ct_args::tile_exchange), and the compute kernel adds eps (a runtime arg). The output is
// packed from the fp32 DEST to the output format (round to nearest).
#include "device/layernorm_fused_rm_program_factory.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>
#include <variant>

#include "arch/arch_params.hpp"
#include "device/layernorm_fused_rm_device_model.hpp"
#include "device/layernorm_fused_rm_utils.hpp"

namespace layernorm_fused_rm {

namespace {


// Whether logical columns [o, o + n) map to consecutive NOC coordinates (no other node inside the rectangle).
bool noc_contiguous(const std::vector<uint32_t>& noc, uint32_t o, uint32_t n) {
    return o + n <= noc.size() && noc[o + n - 1] - noc[o] == n - 1;
}

// Origins along one axis: greedy from 0, skipping positions whose span is not NOC-contiguous.
std::vector<uint32_t> axis_origins(const std::vector<uint32_t>& noc, uint32_t grid, uint32_t n) {
    std::vector<uint32_t> out;
    for (uint32_t o = 0; o + n <= grid;) {
        if (noc_contiguous(noc, o, n)) {
            out.push_back(o);
            o += n;
        } else {
            ++o;
        }
    }
    return out;
}

// One CB of the program: its index, pages (one tile of `format` each) and data format.
struct CbPlan {
    unsigned index;
    uint32_t pages;
    DataFormat format;
};

// The 13 CBs the program allocates on every core (roles and capacities: the header), for slices of Ws = Wt / S tiles
// staged in chunks of `chunk` tiles (0 = Ws): the one list create_descriptor allocates and cb_bytes sums.
std::vector<CbPlan> cb_plan(uint32_t W, uint32_t S, DataFormat fmt, DataFormat out_fmt,
                            const ComputeConfigDescriptor& cc, bool has_gamma, bool has_beta, uint32_t chunk) {
    using F = LayerNormFusedRMWSplitProgramFactory;
    const uint32_t Ws = (W + 31) / 32 / S;
    const uint32_t Bc = chunk == 0 ? Ws : chunk;
    const DataFormat sf = stats_format(cc, fmt);
    const bool precise = F::precise_kernel(fmt, cc);
    const DataFormat bf16 = DataFormat::Float16_b;
    // The precise kernel's c_24: one bf16 page per part of a row-sum tile, 3 for float32 input and 2 for bfloat16
    // (kParts, layernorm_fused_rm_precise_wsplit.cpp); the FPU kernel's: the slice's centred tiles.
    const CbPlan centered = precise ? CbPlan{cb::centered, fmt == DataFormat::Float32 ? 3u : 2u, bf16}
                                    : CbPlan{cb::centered, Ws, fmt};
    return {
        {cb::in_rm, Bc, fmt},
        {cb::in_tiled, Ws, fmt},
        {cb::scaler, W % 32 != 0 ? 2u : 1u, bf16},
        {cb::eps, 1, bf16},
        {cb::gamma_rm, has_gamma ? Bc : 1, fmt},
        {cb::beta_rm, has_beta ? Bc : 1, fmt},
        {cb::gamma_tiled, has_gamma ? Ws : 1, fmt},
        {cb::beta_tiled, has_beta ? Ws : 1, fmt},
        {cb::out_rm, Bc, out_fmt},
        centered,
        {cb::mean, 2 * F::exchange_pages(S, sf, precise), sf},
        {cb::variance, precise ? 3u : 2u, sf},
        // The precise kernel's c_27: its statistics chunk (inverse std, mean - x0; float32 input: inverse std, R, d)
        // starts at page 0 of the ring (layernorm_fused_rm_precise_wsplit.cpp, CBs).
        {cb::inv_std, precise ? (fmt == DataFormat::Float32 ? 3u : 2u) : 1u, sf},
    };
}

}  // namespace

LayerNormFusedRMWSplitProgramFactory::Layout LayerNormFusedRMWSplitProgramFactory::layout(
    uint32_t S, uint32_t grid_x, uint32_t grid_y, const tt_metal_mirror::ArchParams& arch) {
    Layout best{S, 0, 0, {}};
    for (uint32_t gx = 1; gx <= std::min(S, grid_x); ++gx) {
        if (S % gx != 0 || S / gx > grid_y) {
            continue;
        }
        const uint32_t gy = S / gx;
        const auto xs = axis_origins(arch.noc_x, grid_x, gx);
        const auto ys = axis_origins(arch.noc_y, grid_y, gy);
        if (xs.size() * ys.size() >= best.origins.size() && !xs.empty() && !ys.empty()) {
            Layout l{S, gx, gy, {}};
            for (uint32_t y : ys) {
                for (uint32_t x : xs) {
                    l.origins.push_back(CoreCoord{x, y});
                }
            }
            best = std::move(l);
        }
    }
    return best;
}

uint32_t LayerNormFusedRMWSplitProgramFactory::exchange_pages(uint32_t S, DataFormat stats_fmt, bool tile_exchange) {
    if (tile_exchange) {
        return wsplit_exchange::tile_pages(S);
    }
    const uint32_t page = tile_size(stats_fmt);
    return wsplit_exchange::stats_pages + (wsplit_exchange::area_bytes(S) + page - 1) / page;
}

uint64_t LayerNormFusedRMWSplitProgramFactory::cb_bytes(uint32_t W, uint32_t S, DataFormat in_format,
                                                        DataFormat out_format, const ComputeConfigDescriptor& cc,
                                                        bool has_gamma, bool has_beta, uint32_t chunk) {
    uint64_t bytes = 0;
    for (const CbPlan& c : cb_plan(W, S, in_format, out_format, cc, has_gamma, has_beta, chunk)) {
        bytes += uint64_t(c.pages) * tile_size(c.format);
    }
    return bytes;
}

uint32_t LayerNormFusedRMWSplitProgramFactory::chunk_tiles(const operation_attributes_t& attrs,
                                                           const tensor_args_t& tensor_args, uint32_t S) {
    if (attrs.wsplit_chunk_tiles != 0) {
        return attrs.wsplit_chunk_tiles;
    }
    const TensorDesc& in = tensor_args.input;
    const uint32_t Wt = in.shape.empty() ? 0 : tiles_of_width(in.shape.back());
    if (S == 0 || Wt == 0 || Wt % S != 0) {
        return 0;
    }
    const auto arch = tt_metal_mirror::ArchParams::by_name(attrs.arch);
    const uint32_t Ws = Wt / S;
    // The widest chunk that fits: fewer, longer NOC transactions per stick (the model's noc_cycles).
    for (uint32_t Bc = Ws; Bc >= 1; --Bc) {
        if (Ws % Bc == 0 &&
            cb_bytes(in.shape.back(), S, data_format_of(in.dtype), data_format_of(attrs.output_dtype),
                     attrs.compute_config, tensor_args.gamma.has_value(), tensor_args.beta.has_value(),
                     Bc) <= arch.free_l1_bytes()) {
            return Bc;
        }
    }
    return 0;
}

std::string LayerNormFusedRMWSplitProgramFactory::unusable(const operation_attributes_t& attrs,
                                                          const tensor_args_t& tensor_args, uint32_t S) {
    const TensorDesc& in = tensor_args.input;
    if (S == 0 || in.shape.empty()) {
        return "";  // S = 0: only the checks that do not depend on S
    }
    const auto arch = tt_metal_mirror::ArchParams::by_name(attrs.arch);
    const uint32_t W = in.shape.back();
    const uint32_t Wt = tiles_of_width(W);
    if (S < 2 || Wt % S != 0) {
        return "wsplit_cores_per_row must be a divisor >= 2 of Wt = ceil(W / 32) = " + std::to_string(Wt) + ", got " +
               std::to_string(S);
    }
    const CoreCoord grid = detail::grid_of(attrs, arch);
    const uint32_t gx = grid.x, gy = grid.y;
    if (S > gx * gy || layout(S, gx, gy, arch).origins.empty()) {
        return "wsplit_cores_per_row = " + std::to_string(S) + ": no rectangle of that many cores fits the " +
               std::to_string(gx) + "x" + std::to_string(gy) + " core grid on " + arch.name;
    }
    const uint32_t Ws = Wt / S, forced_chunk = attrs.wsplit_chunk_tiles;
    if (forced_chunk != 0 && Ws % forced_chunk != 0) {
        return "wsplit_chunk_tiles must be 0 or a divisor of the slice width Ws = Wt / S = " + std::to_string(Ws) +
               " tiles (S = " + std::to_string(S) + "), got " + std::to_string(forced_chunk);
    }
    // The smallest footprint: the given chunk, else 1-tile chunks (chunk_tiles then takes the widest that fits).
    const uint64_t need = cb_bytes(W, S, data_format_of(in.dtype), data_format_of(attrs.output_dtype),
                                   attrs.compute_config, tensor_args.gamma.has_value(), tensor_args.beta.has_value(),
                                   forced_chunk != 0 ? forced_chunk : 1);
    if (need > arch.free_l1_bytes()) {
        return "wsplit_cores_per_row = " + std::to_string(S) + ": slices of " + std::to_string(Ws) +
               " tiles staged in chunks of " + std::to_string(forced_chunk != 0 ? forced_chunk : 1) + " need " +
               std::to_string(need) + " bytes of L1 for the circular buffers, expected at most " +
               std::to_string(arch.free_l1_bytes()) + " free on " + arch.name +
               (forced_chunk > 1 ? " (give a larger S or a smaller wsplit_chunk_tiles)" : " (give a larger S)");
    }
    return "";
}

uint32_t LayerNormFusedRMWSplitProgramFactory::block_width(uint32_t Bc, DataFormat in_format,
                                                           const ComputeConfigDescriptor& cc) {
    // The precise kernel's output (output_resident_from, layernorm_fused_rm_precise_common.hpp): 2 tiles and two
    // resident operands per half-sync fp32 section (4 tiles), 1 tile when Bc is odd.
    if (precise_kernel(in_format, cc)) {
        return Bc % 2 == 0 ? 2 : 1;
    }
    return largest_divisor_at_most(Bc, dest_tile_capacity(cc));
}

bool LayerNormFusedRMWSplitProgramFactory::precise_kernel(DataFormat in_format, const ComputeConfigDescriptor& cc) {
    return compute_kernel_of(in_format, cc) != ComputeKernel::Fpu;
}

uint32_t LayerNormFusedRMWSplitProgramFactory::choose_cores_per_row(const operation_attributes_t& attrs,
                                                                    const tensor_args_t& tensor_args) {
    return model::best_wsplit_cores_per_row(attrs, tensor_args);
}

ProgramDescriptor LayerNormFusedRMWSplitProgramFactory::create_descriptor(const operation_attributes_t& attrs,
                                                                          const tensor_args_t& tensor_args,
                                                                          const tensor_return_value_t& output) {
    const TensorDesc& in = tensor_args.input;
    const auto arch = tt_metal_mirror::ArchParams::by_name(attrs.arch);
    const uint32_t S = attrs.wsplit_cores_per_row ? attrs.wsplit_cores_per_row : choose_cores_per_row(attrs, tensor_args);
    const uint32_t W = in.shape.back();
    const uint32_t Wt = (W + 31) / 32;
    if (S < 2 || Wt % S != 0) {
        throw std::invalid_argument("layernorm_fused_rm: W-split needs cores per tile-row S >= 2 dividing Wt = " +
                                    std::to_string(Wt) + ", got " + std::to_string(S));
    }
    uint64_t rows = 1;
    for (uint32_t d : in.shape) {
        rows *= d;
    }
    const uint32_t num_rows = static_cast<uint32_t>(rows / W);
    const uint32_t Ht = (num_rows + 31) / 32;
    const uint32_t Ws = Wt / S;
    const uint32_t Bc = chunk_tiles(attrs, tensor_args, S);
    if (Bc == 0 || Ws % Bc != 0) {
        throw std::invalid_argument("layernorm_fused_rm: W-split needs a staging chunk dividing Ws = " +
                                    std::to_string(Ws) + " tiles whose circular buffers fit L1, got " +
                                    std::to_string(Bc));
    }
    const uint32_t last_tile_cols = W - 32 * (Wt - 1);
    const bool has_gamma = tensor_args.gamma.has_value(), has_beta = tensor_args.beta.has_value();
    const uint32_t affine_flags = (has_gamma ? affine_flag::gamma : 0u) | (has_beta ? affine_flag::beta : 0u);
    const DataFormat fmt = data_format_of(in.dtype), out_fmt = data_format_of(attrs.output_dtype);
    const ComputeConfigDescriptor& cc = attrs.compute_config;
    const DataFormat sf = stats_format(cc, fmt);
    const bool precise = precise_kernel(fmt, cc);
    const uint32_t P = exchange_pages(S, sf, precise);
    const uint32_t ds = datum_size(fmt), out_ds = datum_size(out_fmt);
    const uint32_t stick_bytes = W * ds, out_stick_bytes = W * out_ds;
    const CoreCoord grid = detail::grid_of(attrs, arch);
    const uint32_t grid_x = grid.x, grid_y = grid.y;
    const Layout lay = layout(S, grid_x, grid_y, arch);
    if (lay.origins.empty()) {
        throw std::invalid_argument("layernorm_fused_rm: no rectangle of S = " + std::to_string(S) + " cores fits the " +
                                    std::to_string(grid_x) + "x" + std::to_string(grid_y) + " grid");
    }
    // Tile-rows over groups as split_work_to_cores splits units over cores.
    const WorkSplit split = split_work_to_cores(static_cast<uint32_t>(lay.origins.size()), 1, Ht);

    CoreRangeSet cores;
    for (uint32_t g = 0; g < split.num_cores; ++g) {
        const CoreCoord o = lay.origins[g];
        cores.ranges.push_back(CoreRange{o, CoreCoord{o.x + lay.gx - 1, o.y + lay.gy - 1}});
    }

    ProgramDescriptor desc;
    auto add_cb = [&](unsigned index, uint32_t pages, DataFormat f) {
        desc.cbs.push_back(CBDescriptor{
            pages * tile_size(f), cores, {CBFormatDescriptor{static_cast<uint8_t>(index), f, tile_size(f)}}});
    };
    for (const CbPlan& c : cb_plan(W, S, fmt, out_fmt, cc, has_gamma, has_beta, Bc)) {
        add_cb(c.index, c.pages, c.format);
    }
    // Round-1 arrivals (0, 1) and, the FPU kernel's exchange, round-2 arrivals (2, 3), by tile-row parity.
    for (uint32_t id = 0; id < (precise ? 2u : 4u); ++id) {
        desc.semaphores.push_back(tt::tt_metal::SemaphoreDescriptor{id, cores, 0});
    }

    const std::string root = kernel_root();
    const uint32_t slice_bytes = Ws * 32 * ds, out_slice_bytes = Ws * 32 * out_ds;
    const uint32_t full_cols = Ws * 32, last_cols = W - (S - 1) * full_cols;

    // The row-resident reader, its "row" being this core's slice (runtime arg col_offset), in chunks of Bc tiles; it
    // places the slice of gamma / beta as tiles in c_6 / c_7 (affine_flag::pretiled, as for the streaming program).
    KernelDescriptor reader = detail::reader_kernel(
        cores, detail::ReaderShape{stick_bytes, Ws, Bc, 1u, Bc * 32 * ds, affine_flags | affine_flag::pretiled,
                                   last_tile_cols, tile_size(fmt), detail::align_up(stick_bytes, arch.dram_alignment)});

    KernelDescriptor compute;
    compute.kernel_source =
        root + (precise ? "/compute/layernorm_fused_rm_precise_wsplit.cpp" : "/compute/layernorm_fused_rm_wsplit.cpp");
    compute.core_ranges = cores;
    compute.compile_time_args.assign(wsplit_compute_ct_args::count, 0);
    compute.compile_time_args[compute_ct_args::Wt] = Ws;
    compute.compile_time_args[compute_ct_args::block_w] = block_width(Bc, fmt, cc);
    compute.compile_time_args[compute_ct_args::inv_w_bits] = std::bit_cast<uint32_t>(1.0f / static_cast<float>(W));
    compute.compile_time_args[compute_ct_args::affine_flags] = affine_flags;
    compute.compile_time_args[compute_ct_args::partial] = last_tile_cols < 32 ? 1u : 0u;
    compute.compile_time_args[wsplit_compute_ct_args::exchange_pages] = P;
    compute.compile_time_args[wsplit_compute_ct_args::chunk_tiles] = Bc;
    compute.compile_time_args[wsplit_compute_ct_args::fp32_input] = fmt == DataFormat::Float32 ? 1u : 0u;
    compute.config = cc;
    if (precise) {
        // As the row-resident program's precise kernel (layernorm_fused_rm_program_factory.cpp): Float32 CBs copied,
        // tilized or broadcast into DEST unpack straight to the fp32 DEST; c_24 (bf16 parts) is read by reduce through
        // SrcB and c_26 only packed, so neither is marked (ISA UNPACR_Regular.md); the reduces need HiFi3 or HiFi4.
        // c_4 / c_5 stay marked as the streaming program's do, though only the reader uses them (it places gamma /
        // beta as tiles): the mode of a CB that is never unpacked changes nothing.
        // bfloat16 input (the shifted family's config): its CBs stay unmarked, as bf16 is exact in the 19-bit source
        // registers (tilize, copy_tile and unary_bcast through SrcA / SrcB lose nothing); only the Float32 statistics
        // CBs c_25 and c_27 are marked.
        auto& modes = std::get<ComputeConfigDescriptor>(compute.config).unpack_to_dest_mode;
        modes.assign(32, UnpackToDestMode::Default);
        for (unsigned c : {cb::mean, cb::inv_std}) {
            modes[c] = UnpackToDestMode::UnpackToDestFp32;
        }
        if (fmt == DataFormat::Float32) {
            for (unsigned c : {cb::in_rm, cb::gamma_rm, cb::beta_rm, cb::in_tiled, cb::gamma_tiled, cb::beta_tiled}) {
                modes[c] = UnpackToDestMode::UnpackToDestFp32;
            }
        }
        std::get<ComputeConfigDescriptor>(compute.config).math_fidelity = MathFidelity::HiFi4;
    }

    KernelDescriptor writer;
    writer.kernel_source = root + "/dataflow/writer_layernorm_fused_rm_wsplit.cpp";
    writer.core_ranges = cores;
    {
        namespace ct = wsplit_writer_ct_args;
        auto& a = writer.compile_time_args;
        a.assign(ct::count, 0);
        a[ct::stick_bytes] = out_stick_bytes;
        a[ct::Ws] = Ws;
        a[ct::slice_bytes] = out_slice_bytes;
        a[ct::S] = S;
        a[ct::exchange_pages] = P;
        a[ct::stats_tile_bytes] = tile_size(sf);
        a[ct::stats_fp32] = sf == DataFormat::Float32 ? 1u : 0u;
        a[ct::full_slice_cols] = full_cols;
        a[ct::last_slice_cols] = last_cols;
        a[ct::W] = W;
        a[ct::tile_exchange] = precise ? 1u : 0u;
        a[ct::chunk_tiles] = Bc;
    }
    detail::append_interleaved_accessor_args(writer.compile_time_args,
                                             detail::align_up(out_stick_bytes, arch.dram_alignment));
    writer.config = WriterConfigDescriptor{};

    uint32_t first_block = 0;
    for (uint32_t g = 0; g < split.num_cores; ++g) {
        const uint32_t blocks = split.units_of(g);
        const uint32_t first_stick = first_block * 32;
        const uint32_t sticks = std::min(blocks * 32, num_rows - first_stick);
        const CoreCoord o = lay.origins[g];
        const CoreCoord n0 = arch.worker_noc_coord(o);
        const CoreCoord n1 = arch.worker_noc_coord(CoreCoord{o.x + lay.gx - 1, o.y + lay.gy - 1});
        std::vector<uint32_t> peers;
        for (uint32_t i = 0; i < S; ++i) {
            const CoreCoord n = arch.worker_noc_coord(CoreCoord{o.x + i % lay.gx, o.y + i / lay.gx});
            peers.push_back((n.x << 16) | n.y);
        }
        for (uint32_t i = 0; i < S; ++i) {
            const CoreCoord core{o.x + i % lay.gx, o.y + i / lay.gx};
            const bool last = i == S - 1;
            const uint32_t cols = last ? last_cols : full_cols;
            std::vector<uint32_t> r(reader_rt_args::count, 0);
            r[reader_rt_args::num_sticks] = sticks;
            r[reader_rt_args::start_stick] = first_stick;
            r[reader_rt_args::scaler] = detail::packed_bf16(1.0f);
            r[reader_rt_args::eps] = detail::packed_bf16(attrs.eps);
            r[reader_rt_args::col_offset] = i * slice_bytes;
            reader.runtime_args.push_back({core, std::move(r)});
            std::vector<uint32_t> c(wsplit_compute_rt_args::count, 0);
            c[wsplit_compute_rt_args::num_blocks] = blocks;
            c[wsplit_compute_rt_args::inv_w_slice_bits] = std::bit_cast<uint32_t>(1.0f / static_cast<float>(cols));
            c[wsplit_compute_rt_args::partial_last_tile] = (last && last_tile_cols < 32) ? 1u : 0u;
            c[wsplit_compute_rt_args::eps_bits] = std::bit_cast<uint32_t>(attrs.eps);
            compute.runtime_args.push_back({core, std::move(c)});
            namespace wr = wsplit_writer_rt_args;
            std::vector<uint32_t> w(wr::count, 0);
            w[wr::num_sticks] = sticks;
            w[wr::start_stick] = first_stick;
            w[wr::col_offset] = i * out_slice_bytes;
            w[wr::slot] = i;
            w[wr::mcast_x0] = n0.x;
            w[wr::mcast_y0] = n0.y;
            w[wr::mcast_x1] = n1.x;
            w[wr::mcast_y1] = n1.y;
            w.insert(w.end(), peers.begin(), peers.end());
            writer.runtime_args.push_back({core, std::move(w)});
        }
        first_block += blocks;
    }
    desc.kernels = {std::move(reader), std::move(compute), std::move(writer)};
    detail::write_buffer_addresses(desc, tensor_args, output, wsplit_writer_rt_args::count + S);
    return desc;
}

void LayerNormFusedRMWSplitProgramFactory::override_runtime_arguments(ProgramDescriptor& cached_program,
                                                                      const tensor_args_t& tensor_args,
                                                                      const tensor_return_value_t& output) {
    static_assert(wsplit_writer_rt_args::output_addr == writer_rt_args::output_addr, "one output address slot");
    uint32_t S = 0;
    for (const KernelDescriptor& k : cached_program.kernels) {
        if (std::holds_alternative<WriterConfigDescriptor>(k.config) &&
            k.compile_time_args.size() > wsplit_writer_ct_args::S) {
            S = k.compile_time_args[wsplit_writer_ct_args::S];
        }
    }
    detail::write_buffer_addresses(cached_program, tensor_args, output, wsplit_writer_rt_args::count + S);
}

}  // namespace layernorm_fused_rm
