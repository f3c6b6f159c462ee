// SPDX-License-Identifier: Apache-2.0
//
// Reader of ttnn.layernorm_fused_rm (RISCV_1 / NCRISC), for the three programs. Generates the reduce-scaler
// and epsilon tiles, then streams the input one tile-row block (32 sticks) at a time, in column chunks of
// Bt tiles (chunk_bytes of every stick). gamma and beta are staged as 32-row row-major blocks (row 0 =
// the vector, rows 1..31 = 0) for the compute kernel to tilize (row-resident), or, with affine_flag::pretiled (the
// streaming and W-split programs), placed by this kernel as row 0 of tiles in c_6 / c_7 (push_vector_tiles).
//   row-resident (passes = 1): one chunk = the whole row; gamma and beta once; every block once.
//   W-split (passes = 1, the "row" being this core's slice, bytes [col_offset, col_offset + Wt 32 elements) of each
//   stick, the last slice's last chunk ending at W): the slice in Wt / Bt chunks (Bt = Wt unless its row-major
//   staging would not fit L1): gamma's chunks as tiles, then beta's, once; every block once, chunk by chunk.
//   streaming (passes = 3): every block is sent three times, chunk by chunk (mean, variance,
//   normalize); in the third pass each x chunk is preceded by its gamma and beta chunks.
//
// Row-major CBs are paged in TILE-SIZED pages: 32 sticks of Bt tiles' width = Bt pages. That is what
// tilize_block counts (tt-metal 0.81 tilize.h; the stick-paged CB was the earlier attempts' hang).
//
// W need not be a multiple of 32: Wt = ceil(W / 32), rows are laid out in L1 with a stride of whole tiles
// and the columns past W stay 0 (c_0 is zeroed once; only [0, W) of a row is ever written). A second,
// partial reduce-scaler tile with only the valid columns set masks them out of the row sums (the layout
// of upstream's kernel_lib fill_each_face_row0_partial).
//
// Compile-time and runtime args: layernorm_fused_rm_kernel_args.hpp (reader_ct_args, reader_rt_args); the
// TensorAccessorArgs of input, gamma and beta follow the plain compile-time args, chained with
// next_compile_time_args_offset(). The scaler and epsilon CBs are bfloat16 whatever the input format.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

#include "../layernorm_fused_rm_cb_index.hpp"
#include "../layernorm_fused_rm_kernel_args.hpp"

namespace {
constexpr uint32_t cb_in_rm = layernorm_fused_rm::cb::in_rm;
constexpr uint32_t cb_scaler = layernorm_fused_rm::cb::scaler;
constexpr uint32_t cb_eps = layernorm_fused_rm::cb::eps;
constexpr uint32_t cb_gamma_rm = layernorm_fused_rm::cb::gamma_rm;
constexpr uint32_t cb_beta_rm = layernorm_fused_rm::cb::beta_rm;
constexpr uint32_t TILE_HW = 32 * 32;
constexpr uint32_t FACE_HW = 16 * 16;

// Fills `words` 32-bit words of L1 starting at l1_addr with `value`.
FORCE_INLINE void fill_l1(uint32_t l1_addr, uint32_t words, uint32_t value) {
    volatile tt_l1_ptr uint32_t* p = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(l1_addr));
    for (uint32_t i = 0; i < words; ++i) {
        p[i] = value;
    }
}

// One bf16 tile in c_<cb>: zero, then row 0 of every face set to the bf16 value in the first
// `valid_cols` columns of the tile (32 = all). That is the reduce-scaler layout of tt-metal 0.81
// api/compute/reduce.h (reduce_init: "populate first row of each face") and, for a partial last tile,
// of kernel_lib/reduce_helpers_dataflow.inl (fill_each_face_row0_partial).
FORCE_INLINE void push_reduce_scaler_tile(uint32_t cb, uint32_t packed_bf16, uint32_t valid_cols) {
    cb_reserve_back(cb, 1);
    const uint32_t l1 = get_write_ptr(cb);
    fill_l1(l1, TILE_HW / 2, 0);
    volatile tt_l1_ptr uint16_t* p = reinterpret_cast<volatile tt_l1_ptr uint16_t*>(static_cast<uintptr_t>(l1));
    const uint16_t value = static_cast<uint16_t>(packed_bf16 & 0xffffu);
    for (uint32_t face = 0; face < 4; ++face) {
        const uint32_t first_col = (face % 2) * 16;  // faces 0, 2: columns 0-15; faces 1, 3: 16-31
        for (uint32_t c = 0; c < 16 && first_col + c < valid_cols; ++c) {
            p[face * FACE_HW + c] = value;
        }
    }
    cb_push_back(cb, 1);
}

