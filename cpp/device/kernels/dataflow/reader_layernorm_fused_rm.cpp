// SPDX-License-Identifier: Apache-2.0
//
// Reader of ttnn.layernorm_fused_rm (RISCV_1 / NCRISC). Generates the reduce-scaler and epsilon tiles,
// stages gamma and beta as 32-row row-major blocks (row 0 = the vector, rows 1..31 = 0) for the compute
// kernel to tilize once, then streams the input one tile-row block (32 sticks) at a time.
//
// Row-major CBs are paged in TILE-SIZED pages: 32 sticks of Wt tiles' width = Wt pages. That is what
// tilize_block counts (tt-metal 0.81 tilize.h; the stick-paged CB was the earlier attempts' hang).
//
// Compile-time args: 0 stick_bytes (W * element size), 1 Wt (tiles per row), 2.. TensorAccessorArgs of
// input, then gamma, then beta (chained with next_compile_time_args_offset()).
// Runtime args: 0 input address, 1 gamma address, 2 beta address, 3 number of sticks for this core,
// 4 first stick id, 5 reduce scaler (bf16 in both halves), 6 epsilon (bf16 in both halves).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

#include "../layernorm_fused_rm_cb_index.hpp"

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

// One bf16 tile in c_<cb>: zero, then the first row of every face set to the bf16 value. That is the
// reduce-scaler layout documented in tt-metal 0.81 api/compute/reduce.h (reduce_init).
FORCE_INLINE void push_reduce_scaler_tile(uint32_t cb, uint32_t packed_bf16) {
    cb_reserve_back(cb, 1);
    const uint32_t l1 = get_write_ptr(cb);
    fill_l1(l1, TILE_HW / 2, 0);
    for (uint32_t face = 0; face < 4; ++face) {
        fill_l1(l1 + face * FACE_HW * 2, 16 / 2, packed_bf16);
    }
    cb_push_back(cb, 1);
}

// One bf16 tile in c_<cb> with every element set to the bf16 value (read with bcast SCALAR).
FORCE_INLINE void push_scalar_tile(uint32_t cb, uint32_t packed_bf16) {
    cb_reserve_back(cb, 1);
    fill_l1(get_write_ptr(cb), TILE_HW / 2, packed_bf16);
    cb_push_back(cb, 1);
}

// gamma / beta: one stick of W values into row 0 of a 32-row block of Wt tile-sized pages, rows 1..31 zero.
template <typename Accessor>
FORCE_INLINE void push_vector_block(uint32_t cb, const Accessor& acc, uint32_t stick_bytes, uint32_t Wt) {
    cb_reserve_back(cb, Wt);
    const uint32_t l1 = get_write_ptr(cb);
    fill_l1(l1, Wt * TILE_HW / 2, 0);
    noc_async_read(acc.get_noc_addr(0), l1, stick_bytes);
    noc_async_read_barrier();
    cb_push_back(cb, Wt);
}
}  // namespace

void kernel_main() {
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(0);
    constexpr uint32_t Wt = get_compile_time_arg_val(1);
    constexpr auto in_args = TensorAccessorArgs<2>();
    constexpr auto gamma_args = TensorAccessorArgs<in_args.next_compile_time_args_offset()>();
    constexpr auto beta_args = TensorAccessorArgs<gamma_args.next_compile_time_args_offset()>();

    const uint32_t in_addr = get_arg_val<uint32_t>(0);
    const uint32_t gamma_addr = get_arg_val<uint32_t>(1);
    const uint32_t beta_addr = get_arg_val<uint32_t>(2);
    const uint32_t num_sticks = get_arg_val<uint32_t>(3);
    const uint32_t start_stick = get_arg_val<uint32_t>(4);
    const uint32_t scaler_packed = get_arg_val<uint32_t>(5);
    const uint32_t eps_packed = get_arg_val<uint32_t>(6);

    const auto in_acc = TensorAccessor(in_args, in_addr);
    const auto gamma_acc = TensorAccessor(gamma_args, gamma_addr);
    const auto beta_acc = TensorAccessor(beta_args, beta_addr);

    push_reduce_scaler_tile(cb_scaler, scaler_packed);
    push_scalar_tile(cb_eps, eps_packed);
    push_vector_block(cb_gamma_rm, gamma_acc, stick_bytes, Wt);
    push_vector_block(cb_beta_rm, beta_acc, stick_bytes, Wt);

    // Input: one tile-row block (32 sticks) per push. The last block may be partial: only the sticks
    // that exist are read; the rows past the end keep stale data, which the row-wise math never mixes
    // into valid rows and the writer never writes back.
    uint32_t stick = start_stick;
    const uint32_t end_stick = start_stick + num_sticks;
    while (stick < end_stick) {
        const uint32_t rows = (end_stick - stick) < 32 ? (end_stick - stick) : 32;
        cb_reserve_back(cb_in_rm, Wt);
        uint32_t l1 = get_write_ptr(cb_in_rm);
        for (uint32_t r = 0; r < rows; ++r) {
            noc_async_read(in_acc.get_noc_addr(stick + r), l1, stick_bytes);
            l1 += stick_bytes;
        }
        noc_async_read_barrier();
        cb_push_back(cb_in_rm, Wt);
        stick += rows;
    }
}
