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
//   exchange (W-split, per tile-row) = two rounds, each the flight of a multicast then a semaphore increment across
//     the group (NIU + hops + NIU each), plus the soft-float combine on the writer RISC-V: ceil(32 / S) rows owned x
//     S partial updates x kCombineOps fp32 operations (+ kRowOps per owned row), each at its measured cycles
//     (kSoftfloatAddCycles, kSoftfloatMulCycles, kSoftfloatDivCycles: tools/softfloat_cycles/).
//
// Assumptions (why it is a floor): perfect overlap of reader, compute and writer (double buffering never stalls); no
// kernel launch / dispatch time; no DRAM access latency (only its bandwidth); no NOC congestion beyond the chip DRAM
// bandwidth; every DRAM channel equally loaded; Blackhole takes Wormhole's cycles per tile step; a multicast's
// occupancy counted once per destination (an upper bound, as the emulator counts it).
// Left out: program dispatch, kernel launch and runtime-arg upload; DRAM latency (~hundreds of cycles per first
// read); NOC congestion, virtual channels and router buffering; the RISC-V instructions that issue each transaction;
// math fidelity and the cost difference of fp32 and bf16 operations (every tile step costs C: the kernel families
// differ in their counted steps, not in the cost of a step); L1 bank conflicts; the partial last tile-row (the busiest
// core is counted with 32 sticks per tile-row).
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
/// (mean_lo = 0; K is the constant 0.0f, and d_j = m_j - 0.0f is folded by the compiler, x - (+0) == x for every x):
/// mean += w_j * d_j (mul, add); M2 += M2_j + n_j * (d_j - mean)^2 (sub, 2 mul, 2 add): 4 add, 3 mul, with the
/// weights compile-time constants.
inline constexpr SoftfloatOps kCombineOps{4, 3, 0};

/// fp32 operations per owned row of the FPU kernel's combine, besides its kCombineOps per partial: var = M2 / W, a
/// division (W a compile-time constant).
inline constexpr SoftfloatOps kRowOps{0, 0, 1};

/// As kCombineOps for the precise kernel's exchange (mean_lo = 1: per slice x0_j, the mean m_j of x - x0_j, M2_j;
/// combine_precise in the writer): d_j = (x0_j - R) + m_j (sub, add) and its sum (add); e_j = d_j - d1 (sub) and its
/// sum (add); e_j^2 (mul); one addition each in the pairwise sums of M2_j and of e_j^2 (add, add): 7 add, 1 mul (the
/// sums over S partials take S - 1 additions; counted as S, an overcount of 5 additions per row).
inline constexpr SoftfloatOps kCombineOpsHiLo{7, 1, 0};

/// fp32 operations per owned row of the precise kernel's combine, besides its kCombineOpsHiLo per partial
/// (writer_layernorm_fused_rm_wsplit.cpp, combine_precise and its caller): R = slice 0's mean 1 add; d1 = w_full sum
/// + w_last d_last 2 mul 1 add; c likewise 2 mul 1 add; d = d1 + c 1 add; M2 = sum M2_j + (n_full sum e_j^2 + n_last
/// e_last^2) 2 mul 2 add; / W 1 div; + eps 1 add; inv_sqrt 12 mul 5 add (a / 2 1 mul, two Newton steps of 3 mul 1
/// add, a last step of 5 mul 3 add); the mean R + d as hi + lo (Fast2Sum: a + b, hi - a, b - (hi - a)) 3 add. 15
/// add, 18 mul, 1 div in all.
inline constexpr SoftfloatOps kRowOpsHiLo{15, 18, 1};

/// fp32 operations per row on EVERY core of the precise kernel's exchange with bfloat16 input (wsplit_writer_ct_args::
/// shift_out): statistics page 0 takes mean - x0 of the core's own slice, (hi - x0) + lo: 2 add, for all 32 rows.
inline constexpr SoftfloatOps kShiftOutOps{2, 0, 0};

