// SPDX-License-Identifier: Apache-2.0
//
// Device-time model of ttnn.layernorm_fused_rm's programs: a FLOOR with stated assumptions, not a promise. The one
// source of truth for the arch constants, NOC occupancy, the exchange and combine of the W-split program, the work of
// the op's three programs and the program time; select_program_factory picks the program with the lowest modelled
// time that fits L1 (model::candidates). python/layernorm_fused_rm/device_model.py uses it through _C.model (and
// models upstream's to_layout -> layer_norm -> to_layout chain with it).
//
// The model, per program (all terms in the arch's AI clock cycles, then / clock -> us):
//
//     t = max( total DRAM bytes / chip DRAM bandwidth,                                  (chip DRAM floor)
//              max over cores of [ max(NOC read occupancy, NOC write occupancy, compute)  (overlapped pipeline)
//                                  + exchanges ] )                                      (serial sync points)
//
//   NOC occupancy of a core = sum over its transactions of (1 header flit + ceil(bytes / flit bytes)) cycles; reads
//     and writes on separate NOCs (reader and writer RISC-Vs), one flit per cycle per link.
//   compute = tile steps x C; C = cycles of one tile step (unpack + math + pack of one 32x32 tile), the ONE fitted
//     constant (kCyclesPerTileStep).
//   exchange (W-split, per tile-row) = the flight of a multicast then a semaphore increment across the group (NIU +
//     hops + NIU each); the precise kernel's exchange has one such round and its combine is compute (tile steps:
//     wsplit_combine_steps); the FPU kernel's has two, plus its soft-float combine on the writer RISC-V:
//     ceil(32 / S) rows owned x S partial updates x kCombineOps fp32 operations (+ kRowOps per owned row), each at
//     its measured cycles (kSoftfloatAddCycles, kSoftfloatMulCycles, kSoftfloatDivCycles: tools/softfloat_cycles/).
//
// Assumptions (why it is a floor): perfect overlap of reader, compute and writer (double buffering never stalls); no
// kernel launch / dispatch time; no DRAM access latency (only its bandwidth); no NOC congestion beyond the chip DRAM
// bandwidth; every DRAM channel equally loaded; Blackhole takes Wormhole's cycles per tile step; a multicast's
// occupancy counted once per destination (an upper bound, as the emulator counts it).
// Left out: program dispatch, kernel launch and runtime-arg upload; DRAM latency (~hundreds of cycles per first
// read); NOC congestion, virtual channels and router buffering; the RISC-V instructions that issue each transaction;
// math fidelity and the cost difference of fp32 and bf16 operations (every tile step costs C: the kernel families
// differ in their counted steps, not in the cost of a step); L1 bank conflicts; the partial last tile-row (the busiest
// core is counted with 32 sticks per tile-row); the 4 or 5 steps of masking a partial last tile (W % 32 != 0) in the
// fp32-DEST kernels (steps_per_tile).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "device/layernorm_fused_rm_device_operation_types.hpp"

