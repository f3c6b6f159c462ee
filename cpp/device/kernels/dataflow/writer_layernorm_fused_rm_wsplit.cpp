// SPDX-License-Identifier: Apache-2.0
//
// Writer of the W-split program (RISCV_0 / BRISC; design and the exchange's ordering proof:
// layernorm_fused_rm_wsplit_program_factory.cpp). Per tile-row of its group it exchanges this slice's partial
// statistics with the other S - 1 cores, then writes the slice of the output sticks. Two exchanges
// (wsplit_exchange in layernorm_fused_rm_kernel_args.hpp):
//   precise kernel (tile_exchange): one round, no arithmetic here. It takes the slice's partials from c_26 (3 Float32
//     tiles, column 0 = the 32 rows: x0, the slice's first element; m, the slice mean of x - x0; M2 about it), stores
//     them as row `my` of the three slot tiles of its group in c_25 (one column per row of the tile-row), multicasts
//     that row of each tile (2 runs of 64 B: face columns 0-15 and 16-31) to the other S - 1 cores of the group's
//     rectangle (the same L1 address on every core), flushes, increments every peer's round-1 semaphore (tile-row
//     parity), waits for S - 1 arrivals and pushes the tile_pages(S) pages of c_25 to the compute kernel, which
//     combines the S rows on its SFPU (layernorm_fused_rm_precise_wsplit.cpp). On the first use of each c_25 half it
//     also writes the constant weight and count tiles and zeroes the slot rows of no slice;
//   FPU kernel: a reduce-scatter then an all-gather in soft float:
//     1. round 1: takes the slice's partials from c_26 (m_i, M2_i tiles; column 0 = the 32 rows), copies them as 64
//        fp32 values into slot `my` of the exchange area (c_25 after its statistics pages, the same L1 address on
//        every core of the group), multicasts the slot to the other S - 1 cores, flushes the writes, increments every
//        peer's round-1 semaphore (tile-row parity), and waits for S - 1 arrivals;
//     2. combine, distributed: this core combines only the rows it owns (R = ceil(32 / S) contiguous rows per core;
//        cores past the last owner own none) from the S partials with the two-pass sum form (compile-time weights):
//            mean = sum_j (n_j / N) m_j,  M2 = sum_j M2_j + sum_j n_j (m_j - mean)^2,  var = M2 / N,  N = W
//        (7 fp32 operations per (row, partial), one division per row);
//     3. round 2: an owner writes its rows' (mean, var) into its block of the result area (after the slots),
//        multicasts the block to the other S - 1 cores, flushes, and increments every peer's round-2 semaphore; every
//        core waits for the other owners' blocks, then copies the 32 rows' statistics into column 0 of c_25 pages 0
//        (mean) and 1 (variance) in the statistics format and pushes the P pages to compute. Owners compute,
//        everyone copies: every core of a group gets bit-identical statistics;
//   output: the Ws untilized tiles of this slice, one chunk of Bc tiles of c_16 at a time (Bc = chunk_tiles, Ws / Bc
//     chunks; c_16 holds one), into the tile-row's sticks.
// Soft-float: the data-movement RISC-Vs (RV32IM) have no FPU, so every fp32 operation here is a libgcc call,
// correctly rounded like the host's SSE float math the emulator runs.
// Fast-math: tt-metal compiles kernels with -ffast-math (tt_metal/jit_build/build.cpp; 0.81.1 adds
// -fno-finite-math-only -fsigned-zeros -fno-associative-math, earlier versions did not), so the compiler may replace
// x / C by x * (1 / C): the FPU kernel's division by W passes through opaque() (below) and stays a division
// (test_dev/op/test_wsplit_fast_math.py).
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
namespace ex = layernorm_fused_rm::wsplit_exchange;

// x unchanged, but opaque to the optimiser: an asm statement that may modify its "+r" operand (GCC manual, Extended
// Asm), so no algebraic identity (reassociation, x - x = 0, a reciprocal of a known divisor) can reach through it.
// Defined behaviour, unlike __attribute__((optimize("no-fast-math"))), which the GCC manual (Common Function
// Attributes, optimize) calls not suitable in production code. No fp32 operation: on the RV32IM data-movement cores
// (ilp32, soft-float) a float already lives in an integer register, so it emits nothing; on the host two register
// moves.
FORCE_INLINE float opaque(float x) {
    asm volatile("" : "+r"(x));
    return x;
}