/// Tile steps per tile-row (the row statistics, besides the per-tile steps) of each kind steps_per_tile knows, counted
/// from the kernels as one step per unpack into DEST (copy_tile, unary_bcast), FPU reduce or SFPU tile operation:
///   FPU kernels (row_resident, streaming, wsplit) and upstream's: 2;
///   row_resident_shifted 30 (finish_pass, layernorm_fused_rm_shifted_common.hpp: the mean's split_reduce_mean with one
///     bf16 part and a rest, 1 + 3 splits, 2 reduces, x 1 / W: 7; m brought into DEST for the variance pass 1; the
///     inverse std's split_reduce_inv_std: splits 4, 2 reduces, x 1 / W, + eps, copy into DST 1, rsqrt, 2 Newton
///     steps of 6: 22); streaming_shifted 30 (+ x0 staged once per pass, 3 copies; - the 2 partial-sum copies of the
///     first chunks and - m brought into DEST, which steps_per_chunk counts for every chunk);
///   row_resident_precise 58 (layernorm_fused_rm_precise.cpp: x0 staged 1; pass A's x0 bcast 1; split_reduce_mean of m
///     13 (3 bf16 parts 1 + 3 + 5, 3 reduces, x 1 / W); m1 = x0 + m 3 (pass B's m1 bcast: per block); m2 13;
///     split_reduce_inv_std from S2 - m2^2: split 9, 3 reduces, x 1 / W, bcast m2, square, sub, + eps, copy, rsqrt,
///     2 Newton steps of 6: 31; that is 62, less the 4 steps of the first pass B block's totals, which steps_per_chunk
///     counts for every block); streaming_precise 56 (the same 62 less pass A's x0 bcast, now per chunk, and less the
///     first chunk's 5 partial-sum steps, which steps_per_chunk counts for every chunk);
///   wsplit_shifted 13 (layernorm_fused_rm_precise_wsplit.cpp, bfloat16 input: mean pass x0's tile copied for the
///     writer 1; 2 bf16 parts of S (h_1 packed by the pass, h_2: 3), 2 reduces, x 1 / w: 6; M2 pass m_i broadcast 1;
///     parts 3, 2 reduces: 5);
///   wsplit_precise 22 (the same kernel, float32 input: mean pass x0 broadcast 1; 3 bf16 parts of S (h_1 packed by
///     the pass, then 3 + 3, S - h_1 packed beside h_2), 3 reduces, x 1 / w: 10; M2 pass x0 and m_i broadcast 2;
///     parts 6, 3 reduces: 9). The inverse std of both is the writer's (kRowOpsHiLo).
/// Left out: the mask of the row's partial last tile (W % 32 != 0; steps_per_tile lists what it costs).
/// std::invalid_argument for another kind.
uint32_t steps_per_tile_row(const std::string& kind);

/// Tile steps per chunk (0 for the other kinds): the DEST operands each chunk's statistics section loads again, for the
/// streaming kernels, and for the precise row-resident kernel's pass B blocks (the streaming chunk's width,
/// LayerNormFusedRMStreamingProgramFactory::chunk_tiles; centered_sums_chunk in layernorm_fused_rm_precise_common.hpp).
/// streaming_shifted 3 (the partial row sum of each pass, m in the variance pass); streaming_precise 7 (pass 1:
/// partial S, x0; pass 2: m1, the totals S1 and S2 copied and added at the chunk's end); row_resident_precise 5 (pass B
/// as pass 2). std::invalid_argument for another kind.
uint32_t steps_per_chunk(const std::string& kind);

/// Extra tile steps per tile when the output's tile count (Wt row-resident, the chunk width Bt streaming, the staging
/// chunk Bc W-split) is odd:
/// output_resident (layernorm_fused_rm_precise_common.hpp) then untilizes 1 tile per DEST section instead of 2, so
/// the section's operand loads are not shared: 1 for the shifted and precise kinds (shifted 7 output steps instead of
/// 6; precise 9 instead of 7.5, whose half step steps_per_tile already rounds up), 0 for the others.
uint32_t steps_per_odd_output_tile(const std::string& kind);

/// Exchange rounds per tile-row of the W-split writer: partials to every peer, then the owners' combined rows.
inline constexpr uint32_t kExchangeRounds = 2;

/// Bytes of a semaphore increment. The exchange messages' bytes come from the writer's layout
/// (wsplit_exchange in device/kernels/layernorm_fused_rm_kernel_args.hpp): round 1 a slot_bytes slot, round 2 an
/// owner's result_block_bytes(S) block.
inline constexpr uint32_t kSemaphoreBytes = 4;

