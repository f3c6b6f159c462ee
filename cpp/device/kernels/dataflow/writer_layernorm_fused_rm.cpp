// SPDX-License-Identifier: Apache-2.0
//
// Writer of ttnn.layernorm_fused_rm (RISCV_0 / BRISC), for both programs. Takes one untilized chunk of a
// tile-row block (Bt tile-sized pages = 32 rows of chunk_bytes) from c_16 at a time and writes it into
// the sticks that exist: rows past the end of the tensor in a partial last block are never written, nor
// the padding columns past W in the last tile.
// Row-resident: one chunk = the whole row.
//
// Compile-time and runtime args: layernorm_fused_rm_kernel_args.hpp (writer_ct_args, writer_rt_args); the
// output's TensorAccessorArgs follow the plain compile-time args.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "../layernorm_fused_rm_cb_index.hpp"
#include "../layernorm_fused_rm_kernel_args.hpp"

void kernel_main() {
    constexpr uint32_t cb_out_rm = layernorm_fused_rm::cb::out_rm;
    namespace ct = layernorm_fused_rm::writer_ct_args;
    namespace rt = layernorm_fused_rm::writer_rt_args;
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(ct::stick_bytes);
    constexpr uint32_t Wt = get_compile_time_arg_val(ct::Wt);
    constexpr uint32_t Bt = get_compile_time_arg_val(ct::Bt);
    constexpr uint32_t chunk_bytes = get_compile_time_arg_val(ct::chunk_bytes);
    constexpr uint32_t chunks = Wt / Bt;
    constexpr auto out_args = TensorAccessorArgs<ct::output_accessor>();

    const uint32_t out_addr = get_arg_val<uint32_t>(rt::output_addr);
    const uint32_t num_sticks = get_arg_val<uint32_t>(rt::num_sticks);
    const uint32_t start_stick = get_arg_val<uint32_t>(rt::start_stick);
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