// Element index of (row r, column c) in a 32x32 tile of four 16x16 faces, face-major.
FORCE_INLINE uint32_t tile_index(uint32_t r, uint32_t c) {
    return ((r / 16) * 2 + c / 16) * 256 + (r % 16) * 16 + c % 16;
}

// Element index of (row r, column 0) (faces 0 and 2 hold column 0).
FORCE_INLINE uint32_t col0_index(uint32_t r) { return tile_index(r, 0); }

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

// Increments semaphore `sem_addr` of every other core of the group (runtime args from wsplit_writer_rt_args::peers:
// their NOC coordinates in slot order) and waits until the increments have left (noc_async_atomic_barrier). The
// caller flushed the data the signal guards (noc_async_write_barrier) before.
template <uint32_t S>
FORCE_INLINE void signal_peers(uint32_t sem_addr, uint32_t my) {
    for (uint32_t j = 0; j < S; ++j) {
        if (j != my) {
            const uint32_t xy = get_arg_val<uint32_t>(layernorm_fused_rm::wsplit_writer_rt_args::peers + j);
            noc_semaphore_inc(get_noc_addr(xy >> 16, xy & 0xffffu, sem_addr), 1);
        }
    }
    noc_async_atomic_barrier();
}

FORCE_INLINE void zero_l1(uint32_t l1, uint32_t bytes) {
    volatile tt_l1_ptr uint32_t* p = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(l1));
    for (uint32_t i = 0; i < bytes / 4; ++i) {
        p[i] = 0;
    }
}

// Row j of the Float32 tile at tile_l1, every column = v.
FORCE_INLINE void fill_row(uint32_t tile_l1, uint32_t j, float v) {
    volatile tt_l1_ptr float* t = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(tile_l1));
    for (uint32_t c = 0; c < 32; ++c) {
        t[tile_index(j, c)] = v;
    }
}