// One bf16 tile in c_<cb> with every element set to the bf16 value (read with bcast SCALAR).
FORCE_INLINE void push_scalar_tile(uint32_t cb, uint32_t packed_bf16) {
    cb_reserve_back(cb, 1);
    fill_l1(get_write_ptr(cb), TILE_HW / 2, packed_bf16);
    cb_push_back(cb, 1);
}

// Zeroes the Bt pages at the write pointer of a row-major CB once (c_0, c_4, c_5). Its capacity is one
// chunk, so every later chunk lands on the same L1: what is never written (rows 1..31 of gamma/beta,
// the columns past W) stays 0.
FORCE_INLINE void zero_block(uint32_t cb, uint32_t tiles, uint32_t tile_bytes) {
    cb_reserve_back(cb, tiles);
    fill_l1(get_write_ptr(cb), tiles * tile_bytes / 4, 0);
}

// Bytes of chunk `chunk` that lie inside a stick: chunk_bytes, or less in the last chunk when W is not a
// multiple of the chunk width.
FORCE_INLINE uint32_t chunk_read_bytes(uint32_t stick_bytes, uint32_t chunk_bytes, uint32_t chunk) {
    const uint32_t rest = stick_bytes - chunk * chunk_bytes;
    return rest < chunk_bytes ? rest : chunk_bytes;
}

// Chunk `chunk` of a gamma/beta stick (bytes [chunk * chunk_bytes, +chunk_bytes) of its single page)
// into row 0 of the CB's 32-row block.
template <typename Accessor>
FORCE_INLINE void push_vector_chunk(uint32_t cb, const Accessor& acc, uint32_t tiles, uint32_t col_offset,
                                    uint32_t stick_bytes, uint32_t chunk_bytes, uint32_t chunk) {
    cb_reserve_back(cb, tiles);
    noc_async_read(acc.get_noc_addr(0, col_offset + chunk * chunk_bytes), get_write_ptr(cb),
                   chunk_read_bytes(stick_bytes, chunk_bytes, chunk));
    noc_async_read_barrier();
    cb_push_back(cb, tiles);
}

// Chunk `chunk` of a gamma/beta stick as row 0 of `tiles` tiles of tile_cb (the layout tilize gives row 0: columns
// 0..15 of tile t in face 0 row 0, columns 16..31 in face 1 row 0; tt-metal tiles are 4 row-major 16x16 faces).
// The chunk is read into stage_cb's row-major block (reserved, never pushed: every chunk lands on the same L1, whose
// columns past W zero_block cleared), then copied by this RISC-V. Rows 1..31 of the tiles are not written: the
// compute kernels read row 0 only (unary_bcast<ROW>, *_tiles_bcast_rows).
template <typename Accessor>
FORCE_INLINE void push_vector_tiles(uint32_t stage_cb, uint32_t tile_cb, const Accessor& acc, uint32_t tiles,
                                    uint32_t col_offset, uint32_t stick_bytes, uint32_t chunk_bytes, uint32_t chunk,
                                    uint32_t tile_bytes) {
    cb_reserve_back(stage_cb, tiles);
    const uint32_t stage = get_write_ptr(stage_cb);
    noc_async_read(acc.get_noc_addr(0, col_offset + chunk * chunk_bytes), stage,
                   chunk_read_bytes(stick_bytes, chunk_bytes, chunk));
    noc_async_read_barrier();
    cb_reserve_back(tile_cb, tiles);
    const uint32_t elem_bytes = tile_bytes / TILE_HW;
    const uint32_t half_words = 16 * elem_bytes / 4;  // 16 columns of one face row
    volatile tt_l1_ptr uint32_t* src =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(stage));
    volatile tt_l1_ptr uint32_t* dst =
        reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(get_write_ptr(tile_cb)));
    for (uint32_t t = 0; t < tiles; ++t) {
        for (uint32_t h = 0; h < 2; ++h) {
            volatile tt_l1_ptr uint32_t* d = dst + (t * tile_bytes + h * 256 * elem_bytes) / 4;
            volatile tt_l1_ptr uint32_t* s = src + (t * 32 + h * 16) * elem_bytes / 4;
            for (uint32_t i = 0; i < half_words; ++i) {
                d[i] = s[i];
            }
        }
    }
    cb_push_back(tile_cb, tiles);
}

