// SPDX-License-Identifier: Apache-2.0
//
// Writer of the W-split program (RISCV_0 / BRISC; design: layernorm_fused_rm_wsplit_program_factory.cpp). Per
// tile-row of its group:
//   1. exchange: takes this slice's partial statistics from c_26 (m_i tile, M2_i tile; column 0 = the 32 rows),
//      copies them as 64 fp32 values into slot `my` of the exchange area (c_25 pages 2.., the same L1 address on every
//      core of the group), multicasts the slot to the other S - 1 cores of the group's rectangle, flushes the
//      writes, increments every peer's arrival semaphore (tile-row parity), and waits for S - 1 arrivals on its own;
//   2. combine: the S partials row by row with Chan's pairwise update in slot order, var = M2 / W, into c_25 page 0
//      (mean) and page 1 (variance), column 0, in the statistics format; pushes the P pages to compute;
//   3. output: the Ws untilized tiles of c_16 into this slice of the tile-row's sticks.
//
// Compile-time and runtime args: layernorm_fused_rm_kernel_args.hpp (wsplit_writer_ct_args, wsplit_writer_rt_args).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "../layernorm_fused_rm_cb_index.hpp"
#include "../layernorm_fused_rm_kernel_args.hpp"

namespace {
constexpr uint32_t cb_out_rm = layernorm_fused_rm::cb::out_rm;
constexpr uint32_t cb_stats = layernorm_fused_rm::cb::mean;       // c_25: combined statistics + exchange area
constexpr uint32_t cb_partial = layernorm_fused_rm::cb::variance;  // c_26: this slice's partials
constexpr uint32_t kSlotFloats = 64;                              // 32 means, then 32 M2s

// Element index of (row r, column 0) in a 32x32 tile of four 16x16 faces, face-major (faces 0 and 2 hold column 0).
FORCE_INLINE uint32_t col0_index(uint32_t r) { return (r / 16) * 2 * 256 + (r % 16) * 16; }

template <bool fp32>
FORCE_INLINE float load_stat(uint32_t tile_l1, uint32_t idx) {
    if constexpr (fp32) {
        return reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(tile_l1))[idx];
    } else {
        const uint32_t bits =
            uint32_t(reinterpret_cast<volatile tt_l1_ptr uint16_t*>(static_cast<uintptr_t>(tile_l1))[idx]) << 16;
        float f;
        __builtin_memcpy(&f, &bits, 4);
        return f;
    }
}

template <bool fp32>
FORCE_INLINE void store_stat(uint32_t tile_l1, uint32_t idx, float v) {
    if constexpr (fp32) {
        reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(tile_l1))[idx] = v;
    } else {
        uint32_t u;
        __builtin_memcpy(&u, &v, 4);
        u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest even
        reinterpret_cast<volatile tt_l1_ptr uint16_t*>(static_cast<uintptr_t>(tile_l1))[idx] = uint16_t(u >> 16);
    }
}

FORCE_INLINE void zero_l1(uint32_t l1, uint32_t bytes) {
    volatile tt_l1_ptr uint32_t* p = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(l1));
    for (uint32_t i = 0; i < bytes / 4; ++i) {
        p[i] = 0;
    }
}
}  // namespace