// The output: the slice of the tile-row's `rows` sticks from `stick` on, Ws / Bc chunks of c_16; the last slice's
// last chunk may end inside its last tile (W % 32 != 0): only [.., W) is written.
template <uint32_t Ws, uint32_t Bc, uint32_t chunk_bytes, typename Acc>
FORCE_INLINE void write_slice(const Acc& out_acc, uint32_t stick, uint32_t rows, uint32_t col_offset, uint32_t rest) {
    for (uint32_t c = 0; c < Ws / Bc; ++c) {
        const uint32_t left = rest - c * chunk_bytes;
        const uint32_t bytes = left < chunk_bytes ? left : chunk_bytes;
        cb_wait_front(cb_out_rm, Bc);
        uint32_t l1 = get_read_ptr(cb_out_rm);
        for (uint32_t r = 0; r < rows; ++r) {
            noc_async_write(l1, out_acc.get_noc_addr(stick + r, col_offset + c * chunk_bytes), bytes);
            l1 += chunk_bytes;
        }
        noc_async_write_barrier();
        cb_pop_front(cb_out_rm, Bc);
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
    constexpr bool tile_exchange = get_compile_time_arg_val(ct::tile_exchange) != 0;
    constexpr uint32_t Bc = get_compile_time_arg_val(ct::chunk_tiles);
    static_assert(Bc >= 1 && Ws % Bc == 0, "the output chunk divides the slice");
    constexpr uint32_t chunk_bytes = slice_bytes / (Ws / Bc);  // bytes of one row of a c_16 chunk
    constexpr auto out_args = TensorAccessorArgs<ct::output_accessor>();
    static_assert(S >= 2, "a W-split group has at least 2 cores");
    // Compile-time constants of the combine: n_j, and n_j / N per slice width.
    constexpr float n_full = static_cast<float>(full_cols), n_last = static_cast<float>(last_cols);
    constexpr float w_full = n_full / static_cast<float>(W), w_last = n_last / static_cast<float>(W);

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
    const uint32_t rest = stick_bytes - col_offset;  // bytes of a stick from this slice on

    if constexpr (tile_exchange) {
        constexpr uint32_t G = ex::groups(S);
        static_assert(!tile_exchange || (stats_fp32 && stats_tile_bytes == 4096), "the tile exchange moves Float32 tiles");
        static_assert(!tile_exchange || P == ex::tile_pages(S), "c_25 holds the tile exchange's pages per tile-row");
        const uint32_t row = my % 32, group = my / 32;
        uint32_t stick = start_stick;
        const uint32_t end_stick = start_stick + num_sticks;
        for (uint32_t block = 0; stick < end_stick; ++block) {
            const uint32_t rows = (end_stick - stick) < 32 ? (end_stick - stick) : 32;
            const uint32_t sem_addr = get_semaphore(block & 1u);  // tile-row parity
            volatile tt_l1_ptr uint32_t* sem =
                reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(sem_addr));
            cb_reserve_back(cb_stats, P);
            const uint32_t base = get_write_ptr(cb_stats);
            auto page = [base](uint32_t p) { return base + p * stats_tile_bytes; };
            if (block < 2) {
                // First use of this half: the constant tiles, and the slot rows of no slice zeroed (peers write only
                // rows of slices: disjoint from these).
                for (uint32_t g = 0; g < G; ++g) {
                    for (uint32_t j = 0; j < 32; ++j) {
                        const uint32_t slot = 32 * g + j;
                        const bool last = slot == S - 1;
                        fill_row(page(ex::weight_page(S, g)), j, slot < S ? (last ? w_last : w_full) : 0.0f);
                        fill_row(page(ex::count_page(S, g)), j, slot < S ? (last ? n_last : n_full) : 0.0f);
                        if (slot >= S) {
                            fill_row(page(ex::hi_page(g)), j, 0.0f);
                            fill_row(page(ex::lo_page(g)), j, 0.0f);
                            fill_row(page(ex::m2_page(g)), j, 0.0f);
                        }
                    }
                }
            }
            // This slice's partials, column 0 of c_26 pages 0 (x0), 1 (m), 2 (M2), into row `row` of its group's
            // slot tiles, then that row of each to every other core of the group.
            cb_wait_front(cb_partial, ex::slot_tiles_per_group);
            const uint32_t partial_l1 = get_read_ptr(cb_partial);
            const uint32_t slot_pages[ex::slot_tiles_per_group] = {ex::hi_page(group), ex::lo_page(group),
                                                                   ex::m2_page(group)};
            for (uint32_t k = 0; k < ex::slot_tiles_per_group; ++k) {
                volatile tt_l1_ptr float* dst =
                    reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(page(slot_pages[k])));
                for (uint32_t r = 0; r < 32; ++r) {
                    dst[tile_index(row, r)] = load_stat<true>(partial_l1 + k * stats_tile_bytes, col0_index(r));
                }
            }
            cb_pop_front(cb_partial, ex::slot_tiles_per_group);
            for (uint32_t k = 0; k < ex::slot_tiles_per_group; ++k) {
                for (uint32_t half = 0; half < 2; ++half) {
                    const uint32_t l1 = page(slot_pages[k]) + 4 * tile_index(row, 16 * half);
                    noc_async_write_multicast(l1, get_noc_multicast_addr(x0, y0, x1, y1, l1), ex::tile_run_bytes,
                                              S - 1);
                }
            }
            noc_async_write_barrier();  // the rows have landed everywhere before any peer is told so
            signal_peers<S>(sem_addr, my);
            noc_semaphore_wait(sem, S - 1);
            noc_semaphore_set(sem, 0);
            cb_push_back(cb_stats, P);

            write_slice<Ws, Bc, chunk_bytes>(out_acc, stick, rows, col_offset, rest);
            stick += rows;
        }
        return;
    }

    constexpr uint32_t stats_pages = ex::stats_pages;
    constexpr uint32_t slot_bytes = ex::slot_bytes;
    constexpr uint32_t kSlotFloats = slot_bytes / 4;  // 32 means, 32 M2s
    static_assert(tile_exchange || stats_pages * stats_tile_bytes + ex::area_bytes(S) <= P * stats_tile_bytes,
                  "exchange area too small");
    // Row ownership (round 2).
    constexpr uint32_t R = ex::rows_per_owner(S);
    constexpr uint32_t owners = ex::owners(S);
    constexpr uint32_t block_bytes = ex::result_block_bytes(S);
    constexpr uint32_t kRowFloats = ex::result_floats;  // per row of a result block
    const bool owner = my < owners;
    const uint32_t row0 = owner ? my * R : 32, row1 = owner && (my + 1) * R < 32 ? (my + 1) * R : 32;
    const uint32_t other_owners = owner ? owners - 1 : owners;

    uint32_t stick = start_stick;
    const uint32_t end_stick = start_stick + num_sticks;
    for (uint32_t block = 0; stick < end_stick; ++block) {
        const uint32_t rows = (end_stick - stick) < 32 ? (end_stick - stick) : 32;
        const uint32_t sem1_addr = get_semaphore(block & 1u);        // round 1: semaphores 0, 1
        const uint32_t sem2_addr = get_semaphore(2u + (block & 1u));  // round 2: semaphores 2, 3
        volatile tt_l1_ptr uint32_t* sem1 =
            reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(sem1_addr));
        volatile tt_l1_ptr uint32_t* sem2 =
            reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(sem2_addr));

        // 1. Round 1: this slice's partials into its slot, then to every other core of the group.
        cb_reserve_back(cb_stats, P);
        const uint32_t stats_l1 = get_write_ptr(cb_stats);
        const uint32_t slots_l1 = stats_l1 + stats_pages * stats_tile_bytes;
        const uint32_t result_l1 = slots_l1 + S * slot_bytes;
        const uint32_t my_slot = slots_l1 + my * slot_bytes;
        cb_wait_front(cb_partial, 2);
        const uint32_t partial_l1 = get_read_ptr(cb_partial);
        const uint32_t m2_page = partial_l1 + stats_tile_bytes;
        volatile tt_l1_ptr float* mine = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(my_slot));
        for (uint32_t r = 0; r < 32; ++r) {
            mine[r] = load_stat<stats_fp32>(partial_l1, col0_index(r));
            mine[32 + r] = load_stat<stats_fp32>(m2_page, col0_index(r));
        }
        cb_pop_front(cb_partial, 2);
        noc_async_write_multicast(my_slot, get_noc_multicast_addr(x0, y0, x1, y1, my_slot), slot_bytes, S - 1);
        noc_async_write_barrier();  // the slot has landed everywhere before any peer is told so
        signal_peers<S>(sem1_addr, my);
        noc_semaphore_wait(sem1, S - 1);
        noc_semaphore_set(sem1, 0);

        // 2. The rows this core owns: two-pass sum form over the S partials in slot order (fp32).
        if (owner) {
            const uint32_t my_block = result_l1 + my * block_bytes;
            volatile tt_l1_ptr float* out =
                reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(my_block));
            volatile tt_l1_ptr float* s0 =
                reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(slots_l1));
            for (uint32_t r = row0; r < row1; ++r) {
                volatile tt_l1_ptr float* row_out = out + kRowFloats * (r - row0);
                float mean = 0.0f;
                for (uint32_t j = 0; j < S; ++j) {
                    mean = mean + (j == S - 1 ? w_last : w_full) * s0[j * kSlotFloats + r];
                }
                float m2 = 0.0f;
                for (uint32_t j = 0; j < S; ++j) {
                    const float d = s0[j * kSlotFloats + r] - mean;
                    m2 = m2 + s0[j * kSlotFloats + 32 + r] + (j == S - 1 ? n_last : n_full) * d * d;
                }
                row_out[0] = mean;
                row_out[1] = m2 / opaque(static_cast<float>(W));  // a division (kRowOps), not m2 * (1 / W)
            }
            // 3. Round 2: this core's rows to every other core of the group.
            noc_async_write_multicast(my_block, get_noc_multicast_addr(x0, y0, x1, y1, my_block), block_bytes, S - 1);
            noc_async_write_barrier();  // the block has landed everywhere before any peer is told so
            signal_peers<S>(sem2_addr, my);
        }
        noc_semaphore_wait(sem2, other_owners);
        noc_semaphore_set(sem2, 0);

        // Every core: the 32 rows' (mean, var) from the result area into column 0 of the statistics pages 0 and 1.
        // Their other columns are zeroed on the first use of each half only: later only column 0 changes (peers write
        // the exchange area after them, compute only reads c_25).
        if (block < 2) {
            zero_l1(stats_l1, stats_pages * stats_tile_bytes);
        }
        volatile tt_l1_ptr float* res = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(result_l1));
        for (uint32_t r = 0; r < 32; ++r) {
            const volatile tt_l1_ptr float* row = res + (r / R) * (block_bytes / 4) + kRowFloats * (r % R);
            store_stat<stats_fp32>(stats_l1, col0_index(r), row[0]);
            store_stat<stats_fp32>(stats_l1 + stats_tile_bytes, col0_index(r), row[1]);
        }
        cb_push_back(cb_stats, P);

        // 4. This slice of the output sticks, chunk by chunk.
        write_slice<Ws, Bc, chunk_bytes>(out_acc, stick, rows, col_offset, rest);
        stick += rows;
    }
}