// Zeroes bytes [from, to) of L1 (2-byte aligned: a bf16 or fp32 element boundary), 16 bits at a time.
FORCE_INLINE void zero_l1_halfwords(uint32_t l1_addr, uint32_t from, uint32_t to) {
    volatile tt_l1_ptr uint16_t* p = reinterpret_cast<volatile tt_l1_ptr uint16_t*>(static_cast<uintptr_t>(l1_addr));
    for (uint32_t i = from / 2; i < to / 2; ++i) {
        p[i] = 0;
    }
}

// Chunk `chunk` of `rows` sticks starting at `stick` into one row-major block of c_0 (row stride
// chunk_bytes). The rows past the end of the tensor in a partial last block are not read: they keep stale
// data, which the row-wise math never mixes into valid rows and the writer never writes back.
// zero_tail (chunked W-split slices): the columns of a partial chunk past W are zeroed in every row read, as
// the earlier chunks of the row left their own columns there (c_0 holds one chunk); the precise kernels' slice
// sums of x (m1) take every column of the last tile, and zero keeps m1 the mean of the valid columns.
template <typename Accessor>
FORCE_INLINE void push_input_chunk(const Accessor& acc, uint32_t stick, uint32_t rows, uint32_t tiles,
                                   uint32_t col_offset, uint32_t stick_bytes, uint32_t chunk_bytes, uint32_t chunk,
                                   bool zero_tail = false) {
    cb_reserve_back(cb_in_rm, tiles);
    uint32_t l1 = get_write_ptr(cb_in_rm);
    const uint32_t bytes = chunk_read_bytes(stick_bytes, chunk_bytes, chunk);
    const bool tail = zero_tail && bytes < chunk_bytes;
    for (uint32_t r = 0; r < rows; ++r) {
        noc_async_read(acc.get_noc_addr(stick + r, col_offset + chunk * chunk_bytes), l1, bytes);
        if (tail) {
            zero_l1_halfwords(l1, bytes, chunk_bytes);
        }
        l1 += chunk_bytes;
    }
    noc_async_read_barrier();
    cb_push_back(cb_in_rm, tiles);
}
}  // namespace