void kernel_main() {
    namespace ct = layernorm_fused_rm::wsplit_writer_ct_args;
    namespace rt = layernorm_fused_rm::wsplit_writer_rt_args;
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(ct::stick_bytes);
    constexpr uint32_t Ws = get_compile_time_arg_val(ct::Ws);
    constexpr uint32_t slice_bytes = get_compile_time_arg_val(ct::slice_bytes);
    constexpr uint32_t S = get_compile_time_arg_val(ct::S);
    constexpr uint32_t P = get_compile_time_arg_val(ct::exchange_pages);
    constexpr uint32_t stats_tile_bytes = get_compile_time_arg_val(ct::stats_tile_bytes);
    constexpr bool stats_fp32 = get_compile_time_arg_val(ct::stats_fp32) != 0;
    constexpr uint32_t full_cols = get_compile_time_arg_val(ct::full_slice_cols);
    constexpr uint32_t last_cols = get_compile_time_arg_val(ct::last_slice_cols);
    constexpr uint32_t W = get_compile_time_arg_val(ct::W);
    constexpr auto out_args = TensorAccessorArgs<ct::output_accessor>();
    static_assert(S >= 2, "a W-split group has at least 2 cores");
    static_assert(2 * stats_tile_bytes + S * kSlotFloats * 4 <= P * stats_tile_bytes, "exchange area too small");

    const uint32_t out_addr = get_arg_val<uint32_t>(rt::output_addr);
    const uint32_t num_sticks = get_arg_val<uint32_t>(rt::num_sticks);
    const uint32_t start_stick = get_arg_val<uint32_t>(rt::start_stick);
    const uint32_t col_offset = get_arg_val<uint32_t>(rt::col_offset);
    const uint32_t my = get_arg_val<uint32_t>(rt::slot);
    // A multicast rectangle runs from its start to its end corner on NOC 0 and the other way round on NOC 1.
    const uint32_t x0 = get_arg_val<uint32_t>(noc_index == 0 ? rt::mcast_x0 : rt::mcast_x1);
    const uint32_t y0 = get_arg_val<uint32_t>(noc_index == 0 ? rt::mcast_y0 : rt::mcast_y1);
    const uint32_t x1 = get_arg_val<uint32_t>(noc_index == 0 ? rt::mcast_x1 : rt::mcast_x0);
    const uint32_t y1 = get_arg_val<uint32_t>(noc_index == 0 ? rt::mcast_y1 : rt::mcast_y0);
    const auto out_acc = TensorAccessor(out_args, out_addr);
    const uint32_t rest = stick_bytes - col_offset;
    const uint32_t write_bytes = rest < slice_bytes ? rest : slice_bytes;

    uint32_t stick = start_stick;
    const uint32_t end_stick = start_stick + num_sticks;
    for (uint32_t block = 0; stick < end_stick; ++block) {
        const uint32_t rows = (end_stick - stick) < 32 ? (end_stick - stick) : 32;
        const uint32_t sem_addr = get_semaphore(block & 1u);
        volatile tt_l1_ptr uint32_t* sem = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(sem_addr));

        // 1. This slice's partials into its slot, then to every other core of the group.
        cb_reserve_back(cb_stats, P);
        const uint32_t stats_l1 = get_write_ptr(cb_stats);
        const uint32_t slots_l1 = stats_l1 + 2 * stats_tile_bytes;
        const uint32_t my_slot = slots_l1 + my * kSlotFloats * 4;
        cb_wait_front(cb_partial, 2);
        const uint32_t partial_l1 = get_read_ptr(cb_partial);
        volatile tt_l1_ptr float* mine = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(my_slot));
        for (uint32_t r = 0; r < 32; ++r) {
            mine[r] = load_stat<stats_fp32>(partial_l1, col0_index(r));
            mine[32 + r] = load_stat<stats_fp32>(partial_l1 + stats_tile_bytes, col0_index(r));
        }
        cb_pop_front(cb_partial, 2);
        noc_async_write_multicast(my_slot, get_noc_multicast_addr(x0, y0, x1, y1, my_slot), kSlotFloats * 4, S - 1);
        noc_async_write_barrier();  // the slot has landed everywhere before any peer is told so
        for (uint32_t j = 0; j < S; ++j) {
            if (j != my) {
                const uint32_t xy = get_arg_val<uint32_t>(rt::peers + j);
                noc_semaphore_inc(get_noc_addr(xy >> 16, xy & 0xffffu, sem_addr), 1);
            }
        }
        noc_async_atomic_barrier();
        noc_semaphore_wait(sem, S - 1);
        noc_semaphore_set(sem, 0);

        // 2. Chan's pairwise combination, slot order, fp32; mean and variance in column 0 of pages 0 and 1.
        zero_l1(stats_l1, 2 * stats_tile_bytes);
        for (uint32_t r = 0; r < 32; ++r) {
            volatile tt_l1_ptr float* s0 = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(slots_l1));
            float n = static_cast<float>(full_cols);
            float mean = s0[r];
            float m2 = s0[32 + r];
            for (uint32_t j = 1; j < S; ++j) {
                volatile tt_l1_ptr float* sj = s0 + j * kSlotFloats;
                const float nj = static_cast<float>(j == S - 1 ? last_cols : full_cols);
                const float nn = n + nj;
                const float d = sj[r] - mean;
                mean = mean + d * (nj / nn);
                m2 = m2 + sj[32 + r] + d * d * (n * nj / nn);
                n = nn;
            }
            store_stat<stats_fp32>(stats_l1, col0_index(r), mean);
            store_stat<stats_fp32>(stats_l1 + stats_tile_bytes, col0_index(r), m2 / static_cast<float>(W));
        }
        cb_push_back(cb_stats, P);

        // 3. This slice of the output sticks.
        cb_wait_front(cb_out_rm, Ws);
        uint32_t l1 = get_read_ptr(cb_out_rm);
        for (uint32_t r = 0; r < rows; ++r) {
            noc_async_write(l1, out_acc.get_noc_addr(stick + r, col_offset), write_bytes);
            l1 += slice_bytes;
        }
        noc_async_write_barrier();
        cb_pop_front(cb_out_rm, Ws);
        stick += rows;
    }
}
