// SPDX-License-Identifier: Apache-2.0
//
// Device-time model of the op's programs (the model, its assumptions and what it leaves out:
// layernorm_fused_rm_device_model.hpp).
#include "device/layernorm_fused_rm_device_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "arch/arch_params.hpp"
#include "device/layernorm_fused_rm_device_operation.hpp"
#include "device/layernorm_fused_rm_program_factory.hpp"
#include "device/layernorm_fused_rm_utils.hpp"

namespace layernorm_fused_rm::model {

namespace {

ArchConstants wormhole() {
    ArchConstants a{"wormhole_b0", 1.0, 32, 258.0, 5, 9, {}};
    a.sources = {
        {"clock_ghz", "tenstorrent/tt-isa-documentation WormholeB0/TensixTile/BabyRISCV/README.md: 'one RV32IM "
                      "instruction per cycle, running at a clock speed of 1 GHz'"},
        {"flit_bytes", "tt-isa-documentation WormholeB0/NoC/README.md: 'Each flit consists of exactly 256 bits'; "
                       "Performance: 'One flit (256 bits) per cycle' per hop, 1 header flit + up to 256 data flits"},
        {"dram_gb_per_s", "tenstorrent/tt-metal ttnn/core/operation.cpp: 'WH DRAM bandwidth: 258 GB/s = 21.5 GB/s * 6 "
                          "channels * 2 banks' (cf. tt-isa-documentation WormholeB0/DRAMTile/README.md: 288 GB/s "
                          "theoretical, ~92% achievable, 265.5-267.6 GB/s measured)"},
        {"niu_cycles", "tt-isa-documentation WormholeB0/NoC/README.md Performance: NIU <-> router '~5 cycles'"},
        {"hop_cycles", "tt-isa-documentation WormholeB0/NoC/README.md Performance: router -> router '9 cycles'"},
    };
    return a;
}

ArchConstants blackhole() {
    ArchConstants a{"blackhole", 1.35, 64, 512.0, 5, 9, {}};
    a.sources = {
        {"clock_ghz", "tt-isa-documentation BlackholeA0/TensixTile/BabyRISCV/README.md: 'clock speed of 1.35 GHz'"},
        {"flit_bytes", "tt-isa-documentation BlackholeA0/NoC/README.md Performance: 'One flit (512 bits) per cycle'"},
        {"dram_gb_per_s", "tenstorrent/tt-metal ttnn/core/operation.cpp: 'BH DRAM bandwidth: 512 GB/s (32GB GDDR6 @ "
                          "16 GT/sec)' (peak; no achievable fraction is published for Blackhole)"},
        {"niu_cycles", "tt-isa-documentation BlackholeA0/NoC/README.md Performance: '~5 cycles'"},
        {"hop_cycles", "tt-isa-documentation BlackholeA0/NoC/README.md Performance: '9 cycles'"},
    };
    return a;
}

// (kind, steps per input tile, per tile-row, per chunk, per output DEST section, per output tile saved without gamma
// or beta (1 given, none given)): layernorm_fused_rm_device_model.hpp counts them.
struct Steps {
    const char* kind;
    uint32_t per_tile, per_tile_row, per_chunk = 0, per_output_section = 0, one_affine_saved = 0, no_affine_saved = 0;
};
constexpr Steps kSteps[] = {
    {"row_resident", 9, 4, 0, 0, 1, 1},          {"streaming", 11, 2, 2, 0, 1, 1},
    {"wsplit", 9, 4, 0, 0, 1, 1},                {"row_resident_shifted", 10, 30, 0, 2, 1, 3},
    {"streaming_shifted", 12, 30, 3, 2, 1, 3},   {"row_resident_precise", 14, 57, 4, 3, 1, 3},
    {"streaming_precise", 16, 55, 6, 3, 1, 3},   {"wsplit_shifted", 10, 13, 0, 2, 1, 3},
    {"wsplit_precise", 14, 21, 0, 3, 1, 3},      {"ln", 7, 2},
    {"ln_large", 8, 2},                          {"rms", 4, 2},
    {"layout", 1, 2}};

const Steps& steps_of(const std::string& kind) {
    for (const Steps& s : kSteps) {
        if (kind == s.kind) {
            return s;
        }
    }
    std::string known;
    for (const Steps& s : kSteps) {
        known += std::string(known.empty() ? "" : ", ") + s.kind;
    }
    throw std::invalid_argument("device model: kind must be one of " + known + ", got \"" + kind + "\"");
}

int kind_rank(const std::string& factory) {
    if (factory == LayerNormFusedRMProgramFactory::name) {
        return 0;
    }
    return factory == LayerNormFusedRMStreamingProgramFactory::name ? 1 : 2;
}

// Transactions of one stick of `cols` elements read or written in chunks of `chunk_cols` elements.
void add_stick(Txns& t, uint64_t sticks, uint32_t cols, uint32_t chunk_cols, uint32_t elem_bytes) {
    const uint32_t chunks = (cols + chunk_cols - 1) / chunk_cols;
    if (chunks > 1) {
        t.emplace_back(sticks * (chunks - 1), uint64_t(chunk_cols) * elem_bytes);
    }
    t.emplace_back(sticks, uint64_t(cols - (chunks - 1) * chunk_cols) * elem_bytes);
}


Candidate candidate(const operation_attributes_t& attrs, const tensor_args_t& args, const char* factory, uint32_t S) {
    const ProgramWork w = program_work(attrs, args, factory, S);
    return Candidate{factory, w.split, program_time(w)};
}

std::vector<Candidate> wsplit_candidates(const operation_attributes_t& attrs, const tensor_args_t& args) {
    using F = LayerNormFusedRMWSplitProgramFactory;
    std::vector<Candidate> out;
    if (args.input.shape.empty() || !F::unusable(attrs, args, 0).empty()) {
        return out;
    }
    const auto arch = tt_metal_mirror::ArchParams::by_name(attrs.arch);
    const uint32_t Wt = tiles_of_width(args.input.shape.back());
    const CoreCoord grid = detail::grid_of(attrs, arch);
    const uint32_t cores = grid.x * grid.y;
    for (uint32_t S = 2; S <= std::min(Wt, cores); ++S) {
        if (Wt % S == 0 && F::unusable(attrs, args, S).empty()) {
            out.push_back(candidate(attrs, args, F::name, S));
        }
    }
    return out;
}

}  // namespace

const ArchConstants& arch_constants(const std::string& arch) {
    static const ArchConstants wh = wormhole(), bh = blackhole();
    if (arch == wh.name) {
        return wh;
    }
    if (arch == bh.name) {
        return bh;
    }
    throw std::invalid_argument("device model: arch must be \"wormhole_b0\" or \"blackhole\", got \"" + arch + "\"");
}

uint32_t steps_per_tile(const std::string& kind) { return steps_of(kind).per_tile; }

uint32_t steps_per_tile_row(const std::string& kind) { return steps_of(kind).per_tile_row; }

uint32_t steps_per_chunk(const std::string& kind) { return steps_of(kind).per_chunk; }

uint32_t steps_per_output_section(const std::string& kind) { return steps_of(kind).per_output_section; }

uint32_t affine_steps_saved(const std::string& kind, uint32_t affine) {
    if (affine > 2) {
        throw std::invalid_argument("device model: affine must be 0, 1 or 2 (gamma / beta given), got " +
                                    std::to_string(affine));
    }
    const Steps& s = steps_of(kind);
    return affine == 2 ? 0 : (affine == 1 ? s.one_affine_saved : s.no_affine_saved);
}

uint64_t core_tile_steps(const std::string& kind, uint64_t r, uint32_t tiles, uint32_t chunks, uint32_t out_block,
                         uint32_t affine, uint64_t tilized_affine_tiles) {
    const Steps& s = steps_of(kind);
    const uint64_t sections = out_block % 2 == 0 ? tiles / 2 : tiles;  // resident_block_w: 2 tiles, 1 when odd
    const uint64_t per_row = uint64_t(tiles) * (s.per_tile - affine_steps_saved(kind, affine)) +
                             sections * s.per_output_section + s.per_tile_row + uint64_t(chunks) * s.per_chunk;
    return r * per_row + tilized_affine_tiles;
}

std::vector<std::pair<std::string, uint32_t>> all_steps_per_tile() {
    std::vector<std::pair<std::string, uint32_t>> out;
    for (const Steps& s : kSteps) {
        out.emplace_back(s.kind, s.per_tile);
    }
    return out;
}

std::string steps_kind(const std::string& program, DataFormat in_format, const ComputeConfigDescriptor& cc) {
    switch (compute_kernel_of(in_format, cc)) {
        case ComputeKernel::Shifted: return program + "_shifted";
        case ComputeKernel::Precise: return program + "_precise";
        case ComputeKernel::Fpu: break;
    }
    return program;
}

uint64_t noc_cycles(const Txns& txns, uint32_t flit_bytes) {
    uint64_t c = 0;
    for (const auto& [n, b] : txns) {
        c += n * (1 + (b + flit_bytes - 1) / flit_bytes);
    }
    return c;
}

ProgramTime program_time(const ProgramWork& p, double cycles_per_step) {
    const ArchConstants& a = arch_constants(p.arch);
    const auto us = [&](double cycles) { return cycles / (a.clock_ghz * 1e3); };
    const CoreWork& c = p.busiest;
    ProgramTime t;
    t.program = p.name;
    t.cores = p.cores;
    t.split = p.split;
    t.noc_read_us = us(double(noc_cycles(c.read_txns, a.flit_bytes)));
    t.noc_write_us = us(double(noc_cycles(c.write_txns, a.flit_bytes)));
    t.compute_us = us(double(c.tile_steps) * cycles_per_step);
    double flight = 0, combine = 0;
    for (const Exchange& e : c.exchanges) {
        flight += double(e.count) * double(e.flight_cycles);
        combine += double(e.count) * double(e.combine_cycles);
    }
    t.exchange_us = us(flight + combine);
    t.combine_us = us(combine);  // of which the soft-float combine (measured cycles per operation)
    t.dram_chip_us = double(p.dram_bytes) / (a.dram_gb_per_s * 1e3);
    const double core = std::max({t.noc_read_us, t.noc_write_us, t.compute_us}) + t.exchange_us;
    t.us = std::max(t.dram_chip_us, core);
    // The largest term names the bound (ties: noc_read, then noc_write, then compute).
    t.bound = "noc_read";
    double v = t.noc_read_us;
    if (t.noc_write_us > v) {
        t.bound = "noc_write";
        v = t.noc_write_us;
    }
    if (t.compute_us > v) {
        t.bound = "compute";
    }
    if (t.dram_chip_us >= core) {
        t.bound = "dram";
    }
    return t;
}

uint64_t exchange_flight_cycles(const std::string& arch, uint32_t gx, uint32_t gy) {
    const ArchConstants& a = arch_constants(arch);
    const uint32_t hops = (gx > 0 ? gx - 1 : 0) + (gy > 0 ? gy - 1 : 0);
    return 2ull * (2ull * a.niu_cycles + uint64_t(a.hop_cycles) * hops);  // the multicast, then the semaphore
}

uint64_t wsplit_combine_cycles(uint32_t S) {
    const uint64_t owned_rows = (TILE_HEIGHT + S - 1) / S;
    return owned_rows * (softfloat_cycles(kCombineOps, S) + softfloat_cycles(kRowOps));
}

uint64_t wsplit_combine_steps(uint32_t S, bool fp32_input) {
    const uint64_t G = wsplit_exchange::groups(S);
    return 19 * G + (fp32_input ? 24 : 27);
}

ProgramWork program_work(const operation_attributes_t& attrs, const tensor_args_t& tensor_args,
                         const std::string& factory, uint32_t S) {
    const TensorDesc& in = tensor_args.input;
    const auto arch = tt_metal_mirror::ArchParams::by_name(attrs.arch);
    const uint32_t W = in.shape.back();
    const uint64_t rows = volume(in.shape) / W;
    const uint32_t Ht = static_cast<uint32_t>(tile_rows_of(rows));
    const uint32_t Wt = tiles_of_width(W);
    const DataFormat fmt = data_format_of(in.dtype), out_fmt = data_format_of(attrs.output_dtype);
    const uint32_t e_in = datum_size(fmt), e_out = datum_size(out_fmt);
    const uint32_t affine = (tensor_args.gamma ? 1u : 0u) + (tensor_args.beta ? 1u : 0u);
    const CoreCoord grid = detail::grid_of(attrs, arch);
    const uint32_t gx = grid.x, gy = grid.y;
    ProgramWork p;
    p.arch = attrs.arch;
    CoreWork& c = p.busiest;
    if (factory == LayerNormFusedRMWSplitProgramFactory::name) {
        using F = LayerNormFusedRMWSplitProgramFactory;
        const uint32_t s = S ? S : F::choose_cores_per_row(attrs, tensor_args);
        const F::Layout lay = s >= 2 ? F::layout(s, gx, gy, arch) : F::Layout{};
        if (lay.origins.empty() || Wt % s != 0) {
            throw std::invalid_argument("device model: no W-split layout of S = " + std::to_string(s) + " cores for W = " +
                                        std::to_string(W) + " on a " + std::to_string(gx) + "x" + std::to_string(gy) +
                                        " grid");
        }
        const WorkSplit split = split_work_to_cores(static_cast<uint32_t>(lay.origins.size()), 1, Ht);
        const uint64_t r = split.units_group_1;
        const uint32_t slice_cols = Wt / s * TILE_WIDTH;  // the busiest core's slice: a full one
        // Staged in chunks of Bc tiles (F::chunk_tiles; Bc = Ws where the slice fits L1 unchunked).
        const uint32_t Bc = std::max<uint32_t>(F::chunk_tiles(attrs, tensor_args, s), 1);
        const uint32_t chunk_cols = Bc * TILE_WIDTH;
        p.name = "wsplit";
        p.split = s;
        p.cores = split.num_cores * s;
        add_stick(c.read_txns, TILE_HEIGHT * r, slice_cols, chunk_cols, e_in);
        if (affine) {  // gamma / beta's slice once, in the same chunks; the reader's copy into tiles is RISC-V work
            add_stick(c.read_txns, affine, slice_cols, chunk_cols, e_in);  // in L1, no NOC transaction (as streaming)
        }
        add_stick(c.write_txns, TILE_HEIGHT * r, slice_cols, chunk_cols, e_out);
        // Per tile-row and round, messages and one semaphore increment to each of the S - 1 peers (a multicast counted
        // per destination, as the emulator counts it). The precise kernel (fp32-DEST families): one round, this core's
        // row of the 3 slot tiles (tile_runs runs of 64 B); its combine is compute (wsplit_combine_steps). The FPU
        // kernel: round 1 this core's slot, round 2 (an owner, the busiest kind of core) its rows' combined
        // statistics, and the soft-float combine.
        const bool precise = F::precise_kernel(fmt, attrs.compute_config);
        const uint64_t flight = exchange_flight_cycles(attrs.arch, lay.gx, lay.gy);
        const std::string kind = steps_kind(p.name, fmt, attrs.compute_config);
        // gamma / beta: placed as tiles by the reader (affine_flag::pretiled), no tilize steps.
        // Output sections of the staging chunk's width (output_resident_from per chunk).
        c.tile_steps = core_tile_steps(kind, r, Wt / s, 1, Bc, affine, 0);
        if (precise) {
            c.write_txns.emplace_back(r * (s - 1) * wsplit_exchange::tile_runs, wsplit_exchange::tile_run_bytes);
            c.write_txns.emplace_back(r * (s - 1), kSemaphoreBytes);
            c.tile_steps += r * wsplit_combine_steps(s, fmt == DataFormat::Float32);
            c.exchanges = {Exchange{r, flight, 0}};
        } else {
            c.write_txns.emplace_back(r * (s - 1), wsplit_exchange::slot_bytes);
            c.write_txns.emplace_back(r * (s - 1), wsplit_exchange::result_block_bytes(s));
            c.write_txns.emplace_back(kExchangeRounds * r * (s - 1), kSemaphoreBytes);
            c.exchanges = {Exchange{r, flight, wsplit_combine_cycles(s)}, Exchange{r, flight, 0}};
        }
        p.dram_bytes = rows * W * (e_in + e_out) + uint64_t(affine) * split.num_cores * W * e_in;
        return p;
    }
    const bool streaming = factory == LayerNormFusedRMStreamingProgramFactory::name;
    if (!streaming && factory != LayerNormFusedRMProgramFactory::name) {
        throw std::invalid_argument("device model: factory must be a program factory of the op, got \"" + factory + "\"");
    }
    const uint32_t Bt = streaming ? LayerNormFusedRMStreamingProgramFactory::chunk_tiles(W, fmt, attrs.compute_config)
                                  : Wt;
    const WorkSplit split = split_work_to_cores(gx, gy, Ht);
    const uint64_t r = split.units_group_1;
    const uint32_t passes = streaming ? 3 : 1;
    const uint64_t affine_times = streaming ? r : 1;  // gamma / beta per tile-row when streaming, else once
    p.name = streaming ? "streaming" : "row_resident";
    p.cores = split.num_cores;
    add_stick(c.read_txns, passes * TILE_HEIGHT * r, W, Bt * TILE_WIDTH, e_in);
    if (affine) {
        add_stick(c.read_txns, affine * affine_times, W, Bt * TILE_WIDTH, e_in);
    }
    add_stick(c.write_txns, TILE_HEIGHT * r, W, Bt * TILE_WIDTH, e_out);
    const std::string kind = steps_kind(p.name, fmt, attrs.compute_config);
    // gamma and beta: tilized once per core row-resident; streaming (and W-split), the reader places them as tiles
    // (reader affine_flag::pretiled): no tilize steps; its copy into the tiles is RISC-V work in L1, no NOC
    // transaction (the NOC reads of gamma / beta are the same either way).
    // Per chunk: the streaming chunks, or the precise row-resident kernel's pass B blocks of the same width.
    const uint32_t chunks = Wt / LayerNormFusedRMStreamingProgramFactory::chunk_tiles(W, fmt, attrs.compute_config);
    c.tile_steps = core_tile_steps(kind, r, Wt, chunks, Bt, affine, streaming ? 0 : uint64_t(affine) * Wt);
    p.dram_bytes = passes * rows * W * e_in + rows * W * e_out +
                   uint64_t(affine) * (streaming ? Ht : split.num_cores) * W * e_in;
    return p;
}

bool better(const Candidate& a, const Candidate& b) {
    if (a.time.us != b.time.us) {
        return a.time.us < b.time.us;
    }
    if (a.time.cores != b.time.cores) {
        return a.time.cores < b.time.cores;
    }
    if (kind_rank(a.factory) != kind_rank(b.factory)) {
        return kind_rank(a.factory) < kind_rank(b.factory);
    }
    return a.S < b.S;
}

std::vector<Candidate> candidates(const operation_attributes_t& attrs, const tensor_args_t& tensor_args) {
    const TensorDesc& in = tensor_args.input;
    const auto arch = tt_metal_mirror::ArchParams::by_name(attrs.arch);
    const uint32_t W = in.shape.back();
    const DataFormat fmt = data_format_of(in.dtype), out_fmt = data_format_of(attrs.output_dtype);
    const bool g = tensor_args.gamma.has_value(), b = tensor_args.beta.has_value();
    std::vector<Candidate> out;
    if (LayerNormFusedRMProgramFactory::cb_bytes(W, fmt, out_fmt, attrs.compute_config, g, b) <= arch.free_l1_bytes()) {
        out.push_back(candidate(attrs, tensor_args, LayerNormFusedRMProgramFactory::name, 0));
    }
    if (LayerNormFusedRMStreamingProgramFactory::cb_bytes(W, fmt, out_fmt, attrs.compute_config, g, b) <=
        arch.free_l1_bytes()) {
        out.push_back(candidate(attrs, tensor_args, LayerNormFusedRMStreamingProgramFactory::name, 0));
    }
    for (Candidate& c : wsplit_candidates(attrs, tensor_args)) {
        out.push_back(std::move(c));
    }
    std::stable_sort(out.begin(), out.end(), better);
    // Near-ties within the model's error: a program reading the input once goes before a streaming one (3 reads);
    // the row-resident program (one read, no exchange) goes before a W-split, each of the two taken as uncertain by
    // the model's error on its own (candidates' comment).
    auto prefer = [&](const char* front, double factor, auto&& preferred) {
        if (out.empty() || out.front().factory != front) {
            return;
        }
        const double limit = out.front().time.us * factor;
        for (auto it = out.begin() + 1; it != out.end() && it->time.us <= limit; ++it) {
            if (preferred(it->factory)) {
                std::rotate(out.begin(), it, it + 1);
                return;
            }
        }
    };
    prefer(LayerNormFusedRMStreamingProgramFactory::name, 1.0 + kModelError,
           [](const std::string& f) { return f != LayerNormFusedRMStreamingProgramFactory::name; });
    prefer(LayerNormFusedRMWSplitProgramFactory::name, (1.0 + kModelError) / (1.0 - kModelError),
           [](const std::string& f) { return f == LayerNormFusedRMProgramFactory::name; });
    return out;
}

uint32_t best_wsplit_cores_per_row(const operation_attributes_t& attrs, const tensor_args_t& tensor_args) {
    auto w = wsplit_candidates(attrs, tensor_args);
    if (w.empty()) {
        return 0;
    }
    return std::min_element(w.begin(), w.end(), better)->S;
}

}  // namespace layernorm_fused_rm::model
