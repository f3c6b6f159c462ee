// SPDX-License-Identifier: Apache-2.0
//
// Writer of ttnn.layernorm_fused_rm (RISCV_0 / BRISC). Takes one untilized tile-row block (Wt tile-sized
// pages = 32 sticks) from c_16 and writes back only the sticks that exist: rows past the end of the
// tensor in a partial last block are never written.
//
// Compile-time args: 0 stick_bytes, 1 Wt, 2.. TensorAccessorArgs of the output.
// Runtime args: 0 output address, 1 number of sticks for this core, 2 first stick id.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "../layernorm_fused_rm_cb_index.hpp"

void kernel_main() {
    constexpr uint32_t cb_out_rm = layernorm_fused_rm::cb::out_rm;
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(0);
    constexpr uint32_t Wt = get_compile_time_arg_val(1);
    constexpr auto out_args = TensorAccessorArgs<2>();

    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_sticks = get_arg_val<uint32_t>(1);
    const uint32_t start_stick = get_arg_val<uint32_t>(2);
    const auto out_acc = TensorAccessor(out_args, out_addr);

    uint32_t stick = start_stick;
    const uint32_t end_stick = start_stick + num_sticks;
    while (stick < end_stick) {
        const uint32_t rows = (end_stick - stick) < 32 ? (end_stick - stick) : 32;
        cb_wait_front(cb_out_rm, Wt);
        uint32_t l1 = get_read_ptr(cb_out_rm);
        for (uint32_t r = 0; r < rows; ++r) {
            noc_async_write(l1, out_acc.get_noc_addr(stick + r), stick_bytes);
            l1 += stick_bytes;
        }
        noc_async_write_barrier();
        cb_pop_front(cb_out_rm, Wt);
        stick += rows;
    }
}