/// Tile steps per input tile of each kind of program (a step = one 32x32 tile unpacked, operated on, packed),
/// counted from the compute kernels (cpp/device/kernels/compute/layernorm_fused_rm_compute_common.hpp) and, for
/// upstream, from tt-metal's normalization / data-movement kernels (read with the search tools):
///   row_resident / wsplit 8: tilize, sum (mean), (x - m)^2, sum (variance), x - mean, * inv_std, * gamma, + beta with
///     untilize (row-resident: gamma and beta tilized once per core, + 2 per tile of W; the streaming and W-split
///     programs' reader places them as tiles, reader affine_flag::pretiled, so they tilize neither);
///   The fp32-DEST kernels (compute_kernel_of: shifted for bfloat16 with fp32_dest_acc_en, precise for float32; the
///   W-split runs one kernel for both, counted per input format) pack nothing per tile until the output, so one step per unpack into
///   DEST (tilize, copy_tile, unary_bcast), FPU subtraction or SFPU tile operation (sfpu_binary_bcast.h column ops and
///   addcmul_tile count one each; per-row operands resident in DEST, layernorm_fused_rm_precise_common.hpp):
///   row_resident_shifted 11 (layernorm_fused_rm_shifted_common.hpp): tilize 1; mean pass: x - x0 accumulated into
///     S by the FPU (sum_shifted, layernorm_fused_rm_precise_common.hpp: ELWSUB with AddDst; the row's first tile a
///     plain subtraction, also 1) 1; variance pass: x - x0, - m (SFPU broadcast), + square (addcmul; the first tile:
///     square) 3; output (output_resident, 2 tiles per DEST section): x - x0, m and inv_std brought in per section (1
///     per tile), normalize, bcast gamma, bcast beta, addcmul with untilize 6; streaming_shifted 13 (x tilized in each
///     of the 3 passes; a chunk's partial S is counted by steps_per_chunk, its tiles accumulate onto it: 1 each);
///   row_resident_precise 16 (layernorm_fused_rm_precise.cpp; 15.5 rounded up): tilize 1; pass A: copy, - x0, add 3;
///     pass B: copy, - m1, add, + square (addcmul) 4; output: copy, m1 per section (1/2), - m1, m2 and inv_std per
///     section (1), normalize, bcast gamma, bcast beta, addcmul 7.5; streaming_precise 18
///     (layernorm_fused_rm_precise_streaming.cpp: 17.5 rounded up, 3 tilizes);
///   wsplit_shifted 11 (layernorm_fused_rm_precise_wsplit.cpp, bfloat16 input): tilize 1; mean pass: x - x0
///     accumulated into S by the FPU (sum_shifted) 1; M2 pass: x - x0 (FPU), - m_i (kept in DEST for the pass),
///     + square (addcmul) 3; output
///     (output_resident_from, 2 tiles per DEST section): x - x0 (FPU), mean - x0 and inv_std per section (1 per
///     tile), normalize, bcast gamma, bcast beta, addcmul with untilize 6;
///   wsplit_precise 16 (the same kernel, float32 input; 15.5 rounded up): tilize 1; mean pass: copy, - x0 (kept in
///     DEST for the pass), add 3; M2 pass: copy, - x0, - m_i, + square (addcmul) 4; output: copy, mean hi per section
///     (1/2), - mean hi, mean lo and inv_std per section (1), normalize, bcast gamma, bcast beta, addcmul 7.5;
///   Not counted (no bench shape has it): W % 32 != 0, where the row's last tile is masked past W before it is added
///   (mask_padding: row-0 broadcast of the partial scaler, multiply; 2 steps): the shifted kinds' mean pass spends 4
///   steps on it (subtract into a scratch slot, mask, SFPU add) instead of 1 and their variance / M2 pass 5 instead
///   of 3, on the busiest core (W-split: the last slice's core);
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

/// Soft-float combine cycles per tile-row of one core of an S-core group (softfloat_cycles of): ceil(32 / S) owned rows x
/// (S x kCombineOps + kRowOps); mean_lo (the precise kernel's exchange): ceil(32 / S) x (S x kCombineOpsHiLo +
/// kRowOpsHiLo), plus with shift_out (bfloat16 input) 32 x kShiftOutOps.
uint64_t wsplit_combine_cycles(uint32_t S, bool mean_lo = false, bool shift_out = false);

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
/// error the program moving a third of the bytes is the safer choice (e.g. bfloat16 1x1x8192x16384 on Blackhole:
/// streaming models 3387 us, the W-split (S = 4) 3506 us: 4 % apart; the W-split runs). Likewise, when the fastest is then a
/// W-split, the row-resident program goes first when it fits and models within kModelError of it, or, for the
/// precise W-split kernel (fp32 DEST), when the W-split's exchange term is no smaller than its compute term and the
/// row-resident program models within that exchange term of it (the exchange counted twice: never a program slower
/// than that, e.g. bfloat16 1x1x32x1536 on Wormhole: the W-split models 50 us, 41 of them exchange, row-resident 217
/// us; the W-split runs): the per-tile-row exchange adds latencies the model leaves out (semaphore round trips beyond the
/// flight floor, skew between the cores of a group), and the precise kernel's exchange carries the tail of the row
/// statistics (the corrected mean, the division and the inverse std) in soft float, at a cost per operation measured
/// on Debian's libgcc, not on silicon (kSoftfloatAddCycles), so where it is the larger part of a W-split's time the model does not tell it apart from the
/// row-resident program (e.g. bfloat16 1x1x256x512, default config, on Wormhole: the W-split with S = 8 models 52 us,
/// 40 of them exchange, the row-resident program 79 us; row-resident runs; 1x1x512x2048: 116 us with 54 of exchange,
/// so the W-split runs). The FPU W-split kernel's exchange is a plain sum; its selection is the fastest (e.g.
/// 1x1x64x512 with a 16-bit DEST: S = 16, 25 us, 22 of them exchange). select_program_factory takes the first.
std::vector<Candidate> candidates(const operation_attributes_t& attrs, const tensor_args_t& tensor_args);

/// Selection order: lower modelled time, then fewer cores, then row-resident before streaming before W-split,
/// then smaller S.
bool better(const Candidate& a, const Candidate& b);

/// The W-split's S with the lowest modelled time (by `better`) among those its predicate accepts; 0 when none is.
/// LayerNormFusedRMWSplitProgramFactory::choose_cores_per_row returns it.
uint32_t best_wsplit_cores_per_row(const operation_attributes_t& attrs, const tensor_args_t& tensor_args);

}  // namespace layernorm_fused_rm::model
