// SPDX-License-Identifier: Apache-2.0
//
// Writer of ttnn.layernorm_fused_rm (RISCV_0 / BRISC), for both programs. Takes one untilized chunk of a
// tile-row block (Bt tile-sized pages = 32 rows of chunk_bytes) from c_16 at a time and writes it into
// the sticks that exist: rows past the end of the tensor in a partial last block are never written, nor
// the padding columns past W in the last tile.
// Row-resident: one chunk = the whole row.
//
// Compile-time args: 0 stick_bytes, 1 Wt, 2 Bt (chunk tiles), 3 chunk_bytes, 4.. TensorAccessorArgs of
// the output. Runtime args: 0 output address, 1 number of sticks for this core, 2 first stick id.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "../layernorm_fused_rm_cb_index.hpp"

void kernel_main() {
    constexpr uint32_t cb_out_rm = layernorm_fused_rm::cb::out_rm;
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(0);
    constexpr uint32_t Wt = get_compile_time_arg_val(1);
    constexpr uint32_t Bt = get_compile_time_arg_val(2);
    constexpr uint32_t chunk_bytes = get_compile_time_arg_val(3);
    constexpr uint32_t chunks = Wt / Bt;
    constexpr auto out_args = TensorAccessorArgs<4>();

    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_sticks = get_arg_val<uint32_t>(1);
    const uint32_t start_stick = get_arg_val<uint32_t>(2);
    const auto out_acc = TensorAccessor(out_args, out_addr);

    uint32_t stick = start_stick;
    const uint32_t end_stick = start_stick + num_sticks;
    while (stick < end_stick) {
        const uint32_t rows = (end_stick - stick) < 32 ? (end_stick - stick) : 32;
        for (uint32_t c = 0; c < chunks; ++c) {
            // The last chunk may end inside its last tile (W not a multiple of 32): write only [.., W).
            const uint32_t rest = stick_bytes - c * chunk_bytes;
            const uint32_t bytes = rest < chunk_bytes ? rest : chunk_bytes;
            cb_wait_front(cb_out_rm, Bt);
            uint32_t l1 = get_read_ptr(cb_out_rm);
            for (uint32_t r = 0; r < rows; ++r) {
                noc_async_write(l1, out_acc.get_noc_addr(stick + r, c * chunk_bytes), bytes);
                l1 += chunk_bytes;
            }
            noc_async_write_barrier();
            cb_pop_front(cb_out_rm, Bt);
        }
        stick += rows;
    }
}