namespace layernorm_fused_rm::model {

/// Sourced hardware figures of one arch (units in the names); `sources` names the document of each field.
struct ArchConstants {
    std::string name;
    double clock_ghz = 0;          ///< AI clock
    uint32_t flit_bytes = 0;       ///< NOC flit; one flit per cycle per link
    double dram_gb_per_s = 0;      ///< whole chip, achievable
    uint32_t niu_cycles = 0;       ///< NIU <-> router latency, each end
    uint32_t hop_cycles = 0;       ///< router -> router latency
    std::vector<std::pair<std::string, std::string>> sources;  ///< (field, source)
};

/// The constants of "wormhole_b0" (Wormhole n150) or "blackhole" (Blackhole p150); std::invalid_argument otherwise.
const ArchConstants& arch_constants(const std::string& arch);

/// Cycles of one tile step, FITTED in Python (device_model.fit_cycles_per_step: the minimax of |log(model /
/// measured)| over device_model.CALIBRATION, tt-mlir#7717 108 us and tt-metal#8060 24.9 us, each modelled with this
/// model) and written here as a literal; test_dev/tools/test_device_model.py refits it and checks this value.
inline constexpr double kCyclesPerTileStep = 332.38347;

/// The model's calibration error: the largest |model / published - 1| over the calibration figures with
/// kCyclesPerTileStep (python/layernorm_fused_rm/device_model.py calibration(); a test recomputes it). Modelled times
/// closer than this are not told apart by the model, so selection does not take the streaming program's 3 reads
/// over a one-read program within it (`candidates`).
inline constexpr double kModelError = 0.11410015;

/// Cycles of one call of libgcc's fp32 soft-float routines on a data-movement RISC-V, MEASURED: the baby RISC-Vs are
/// RV32IM with no F extension (tt-isa-documentation WormholeB0/TensixTile/BabyRISCV/README.md), so each fp32 operation
/// of the W-split writer is a call of __addsf3 / __subsf3, __mulsf3 or __divsf3. tools/softfloat_cycles/ (README.md,
/// results.csv) runs Debian's rv32im/ilp32 libgcc (GCC 12.2) in an emulator on operands in the writer's value ranges
/// and times each executed instruction with the README's pipeline (one instruction per cycle, mul 2 cycles, div >= 6,
/// loads 2 cycles from local data RAM and >= 8 from L1, every branch predicted: the floor case); each figure is the
/// ceiling of the mean over the operand classes, the call instruction included (add: the larger of __addsf3 66.5 and
/// __subsf3 79.1; mul 112.1; div 122.4). Not below the typical cost; a mispredicted taken branch costs 2 more cycles
/// (all of them mispredicted: add 104.5, mul 122.4, div with 33-cycle divisions 244.4). Left out: the writer's own
/// volatile L1 loads and stores of the operands (>= 8 cycles each), instruction cache misses, and the difference of
/// tt-metal's toolchain (SFPI's GCC and its libgcc build) from Debian's (the same soft-fp algorithms in libgcc; its
/// instruction counts may differ by compiler version).
inline constexpr uint32_t kSoftfloatAddCycles = 80;
inline constexpr uint32_t kSoftfloatMulCycles = 113;
inline constexpr uint32_t kSoftfloatDivCycles = 123;

/// fp32 operations by routine: add counts __addsf3 and __subsf3 (a + b, a - b), mul __mulsf3, div __divsf3.
struct SoftfloatOps {
    uint32_t add = 0;
    uint32_t mul = 0;
    uint32_t div = 0;
};

/// Cycles of `n` times these operations: add x kSoftfloatAddCycles + mul x kSoftfloatMulCycles + div x
/// kSoftfloatDivCycles, x n.
constexpr uint64_t softfloat_cycles(const SoftfloatOps& ops, uint64_t n = 1) {
    return n * (uint64_t(ops.add) * kSoftfloatAddCycles + uint64_t(ops.mul) * kSoftfloatMulCycles +
                uint64_t(ops.div) * kSoftfloatDivCycles);
}

/// fp32 operations per (owned row, partial) of the distributed combine in the W-split writer
/// (kernels/dataflow/writer_layernorm_fused_rm_wsplit.cpp, step 2), counted from its source. FPU kernel's exchange
/// (the FPU kernel's exchange): mean += w_j * m_j (mul, add); M2 += M2_j + n_j * (m_j - mean)^2 (sub, 2 mul, 2 add):
/// 4 add, 3 mul, with the
/// weights compile-time constants.
inline constexpr SoftfloatOps kCombineOps{4, 3, 0};

/// fp32 operations per owned row of the FPU kernel's combine, besides its kCombineOps per partial: var = M2 / W, a
/// division (W a compile-time constant, passed through the writer's opaque(): under tt-metal's -ffast-math,
/// -freciprocal-math would otherwise turn it into a multiplication by 1 / W).
inline constexpr SoftfloatOps kRowOps{0, 0, 1};

/// Tile steps per tile-row of the precise W-split kernel's combine (layernorm_fused_rm_precise_wsplit.cpp,
/// combine_offset and combine_finish), counted from its source for G = ceil(S / 32) slot groups (what the emulator
/// counts: each unary_bcast, copy_tile, SFPU op, sfpu_reduce and transpose_dest one step; inits and packs none):
/// combine_offset 7 G + 3 (R: 2 brought in, add 3; per group D = (H - R) + L: 2 copied, sub, add 4, weights copied,
/// mul 2, past the first group added 1; the column sums 1); combine_finish 12 G + 21, bfloat16 input 3 more (R 3; d
/// brought in 1; per group D 4, - d 1, counts copied, 2 mul 3, M2_j copied and added 2, past the first group d
/// brought in again and the term added 2; the column sums 1; x 1 / W, + eps, copy_dest_values, rsqrt 4; 2 Newton
/// steps of 5 (newton_step) 10; 3 transposes and d brought in again 4; bfloat16: x0 brought in, sub, add 3). In all
/// 19 G + 24 (float32 input), 19 G + 27 (bfloat16).
uint64_t wsplit_combine_steps(uint32_t S, bool fp32_input);

/// Tile steps per tile-row of a kind (the row statistics and what the kernel loads once per row), per chunk (0 for
/// the kinds without chunks: the streaming kernels' chunks of Bt tiles, the precise row-resident kernel's pass B
/// blocks of the same width, compute block_w), and per output DEST section of the fp32-DEST kinds (2 output tiles per
/// section, 1 when the output block is odd: resident_block_w; 0 for the others): steps_per_tile counts them.
/// std::invalid_argument for another kind.
uint32_t steps_per_tile_row(const std::string& kind);
uint32_t steps_per_chunk(const std::string& kind);
uint32_t steps_per_output_section(const std::string& kind);

/// Steps per tile fewer than steps_per_tile's (which has both gamma and beta) with `affine` of them given (0, 1 or 2):
/// FPU kinds 1 with one or none (affine_untilize: the one's operation in DEST, or with none a copy_tile into DEST,
/// instead of the * gamma pass and the + beta in DEST: 1 step instead of 2); fp32-DEST kinds (output_resident_from)
/// 1 with one (its unary_bcast and mul / add_binary_tile instead of two unary_bcast and addcmul_tile), 3 with none;
/// upstream's kinds 0. std::invalid_argument for another kind or affine > 2.
uint32_t affine_steps_saved(const std::string& kind, uint32_t affine);

/// Tile steps of one core of OUR programs (kinds steps_kind names): r tile-rows of `tiles` tiles each (Wt, or the
/// W-split's slice Ws), `chunks` chunks per tile-row (steps_per_chunk), output blocks of `out_block` tiles (Wt
/// row-resident, Bt streaming, the W-split's staging chunk Bc: sections of 2 tiles when even, else 1), `affine` of
/// gamma / beta given, plus `tilized_affine_tiles` (gamma / beta tilized once per core: the row-resident programs,
/// affine x Wt). = r x (tiles x (steps_per_tile - affine_steps_saved) + sections x steps_per_output_section +
/// steps_per_tile_row + chunks x steps_per_chunk) + tilized_affine_tiles. Leaves out the mask of a partial last tile
/// (steps_per_tile). std::invalid_argument for an unknown kind.
uint64_t core_tile_steps(const std::string& kind, uint64_t r, uint32_t tiles, uint32_t chunks, uint32_t out_block,
                         uint32_t affine, uint64_t tilized_affine_tiles);

/// Exchange rounds per tile-row of the W-split writer with the FPU kernel: partials to every peer, then the owners'
/// combined rows. The precise kernel's tile exchange has one.
inline constexpr uint32_t kExchangeRounds = 2;

/// Bytes of a semaphore increment. The exchange messages' bytes come from the writer's layout
/// (wsplit_exchange in device/kernels/layernorm_fused_rm_kernel_args.hpp): FPU kernel round 1 a slot_bytes slot,
/// round 2 an owner's result_block_bytes(S) block; precise kernel tile_runs runs of tile_run_bytes.
inline constexpr uint32_t kSemaphoreBytes = 4;

/// Tile steps per input tile of each kind of program, with gamma and beta. A step is what the emulator counts
/// (RunStats::tile_ops_per_core): one tile unpacked into DEST (tilize, copy_tile, unary_bcast), one FPU tile operation
/// (binary, broadcast, reduce_tile) or one SFPU tile operation (sfpu_binary_bcast.h column ops and addcmul_tile count
/// one each); packs are not steps. Counted from the compute kernels (cpp/device/kernels/compute/), per tile, per
/// tile-row (steps_per_tile_row), per chunk (steps_per_chunk) and per output section (steps_per_output_section):
///   FPU kernels (16-bit DEST; layernorm_fused_rm_compute_common.hpp), each operation packed to a CB:
///   row_resident 9 (layernorm_fused_rm.cpp): tilize 1; the mean's reduce 1; x - m, square 2; the variance's reduce 1;
///     x - m 1; * inv_std 1; * gamma (a pass over c_24) 1; + beta in DEST, untilized 1. Per tile-row 4: x 1 / W after
///     each row sum (mul_unary_tile) 2; inv_std: + eps, rsqrt 2. Gamma and beta tilized once per core (begin_kernel:
///     core_tile_steps' tilized_affine_tiles);
///   streaming 11 (layernorm_fused_rm_streaming.cpp): the same, x tilized in each of the 3 passes (+2). Per chunk 2:
///     the partial row sum copied back into DEST (row_sum, first = false) in passes 1 and 2; per tile-row 2: the 4
///     above less the first chunk's 2 copies (none);
///   wsplit 9 (layernorm_fused_rm_wsplit.cpp): slice_mean's reduce and the rest as row_resident, on the slice. Per
///     tile-row 4: x 1 / w_i, x 1.0 (row_sum of M2), + eps, rsqrt;
///   fp32-DEST kernels (compute_kernel_of: shifted for bfloat16, precise for float32; the W-split runs one kernel for
///   both, counted per input format), nothing packed per tile until the output; per-row operands resident in DEST
///   (layernorm_fused_rm_precise_common.hpp), each "brought in" = one unary_bcast:
///   row_resident_shifted 10 (layernorm_fused_rm_shifted.cpp, layernorm_fused_rm_shifted_common.hpp): tilize 1; mean
///     pass: x - x0 accumulated into S by the FPU (sum_shifted: ELWSUB with AddDst; the row's first tile a plain
///     subtraction) 1; variance pass: x - x0, - m (sfpu_sub_bcast_col), + square (addcmul; the first tile:
///     square_tile) 3; output (output_resident): x - x0, normalize, gamma and beta brought in, addcmul 5. Per output
///     section 2: m and inv_std brought in. Per tile-row 30: the mean (finish_pass 0, split_reduce_mean with one bf16
///     part and a rest: split 1 + 3, 2 reduces, x 1 / W) 7; m brought in for the variance pass 1; the inverse std
///     (split_reduce_inv_std: split 4, 2 reduces, x 1 / W, + eps, copy_dest_values, rsqrt, 2 Newton steps of 6:
///     newton_rsqrt) 22;
///   streaming_shifted 12 (layernorm_fused_rm_shifted_streaming.cpp): the same, x tilized in each of the 3 passes
///     (+2). Per chunk 3: the partial S copied back into DEST in both statistics passes 2, m brought in per chunk of
///     the variance pass 1. Per tile-row 30: the 30 above + x0's tile staged (stage_shift) in each pass 3, - the first
///     chunk's 2 partial copies, - m (counted per chunk) 1;
///   wsplit_shifted 10 (layernorm_fused_rm_precise_wsplit.cpp, bfloat16 input): tilize 1; mean pass sum_shifted 1; M2
///     pass: x - x0 (FPU), - m_i, + square 3; output (output_resident_from): x - x0 (FPU), normalize, gamma and beta
///     brought in, addcmul 5. Per output section 2: mean - x0 and inv_std brought in. Per tile-row 13: x0's tile
///     copied into DEST (for the writer) 1; finish_sum of S (split_parts: S and h_1 copied, subtracted 3; 2 reduces;
///     x 1 / w_i) 6; m_i brought in for the M2 pass 1; finish_sum of M2 (3, 2 reduces) 5;
///   row_resident_precise 14 (layernorm_fused_rm_precise.cpp): tilize 1; pass A (x0_sum_chunk): copy, - x0, add 3;
///     pass B (centered_sums_chunk): copy, - m1, add, + square (addcmul) 4; output: copy, - m1 (shift_by_m1),
///     normalize, gamma and beta brought in, addcmul 6. Per output section 3: m1, m2 and inv_std brought in. Per pass
///     B block 4: m1 brought in 1, the block's first tile squared by one mul_binary_tile instead of add and addcmul
///     -1, the totals of the blocks before copied and added 4. Per tile-row 57: x0 staged (stage_x0) 1; pass A's x0
///     brought in 1, its first tile not added -1; the mean of x - x0 (split_reduce_mean, 3 bf16 parts: split 1 + 3 +
///     5, 3 reduces, x 1 / W) 13; m1 = x0 + m (shift_to_mean: 2 brought in, add) 3; m2 13; the inverse std
///     (split_reduce_inv_std: split 9, 3 reduces, x 1 / W, m2 brought in, squared, subtracted, + eps,
///     copy_dest_values, rsqrt, 2 Newton steps of 6) 31; less the first block's totals (none) 4;
///   streaming_precise 16 (layernorm_fused_rm_precise_streaming.cpp): the same, x tilized in each of the 3 passes
///     (+2). Per chunk 6: pass 1's x0 brought in and its partial S copied back in 2, pass 2 as a pass B block 4. Per
///     tile-row 55: row_resident_precise's 57 less pass A's x0 (counted per chunk) 1, less the first chunk's S copy
///     (none) 1;
///   wsplit_precise 14 (layernorm_fused_rm_precise_wsplit.cpp, float32 input): tilize 1; mean pass: copy, - x0 (in
///     DEST for the pass), add 3; M2 pass: copy, - x0, - m_i, + square 4; output (shift_by_x0 with the mean's hi
///     part): copy, - mean hi, normalize, gamma and beta brought in, addcmul 6. Per output section 3: mean hi, mean
///     lo and inv_std brought in. Per tile-row 21: mean pass x0 brought in 1, its first tile not added -1; finish_sum
///     of S (3 bf16 parts: split_parts 3 + 3, 3 reduces, x 1 / w_i) 10; M2 pass x0 and m_i brought in 2; finish_sum
///     of M2 (6, 3 reduces) 9. Both W-split kinds add wsplit_combine_steps per tile-row (the combine, with the
///     inverse std), not in these constants: it depends on S;
///   Left out: W % 32 != 0, where the row's last tile is masked past W (mask_padding: row 0 of the partial scaler
///   brought in, multiply: 2 steps): 0 more for the FPU kinds (their reduce takes the partial scaler tile instead);
///   5 for the shifted kinds (mean pass: the last tile subtracted into a scratch slot, masked and added on the SFPU,
///   4 steps instead of 1; variance / M2 pass: the mask 2), 4 when the masked tile is the first of its sum (Wt = 1,
///   or a W-split slice of 1 tile: masked in place, not added); 4 for the precise kinds (the mask in passes A and B,
///   or the W-split's mean and M2 passes); on the busiest core (W-split: the last slice's core).
///   Upstream's, from tt-metal's normalization / data-movement kernels (read with the search tools), each with 2 per
///   tile-row (the inverse std's + eps and rsqrt) and no chunk or section terms:
///   ln 7 (upstream layer_norm single pass): sum, x - mean, square, sum, * inv_std, * gamma, + beta;
///   ln_large 8 (its large-tensor 3-read path): sum | x - mean, square, sum | x - mean, * inv_std, * gamma, + beta;
///   rms 4: square, sum, * inv_rms, * gamma;  layout 1: tilize or untilize (to_layout).
/// std::invalid_argument for another kind.
uint32_t steps_per_tile(const std::string& kind);
/// Every kind steps_per_tile knows, with its steps.
std::vector<std::pair<std::string, uint32_t>> all_steps_per_tile();
/// The steps kind of one of OUR programs ("row_resident", "streaming", "wsplit") for an input format and compute
/// config: the program, then "_shifted" or "_precise" for its compute kernel family (compute_kernel_of; the W-split's
/// precise kernel serves both fp32-DEST families, LayerNormFusedRMWSplitProgramFactory::precise_kernel, and is counted
/// per family: "wsplit_shifted" for bfloat16 input, "wsplit_precise" for float32).
std::string steps_kind(const std::string& program, DataFormat in_format, const ComputeConfigDescriptor& cc);

using Txns = std::vector<std::pair<uint64_t, uint64_t>>;  ///< (count, bytes per transaction)

/// `count` sync points of `flight_cycles` NOC flight plus `combine_cycles` of soft-float combine each.
struct Exchange {
    uint64_t count = 0, flight_cycles = 0, combine_cycles = 0;
};

/// Work of one core (the busiest) of a program: counts, not times.
struct CoreWork {
    Txns read_txns, write_txns;  ///< its NOC reads (DRAM or L1) and writes
    uint64_t tile_steps = 0;     ///< 32x32 tile compute steps
    std::vector<Exchange> exchanges;
};

/// One program: the busiest core's work, cores with work, the chip's total DRAM bytes, cores per tile-row.
struct ProgramWork {
    std::string name;  ///< kind: "row_resident", "streaming", "wsplit" (ours) or upstream's
    std::string arch;
    uint32_t cores = 0;
    CoreWork busiest;
    uint64_t dram_bytes = 0;
    uint32_t split = 1;
};

/// Modelled time of a program (us) and its terms (us); bound = "dram", "noc_read", "noc_write" or "compute".
struct ProgramTime {
    std::string program, bound;
    double us = 0, noc_read_us = 0, noc_write_us = 0, compute_us = 0, exchange_us = 0, combine_us = 0,
           dram_chip_us = 0;
    uint32_t cores = 0, split = 1;
};

/// Link occupancy in cycles: per transaction one header flit + ceil(bytes / flit_bytes) data flits, one flit per
/// cycle (tt-isa-documentation {WormholeB0,BlackholeA0}/NoC/README.md, packets and Performance).
uint64_t noc_cycles(const Txns& txns, uint32_t flit_bytes);

/// The model above for one program. cycles_per_step: cycles of a tile step (the fit varies it).
ProgramTime program_time(const ProgramWork& p, double cycles_per_step = kCyclesPerTileStep);

/// Flight of one exchange round across a gx x gy group: a multicast, then a semaphore increment, each NIU + 9 per
/// hop x (gx - 1 + gy - 1) hops + NIU (tt-isa-documentation NoC README, Performance).
uint64_t exchange_flight_cycles(const std::string& arch, uint32_t gx, uint32_t gy);

/// Soft-float combine cycles per tile-row of one core of an S-core group with the FPU kernel (softfloat_cycles of):
/// ceil(32 / S) owned rows x (S x kCombineOps + kRowOps). (The precise kernel combines on the compute core:
/// wsplit_combine_steps.)
uint64_t wsplit_combine_cycles(uint32_t S);

/// Work of one of OUR programs for these arguments, analytically (no descriptor): factory = a program factory name,
/// S = W-split cores per tile-row (0: the factory's choice; ignored by the others). Uses the factories' own helpers
/// (CB chunk width: the streaming chunk, the W-split's staging chunk chunk_tiles; W-split layout, split_work_to_cores).
/// Assumes validated arguments; std::invalid_argument for an unknown factory or a W-split S with no layout.
ProgramWork program_work(const operation_attributes_t& attrs, const tensor_args_t& tensor_args,
                         const std::string& factory, uint32_t S = 0);

/// A program the op can run for these arguments and its modelled time.
struct Candidate {
    std::string factory;
    uint32_t S = 1;  ///< cores per tile-row (1 unless W-split)
    ProgramTime time;
};

/// Every program that fits L1 for these arguments (attrs.program_factory is ignored): row-resident and streaming
/// when their CBs fit, the W-split for every S its predicate accepts
/// (LayerNormFusedRMWSplitProgramFactory::unusable), in the order of `better`, except that when the fastest is the
/// streaming program (3 reads of the input), the fastest program reading the input once within kModelError of it
/// goes first. Why: the model leaves out DRAM latency and NOC congestion, which grow with DRAM traffic, so within its
/// error the program moving a third of the bytes is the safer choice (e.g. bfloat16 1x1x4096x16384 on Blackhole:
/// streaming models 1693 us, the W-split 1806 us: 7 % apart; the W-split runs). Likewise, when the fastest is then a
/// W-split, the row-resident program goes first when it fits and the two are not told apart with each modelled time
/// uncertain by kModelError on its own: t_row_resident (1 - e) <= t_wsplit (1 + e), i.e. row-resident within a factor
/// (1 + e) / (1 - e) = 1.258 of the W-split. Why each on its own: the W-split's time has terms only it has and the
/// model leaves out (its writer's L1 copies and NOC issues for the exchange, semaphore round trips beyond the flight
/// floor, skew between the cores of a group), and its combine is SFPU work on DEST counted at the cycles per step
/// fitted to other kernels; so the two programs' errors need not move together (bfloat16 1x1x64x128: the W-split
/// with S = 4 models 23.7 us, row-resident 27.3 us, 15 % apart: row-resident runs). select_program_factory takes the first.
std::vector<Candidate> candidates(const operation_attributes_t& attrs, const tensor_args_t& tensor_args);

/// Selection order: lower modelled time, then fewer cores, then row-resident before streaming before W-split,
/// then smaller S.
bool better(const Candidate& a, const Candidate& b);

/// The W-split's S with the lowest modelled time (by `better`) among those its predicate accepts; 0 when none is.
/// LayerNormFusedRMWSplitProgramFactory::choose_cores_per_row returns it.
uint32_t best_wsplit_cores_per_row(const operation_attributes_t& attrs, const tensor_args_t& tensor_args);

}  // namespace layernorm_fused_rm::model
