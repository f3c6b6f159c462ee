// SPDX-License-Identifier: Apache-2.0
//
// Compile-time and runtime argument indices of the three kernels of ttnn.layernorm_fused_rm, shared by the
// kernels (get_compile_time_arg_val / get_arg_val / TensorAccessorArgs<N>), the host program factory that fills
// the argument lists, and Python (exported by cpp/bindings/bind_op.cpp as _C.reader_ct_args, _C.reader_rt_args,
// ...). The one statement of each argument's position, as layernorm_fused_rm_cb_index.hpp is for the 13 CBs.
// Plain constants, no includes: compiles for the host, the emulator JIT and the RISC-V kernel build.
// `count` is the number of arguments before any TensorAccessorArgs (compile-time) or in all (runtime).
#pragma once

namespace layernorm_fused_rm {

/// Bits of the affine-flags compile-time arg (reader_ct_args::affine_flags, compute_ct_args::affine_flags): the
/// program is built without the gamma multiply / beta add whose bit is clear.
namespace affine_flag {
inline constexpr unsigned gamma = 1u << 0;  ///< gamma given
inline constexpr unsigned beta = 1u << 1;   ///< beta given
/// Reader only (the streaming and W-split programs): gamma / beta reach the compute kernel as tiles (c_6 / c_7, their
/// row 0 = the vector, as unary_bcast<ROW> and the *_bcast_rows ops read it), placed by the reader from the row-major
/// chunk it stages in c_4 / c_5; without it (row-resident) the reader pushes the row-major blocks (c_4 / c_5) for the
/// compute kernel to tilize.
inline constexpr unsigned pretiled = 1u << 2;
}  // namespace affine_flag

/// Reader (dataflow/reader_layernorm_fused_rm.cpp, RISCV_1 / NCRISC) compile-time args.
namespace reader_ct_args {
inline constexpr unsigned stick_bytes = 0;     ///< bytes of one input stick: W * element size
inline constexpr unsigned Wt = 1;              ///< tiles per row: ceil(W / 32)
inline constexpr unsigned Bt = 2;              ///< tiles per chunk (row-resident: Wt)
inline constexpr unsigned passes = 3;          ///< reads of each tile-row: 1 row-resident, 3 streaming
inline constexpr unsigned chunk_bytes = 4;     ///< bytes of one chunk of a stick: Bt * 32 * element size
inline constexpr unsigned affine_flags = 5;    ///< affine_flag bits
inline constexpr unsigned last_tile_cols = 6;  ///< valid columns of a row's last tile, 1..32
inline constexpr unsigned tile_bytes = 7;      ///< bytes of one tile of the input format
inline constexpr unsigned count = 8;
/// First TensorAccessorArgs: input, then gamma, then beta, chained with next_compile_time_args_offset().
inline constexpr unsigned input_accessor = count;
}  // namespace reader_ct_args

/// Reader runtime args (per core).
namespace reader_rt_args {
inline constexpr unsigned input_addr = 0;   ///< bank-local base address of the input buffer
inline constexpr unsigned gamma_addr = 1;   ///< of gamma (0 when not given)
inline constexpr unsigned beta_addr = 2;    ///< of beta (0 when not given)
inline constexpr unsigned num_sticks = 3;   ///< sticks (rows) this core reads
inline constexpr unsigned start_stick = 4;  ///< first stick id of this core
inline constexpr unsigned scaler = 5;       ///< reduce scaler 1.0, bf16 bits in both 16-bit halves
inline constexpr unsigned eps = 6;          ///< epsilon, bf16 bits in both 16-bit halves
/// Byte offset in every stick of the part this core reads: 0, or (W-split program) its slice's first byte; the core
/// then reads the first Wt tiles of the stick_bytes - col_offset bytes from there.
inline constexpr unsigned col_offset = 7;
inline constexpr unsigned count = 8;
}  // namespace reader_rt_args

/// Compute (compute/layernorm_fused_rm*.cpp, TRISC0/1/2) compile-time args, the same for all six kernels.
namespace compute_ct_args {
inline constexpr unsigned Wt = 0;            ///< tiles per row
inline constexpr unsigned block_w = 1;       ///< row-resident: untilize width (precise: pass B block); streaming: chunk Bt
inline constexpr unsigned inv_w_bits = 2;    ///< 1 / W as float32 bits
inline constexpr unsigned affine_flags = 3;  ///< affine_flag bits
inline constexpr unsigned partial = 4;       ///< 1 when a row's last tile is partial (W % 32 != 0), else 0
inline constexpr unsigned count = 5;
}  // namespace compute_ct_args

/// Compute runtime args (per core).
namespace compute_rt_args {
inline constexpr unsigned num_blocks = 0;  ///< tile-rows (32-row blocks) this core computes
inline constexpr unsigned eps_bits = 1;    ///< fp32-DEST (precise, shifted) kernels only: epsilon as float32 bits
inline constexpr unsigned count = 1;          ///< the FPU kernels' runtime args (num_blocks)
inline constexpr unsigned precise_count = 2;  ///< the precise and shifted kernels' (num_blocks, eps_bits)
}  // namespace compute_rt_args

/// Writer (dataflow/writer_layernorm_fused_rm.cpp, RISCV_0 / BRISC) compile-time args.
namespace writer_ct_args {
inline constexpr unsigned stick_bytes = 0;      ///< bytes of one output stick: W * output element size
inline constexpr unsigned Wt = 1;               ///< tiles per row
inline constexpr unsigned Bt = 2;               ///< tiles per chunk
inline constexpr unsigned chunk_bytes = 3;      ///< bytes of one chunk of an output stick
inline constexpr unsigned count = 4;
inline constexpr unsigned output_accessor = count;  ///< TensorAccessorArgs of the output
}  // namespace writer_ct_args

/// Writer runtime args (per core).
namespace writer_rt_args {
inline constexpr unsigned output_addr = 0;  ///< bank-local base address of the output buffer
inline constexpr unsigned num_sticks = 1;   ///< sticks this core writes
inline constexpr unsigned start_stick = 2;  ///< first stick id of this core
inline constexpr unsigned count = 3;
}  // namespace writer_rt_args

/// Layout of the W-split exchange (writer_layernorm_fused_rm_wsplit.cpp; design and ordering proof:
/// layernorm_fused_rm_wsplit_program_factory.cpp), shared by the factory (c_25 sizing) and the writer; `mean_lo`:
/// the precise kernel's exchange (wsplit_writer_ct_args::mean_lo), whose slice means travel as fp32 hi + lo pairs.
/// c_25 starts with stats_pages(mean_lo) statistics tiles (FPU kernel: mean, variance; precise kernel: page 0 the
/// mean's hi part (float32 input) or mean - x0 of the core's slice (bfloat16 input), page 1 the inverse std, page 2
/// the mean's lo part). Round 1: each of the S cores of a group sends a slot of slot_bytes_of(mean_lo) (its 32 slice
/// means (precise kernel: 32 slice first elements x0), 32 slice M2s, with mean_lo 32 slice means of x - x0, fp32).
/// Round 2: core k owns rows [k R, min(32, (k + 1) R)) of the tile-row, R = rows_per_owner(S) = ceil(32 / S), so the
/// first owners(S) = ceil(32 / R) cores own rows (<= S; e.g. S = 9: R = 4, 8 owners; S = 64: R = 1, 32 owners);
/// owner k sends block k of the result area: its rows' statistics as fp32 (FPU kernel: mean, variance, 8 B per row;
/// precise kernel: the mean's hi and lo parts and the inverse std, 12 B per row), the block padded to 16 B so every
/// block starts 16-byte aligned (the L1 alignment of NOC transfers, pessimistic for L1 -> L1).
namespace wsplit_exchange {
inline constexpr unsigned slot_bytes = 256;  ///< bytes of one core's round-1 partials (FPU kernel)
inline constexpr unsigned slot_bytes_of(bool mean_lo) { return mean_lo ? 384 : slot_bytes; }
inline constexpr unsigned stats_pages(bool mean_lo) { return mean_lo ? 3 : 2; }
inline constexpr unsigned rows_per_owner(unsigned S) { return (32 + S - 1) / S; }
inline constexpr unsigned owners(unsigned S) { return (32 + rows_per_owner(S) - 1) / rows_per_owner(S); }
/// fp32 values per row of a round-2 block: (mean, variance), with mean_lo (mean hi, mean lo, inverse std).
inline constexpr unsigned result_floats(bool mean_lo) { return mean_lo ? 3 : 2; }
inline constexpr unsigned result_block_bytes(unsigned S, bool mean_lo = false) {
    return (4 * result_floats(mean_lo) * rows_per_owner(S) + 15) / 16 * 16;
}
/// Bytes of the round-2 result area: owners(S) blocks (at most 32 x 16 = 512).
inline constexpr unsigned result_bytes(unsigned S, bool mean_lo = false) {
    return owners(S) * result_block_bytes(S, mean_lo);
}
/// Bytes of the exchange area after the statistics pages of c_25: the S slots, then the result area.
inline constexpr unsigned area_bytes(unsigned S, bool mean_lo = false) {
    return S * slot_bytes_of(mean_lo) + result_bytes(S, mean_lo);
}
}  // namespace wsplit_exchange

/// W-split compute kernels (compute/layernorm_fused_rm_wsplit.cpp, FPU; layernorm_fused_rm_precise_wsplit.cpp,
/// precise): compute_ct_args with Wt = the slice's tiles Ws, then the pages of c_25 per tile-row.
namespace wsplit_compute_ct_args {
inline constexpr unsigned exchange_pages = compute_ct_args::count;  ///< P: statistics pages, exchange area
/// Bc: tiles per row-major staging chunk (c_0, c_4, c_5, c_16 hold Bc pages; divides Ws; Ws = unchunked)
inline constexpr unsigned chunk_tiles = exchange_pages + 1;
/// Precise kernel: 1 when the input is FLOAT32 (x - x0 on the SFPU, 3 bf16 parts per row sum), 0 bfloat16 (x - x0
/// by the FPU, 2 parts; the writer sends mean - x0 of the slice: wsplit_writer_ct_args::shift_out).
inline constexpr unsigned fp32_input = chunk_tiles + 1;
inline constexpr unsigned count = fp32_input + 1;
}  // namespace wsplit_compute_ct_args

/// W-split compute runtime args (per core).
namespace wsplit_compute_rt_args {
inline constexpr unsigned num_blocks = 0;        ///< tile-rows this core's group computes
inline constexpr unsigned inv_w_slice_bits = 1;  ///< 1 / (valid columns of this core's slice) as float32 bits
inline constexpr unsigned partial_last_tile = 2; ///< 1 when this slice ends in a partial tile (last slice, W % 32)
inline constexpr unsigned count = 3;             ///< both W-split kernels' runtime args (the writer adds eps)
}  // namespace wsplit_compute_rt_args

/// W-split writer (dataflow/writer_layernorm_fused_rm_wsplit.cpp, RISCV_0 / BRISC) compile-time args.
namespace wsplit_writer_ct_args {
inline constexpr unsigned stick_bytes = 0;       ///< bytes of one output stick
inline constexpr unsigned Ws = 1;                ///< tiles per slice: Wt / S
inline constexpr unsigned slice_bytes = 2;       ///< bytes of one row of c_16: Ws * 32 * output element size
inline constexpr unsigned S = 3;                 ///< cores per tile-row
inline constexpr unsigned exchange_pages = 4;    ///< P, pages of c_25 per tile-row
inline constexpr unsigned stats_tile_bytes = 5;  ///< bytes of one statistics tile (c_25, c_26)
inline constexpr unsigned stats_fp32 = 6;        ///< 1 when the statistics format is Float32, 0 bfloat16
inline constexpr unsigned full_slice_cols = 7;   ///< columns of every slice but the last: Ws * 32
inline constexpr unsigned last_slice_cols = 8;   ///< valid columns of the last slice
inline constexpr unsigned W = 9;                 ///< row width
inline constexpr unsigned mean_lo = 10;          ///< 1: partials and combined mean as fp32 hi + lo (precise kernel)
inline constexpr unsigned chunk_tiles = 11;      ///< Bc: tiles per c_16 chunk (divides Ws; Ws = the whole slice)
/// mean_lo only: epsilon as float32 bits (the writer sends 1 / sqrt(var + eps) in place of the variance).
inline constexpr unsigned eps_bits = 12;
/// mean_lo only: 1 when statistics page 0 takes mean - x0 of this core's slice (bfloat16 input: the compute kernel
/// centres x - x0 by the FPU), 0 when it takes the mean's hi part and page 2 its lo part (float32 input).
inline constexpr unsigned shift_out = 13;
inline constexpr unsigned count = 14;
inline constexpr unsigned output_accessor = count;  ///< TensorAccessorArgs of the output
}  // namespace wsplit_writer_ct_args

/// W-split writer runtime args (per core); `count` plus S words: the group's cores' NOC coordinates.
namespace wsplit_writer_rt_args {
inline constexpr unsigned output_addr = 0;  ///< as writer_rt_args
inline constexpr unsigned num_sticks = 1;
inline constexpr unsigned start_stick = 2;
inline constexpr unsigned col_offset = 3;   ///< byte offset of this core's slice in an output stick
inline constexpr unsigned slot = 4;         ///< this core's place in its group, 0..S-1
inline constexpr unsigned mcast_x0 = 5;     ///< NOC x, y of the group rectangle's first core ...
inline constexpr unsigned mcast_y0 = 6;
inline constexpr unsigned mcast_x1 = 7;     ///< ... and of its last core
inline constexpr unsigned mcast_y1 = 8;
inline constexpr unsigned peers = 9;        ///< S words, slot order: (NOC x << 16) | NOC y
inline constexpr unsigned count = 9;
}  // namespace wsplit_writer_rt_args

}  // namespace layernorm_fused_rm
