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
/// layernorm_fused_rm_wsplit_program_factory.cpp), shared by the factory (c_25 sizing), the writer and the precise
/// compute kernel. Two exchanges:
/// FPU kernel (soft-float combine on the writer, wsplit_writer_ct_args::tile_exchange = 0): c_25 starts with stats_pages(false) = 2 statistics
/// tiles (mean, variance). Round 1: each of the S cores of a group sends a slot of slot_bytes (its 32 slice means and
/// 32 slice M2s, fp32). Round 2: core k owns rows [k R, min(32, (k + 1) R)) of the tile-row, R = rows_per_owner(S) =
/// ceil(32 / S), so the first owners(S) = ceil(32 / R) cores own rows (<= S; e.g. S = 9: R = 4, 8 owners; S = 64:
/// R = 1, 32 owners); owner k sends block k of the result area: its rows' (mean, variance) as fp32, 8 B per row, the
/// block padded to 16 B so every block starts 16-byte aligned (the L1 alignment of NOC transfers, pessimistic for
/// L1 -> L1).
/// Precise kernel (tile exchange, tile_exchange = 1, combined by the compute kernel on the SFPU): c_25 holds only Float32 tiles,
/// tile_pages(S) per tile-row, in groups of 32 slots (groups(S) = ceil(S / 32)): for group g the slot tiles
/// hi_page(g) (row j: the first element x0 of slice 32 g + j, one column per row of the tile-row), lo_page(g) (row j:
/// that slice's mean of x - x0) and m2_page(g) (row j: its M2), then the constant tiles weight_page(S, g) (row j:
/// n_j / W, every column) and count_page(S, g) (row j: n_j), n_j the slice's valid columns, 0 in the rows of no
/// slice. Each core writes its own row of the three slot tiles and multicasts it (per tile: 2 runs of 64 B, face
/// columns 0-15 and 16-31) to the other S - 1 cores; one round, no result area.
namespace wsplit_exchange {
// ---- the FPU kernel's exchange ----
inline constexpr unsigned slot_bytes = 256;  ///< bytes of one core's round-1 partials
inline constexpr unsigned stats_pages = 2;   ///< statistics tiles at the start of each c_25 half
inline constexpr unsigned rows_per_owner(unsigned S) { return (32 + S - 1) / S; }
inline constexpr unsigned owners(unsigned S) { return (32 + rows_per_owner(S) - 1) / rows_per_owner(S); }
inline constexpr unsigned result_floats = 2;  ///< fp32 values per row of a round-2 block: mean, variance
inline constexpr unsigned result_block_bytes(unsigned S) { return (4 * result_floats * rows_per_owner(S) + 15) / 16 * 16; }
/// Bytes of the round-2 result area: owners(S) blocks (at most 32 x 16 = 512).
inline constexpr unsigned result_bytes(unsigned S) { return owners(S) * result_block_bytes(S); }
/// Bytes of the exchange area after the statistics pages of c_25: the S slots, then the result area.
inline constexpr unsigned area_bytes(unsigned S) { return S * slot_bytes + result_bytes(S); }
// ---- the precise kernel's tile exchange ----
/// Slot groups: 32 slots (the rows of a tile) per group.
inline constexpr unsigned groups(unsigned S) { return (S + 31) / 32; }
inline constexpr unsigned slot_tiles_per_group = 3;  ///< hi, lo, M2
inline constexpr unsigned hi_page(unsigned g) { return slot_tiles_per_group * g; }
inline constexpr unsigned lo_page(unsigned g) { return slot_tiles_per_group * g + 1; }
inline constexpr unsigned m2_page(unsigned g) { return slot_tiles_per_group * g + 2; }
inline constexpr unsigned weight_page(unsigned S, unsigned g) { return slot_tiles_per_group * groups(S) + g; }
inline constexpr unsigned count_page(unsigned S, unsigned g) { return (slot_tiles_per_group + 1) * groups(S) + g; }
/// Pages of c_25 per tile-row (one half): 5 per group.
inline constexpr unsigned tile_pages(unsigned S) { return (slot_tiles_per_group + 2) * groups(S); }
/// NOC writes per peer and tile-row: 2 runs of 64 B (face columns 0-15, 16-31) of each of the 3 slot tiles.
inline constexpr unsigned tile_runs = 2 * slot_tiles_per_group;
inline constexpr unsigned tile_run_bytes = 64;
}  // namespace wsplit_exchange

/// W-split compute kernels (compute/layernorm_fused_rm_wsplit.cpp, FPU; layernorm_fused_rm_precise_wsplit.cpp,
/// precise): compute_ct_args with Wt = the slice's tiles Ws (inv_w_bits: 1 / W of the whole row), then these.
namespace wsplit_compute_ct_args {
/// P, pages of c_25 per tile-row: FPU kernel the statistics pages and exchange area; precise kernel
/// wsplit_exchange::tile_pages(S)
inline constexpr unsigned exchange_pages = compute_ct_args::count;
/// Bc: tiles per row-major staging chunk (c_0, c_4, c_5, c_16 hold Bc pages; divides Ws; Ws = unchunked)
inline constexpr unsigned chunk_tiles = exchange_pages + 1;
/// Precise kernel: 1 when the input is FLOAT32 (x - x0 on the SFPU, 3 bf16 parts per row sum), 0 bfloat16 (x - x0
/// by the FPU, 2 parts; the combine ends with mean - x0 of the slice).
inline constexpr unsigned fp32_input = chunk_tiles + 1;
inline constexpr unsigned count = fp32_input + 1;
}  // namespace wsplit_compute_ct_args

/// W-split compute runtime args (per core).
namespace wsplit_compute_rt_args {
inline constexpr unsigned num_blocks = 0;        ///< tile-rows this core's group computes
inline constexpr unsigned inv_w_slice_bits = 1;  ///< 1 / (valid columns of this core's slice) as float32 bits
inline constexpr unsigned partial_last_tile = 2; ///< 1 when this slice ends in a partial tile (last slice, W % 32)
inline constexpr unsigned eps_bits = 3;          ///< epsilon as float32 bits (precise kernel; the FPU kernel reads c_3)
inline constexpr unsigned count = 4;             ///< both W-split kernels' runtime args
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
/// 1: the precise kernel's tile exchange (wsplit_exchange), combined by the compute kernel; 0: the FPU kernel's
/// exchange, combined here in soft float
inline constexpr unsigned tile_exchange = 10;
inline constexpr unsigned chunk_tiles = 11;      ///< Bc: tiles per c_16 chunk (divides Ws; Ws = the whole slice)
inline constexpr unsigned count = 12;
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