void kernel_main() {
    namespace ct = layernorm_fused_rm::reader_ct_args;
    namespace rt = layernorm_fused_rm::reader_rt_args;
    namespace affine_flag = layernorm_fused_rm::affine_flag;
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(ct::stick_bytes);
    constexpr uint32_t Wt = get_compile_time_arg_val(ct::Wt);
    constexpr uint32_t Bt = get_compile_time_arg_val(ct::Bt);
    constexpr uint32_t passes = get_compile_time_arg_val(ct::passes);
    constexpr uint32_t chunk_bytes = get_compile_time_arg_val(ct::chunk_bytes);
    constexpr bool has_gamma = (get_compile_time_arg_val(ct::affine_flags) & affine_flag::gamma) != 0;
    constexpr bool has_beta = (get_compile_time_arg_val(ct::affine_flags) & affine_flag::beta) != 0;
    constexpr uint32_t last_tile_cols = get_compile_time_arg_val(ct::last_tile_cols);
    constexpr uint32_t tile_bytes = get_compile_time_arg_val(ct::tile_bytes);
    constexpr uint32_t chunks = Wt / Bt;
    static_assert(Wt % Bt == 0, "chunk width must divide Wt");
    static_assert(passes == 1 || passes == 3, "1 pass (row-resident) or 3 (streaming)");
    static_assert(last_tile_cols >= 1 && last_tile_cols <= 32, "valid columns of the last tile: 1..32");
    constexpr auto in_args = TensorAccessorArgs<ct::input_accessor>();
    constexpr auto gamma_args = TensorAccessorArgs<in_args.next_compile_time_args_offset()>();
    constexpr auto beta_args = TensorAccessorArgs<gamma_args.next_compile_time_args_offset()>();

    const uint32_t in_addr = get_arg_val<uint32_t>(rt::input_addr);
    const uint32_t gamma_addr = get_arg_val<uint32_t>(rt::gamma_addr);
    const uint32_t beta_addr = get_arg_val<uint32_t>(rt::beta_addr);
    const uint32_t num_sticks = get_arg_val<uint32_t>(rt::num_sticks);
    const uint32_t start_stick = get_arg_val<uint32_t>(rt::start_stick);
    const uint32_t scaler_packed = get_arg_val<uint32_t>(rt::scaler);
    const uint32_t eps_packed = get_arg_val<uint32_t>(rt::eps);
    const uint32_t col_offset = get_arg_val<uint32_t>(rt::col_offset);
    const uint32_t row_bytes = stick_bytes - col_offset;

    const auto in_acc = TensorAccessor(in_args, in_addr);
    const auto gamma_acc = TensorAccessor(gamma_args, gamma_addr);
    const auto beta_acc = TensorAccessor(beta_args, beta_addr);
    constexpr bool pretiled = (get_compile_time_arg_val(ct::affine_flags) & affine_flag::pretiled) != 0;
    // Chunk c of gamma / beta (when given): tiles of c_6 / c_7, or row-major blocks of c_4 / c_5 to tilize.
    auto push_gamma = [&](uint32_t c) {
        if constexpr (has_gamma) {
            if constexpr (pretiled) {
                push_vector_tiles(cb_gamma_rm, layernorm_fused_rm::cb::gamma_tiled, gamma_acc, Bt, col_offset,
                                  row_bytes, chunk_bytes, c, tile_bytes);
            } else {
                push_vector_chunk(cb_gamma_rm, gamma_acc, Bt, col_offset, row_bytes, chunk_bytes, c);
            }
        }
    };
    auto push_beta = [&](uint32_t c) {
        if constexpr (has_beta) {
            if constexpr (pretiled) {
                push_vector_tiles(cb_beta_rm, layernorm_fused_rm::cb::beta_tiled, beta_acc, Bt, col_offset, row_bytes,
                                  chunk_bytes, c, tile_bytes);
            } else {
                push_vector_chunk(cb_beta_rm, beta_acc, Bt, col_offset, row_bytes, chunk_bytes, c);
            }
        }
    };

    push_reduce_scaler_tile(cb_scaler, scaler_packed, 32);
    if constexpr (last_tile_cols < 32) {
        push_reduce_scaler_tile(cb_scaler, scaler_packed, last_tile_cols);
    }
    push_scalar_tile(cb_eps, eps_packed);
    zero_block(cb_in_rm, Bt, tile_bytes);
    if constexpr (has_gamma) {
        zero_block(cb_gamma_rm, Bt, tile_bytes);
    }
    if constexpr (has_beta) {
        zero_block(cb_beta_rm, Bt, tile_bytes);
    }
    if constexpr (passes == 1) {
        // Row-resident: one chunk (the compute kernel tilizes it into c_6, c_7). W-split: every chunk of gamma, then
        // of beta, placed in that order as the tiles of the persistent c_6, c_7.
        for (uint32_t c = 0; c < chunks; ++c) {
            push_gamma(c);
        }
        for (uint32_t c = 0; c < chunks; ++c) {
            push_beta(c);
        }
    }

    uint32_t stick = start_stick;
    const uint32_t end_stick = start_stick + num_sticks;
    while (stick < end_stick) {
        const uint32_t rows = (end_stick - stick) < 32 ? (end_stick - stick) : 32;
        if constexpr (passes == 1) {
            for (uint32_t c = 0; c < chunks; ++c) {
                push_input_chunk(in_acc, stick, rows, Bt, col_offset, row_bytes, chunk_bytes, c, chunks > 1);
            }
        } else {
            for (uint32_t pass = 0; pass < 2; ++pass) {
                for (uint32_t c = 0; c < chunks; ++c) {
                    push_input_chunk(in_acc, stick, rows, Bt, col_offset, row_bytes, chunk_bytes, c);
                }
            }
            for (uint32_t c = 0; c < chunks; ++c) {
                push_gamma(c);
                push_beta(c);
                push_input_chunk(in_acc, stick, rows, Bt, col_offset, row_bytes, chunk_bytes, c);
            }
        }
        stick += rows;
    }
}
