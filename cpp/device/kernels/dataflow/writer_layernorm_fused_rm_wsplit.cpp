// SPDX-License-Identifier: Apache-2.0
//
// Writer of the W-split program (RISCV_0 / BRISC; design and the exchange's ordering proof:
// layernorm_fused_rm_wsplit_program_factory.cpp). Per tile-row of its group, a reduce-scatter then an all-gather of
// the row statistics:
//   1. round 1: takes this slice's partial statistics from c_26 (m_i tile, with mean_lo the m_i lo tile, M2_i
//      tile; column 0 = the 32 rows), copies them as 64 fp32 values (96 with mean_lo) into slot `my` of the
//      exchange area (c_25 after its statistics pages, the same L1 address on every core of the group),
//      multicasts the slot to the other S - 1 cores of the group's rectangle, flushes the writes, increments every
//      peer's round-1 semaphore (tile-row parity), and waits for S - 1 arrivals;
//   2. combine, distributed: this core combines only the rows it owns (wsplit_exchange in
//      layernorm_fused_rm_kernel_args.hpp: R = ceil(32 / S) contiguous rows per core; cores past the last owner own
//      none) from the S partials with the two-pass sum form (compile-time weights, no division per partial), on the
//      slice means relative to K (with mean_lo slot 0's mean hi, else 0), d_j = (hi_j - K) + lo_j (hi_j - K is exact
//      when hi_j is within a factor 2 of K, Sterbenz; else the d_j are of the size of the spread), so with mean_lo
//      the mean keeps fp32 accuracy of the spread, not of |mean|:
//          d = sum_j (n_j / N) d_j,  M2 = sum_j M2_j + sum_j n_j (d_j - d)^2,  var = M2 / N,  N = W,
//      7 fp32 operations per (row, partial) (13 with mean_lo, whose M2 sum is compensated) and one division per row;
//   3. round 2: an owner writes its rows' (mean, var) into its block of the result area (after the slots), multicasts
//      the block to the other S - 1 cores, flushes, and increments every peer's round-2 semaphore; every core waits
//      for the other owners' blocks, then copies the 32 rows' statistics into column 0 of c_25 page 0 (d; with
//      mean_lo K), page 1 (variance) and, with mean_lo, page 2 (d) in the statistics format and pushes the P pages to
//      compute (K from its own copy of slot 0). Owners compute, everyone copies: every core of a group gets
//      bit-identical statistics;
//   4. output: the Ws untilized tiles of this slice, one chunk of Bc tiles of c_16 at a time (Bc = chunk_tiles,
//      Ws / Bc chunks; c_16 holds one), into the tile-row's sticks.
// Soft-float: the data-movement RISC-Vs (RV32IM) have no FPU, so every fp32 operation here is a libgcc call,
// correctly rounded like the host's SSE float math the emulator runs.
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
    constexpr bool mean_lo = get_compile_time_arg_val(ct::mean_lo) != 0;
    constexpr uint32_t Bc = get_compile_time_arg_val(ct::chunk_tiles);
    static_assert(Bc >= 1 && Ws % Bc == 0, "the output chunk divides the slice");
    constexpr uint32_t chunk_bytes = slice_bytes / (Ws / Bc);  // bytes of one row of a c_16 chunk
    constexpr uint32_t partial_pages = mean_lo ? 3 : 2;  // c_26: m hi, (m lo,) M2
    constexpr uint32_t stats_pages = ex::stats_pages(mean_lo);
    constexpr uint32_t slot_bytes = ex::slot_bytes_of(mean_lo);
    constexpr uint32_t kSlotFloats = slot_bytes / 4;  // 32 means (hi), 32 M2s (, 32 mean lo parts)
    constexpr auto out_args = TensorAccessorArgs<ct::output_accessor>();
    static_assert(S >= 2, "a W-split group has at least 2 cores");
    static_assert(stats_pages * stats_tile_bytes + ex::area_bytes(S, mean_lo) <= P * stats_tile_bytes,
                  "exchange area too small");
    // Row ownership (round 2) and the combine's compile-time constants: n_j / N per slice width.
    constexpr uint32_t R = ex::rows_per_owner(S);
    constexpr uint32_t owners = ex::owners(S);
    constexpr uint32_t block_bytes = ex::result_block_bytes(S);
    constexpr float n_full = static_cast<float>(full_cols), n_last = static_cast<float>(last_cols);
    constexpr float w_full = n_full / static_cast<float>(W), w_last = n_last / static_cast<float>(W);

    const uint32_t out_addr = get_arg_val<uint32_t>(rt::output_addr);
    const uint32_t num_sticks = get_arg_val<uint32_t>(rt::num_sticks);
    const uint32_t start_stick = get_arg_val<uint32_t>(rt::start_stick);
    const uint32_t col_offset = get_arg_val<uint32_t>(rt::col_offset);
    const uint32_t my = get_arg_val<uint32_t>(rt::slot);
    const bool owner = my < owners;
    const uint32_t row0 = owner ? my * R : 32, row1 = owner && (my + 1) * R < 32 ? (my + 1) * R : 32;
    const uint32_t other_owners = owner ? owners - 1 : owners;
    // A multicast rectangle runs from its start to its end corner on NOC 0 and the other way round on NOC 1.
    const uint32_t x0 = get_arg_val<uint32_t>(noc_index == 0 ? rt::mcast_x0 : rt::mcast_x1);
    const uint32_t y0 = get_arg_val<uint32_t>(noc_index == 0 ? rt::mcast_y0 : rt::mcast_y1);
    const uint32_t x1 = get_arg_val<uint32_t>(noc_index == 0 ? rt::mcast_x1 : rt::mcast_x0);
    const uint32_t y1 = get_arg_val<uint32_t>(noc_index == 0 ? rt::mcast_y1 : rt::mcast_y0);
    const auto out_acc = TensorAccessor(out_args, out_addr);
    const uint32_t rest = stick_bytes - col_offset;  // bytes of a stick from this slice on

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
        cb_wait_front(cb_partial, partial_pages);
        const uint32_t partial_l1 = get_read_ptr(cb_partial);
        const uint32_t m2_page = partial_l1 + (partial_pages - 1) * stats_tile_bytes;
        volatile tt_l1_ptr float* mine = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(my_slot));
        for (uint32_t r = 0; r < 32; ++r) {
            mine[r] = load_stat<stats_fp32>(partial_l1, col0_index(r));
            mine[32 + r] = load_stat<stats_fp32>(m2_page, col0_index(r));
            if constexpr (mean_lo) {
                mine[64 + r] = load_stat<stats_fp32>(partial_l1 + stats_tile_bytes, col0_index(r));
            }
        }
        cb_pop_front(cb_partial, partial_pages);
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
                const float K = mean_lo ? s0[r] : 0.0f;  // K = 0: the FPU kernel's plain form
                auto d_of = [&](uint32_t j) {
                    const float d = s0[j * kSlotFloats + r] - K;
                    return mean_lo ? d + s0[j * kSlotFloats + 64 + r] : d;
                };
                float mean = 0.0f;
                for (uint32_t j = 0; j < S; ++j) {
                    mean = mean + (j == S - 1 ? w_last : w_full) * d_of(j);
                }
                float m2 = 0.0f, m2_err = 0.0f;
                for (uint32_t j = 0; j < S; ++j) {
                    const float d = d_of(j) - mean;
                    if constexpr (mean_lo) {
                        // Compensated (Neumaier) sum: with S up to 64 terms, plain fp32 sums lose up to S / 2
                        // roundings of M2, more than the precise kernels' error budget (3e-7 of the row scale).
                        const float term = s0[j * kSlotFloats + 32 + r] + (j == S - 1 ? n_last : n_full) * d * d;
                        const float t = m2 + term;
                        m2_err = m2_err + ((m2 >= term ? m2 - t : term - t) + (m2 >= term ? term : m2));
                        m2 = t;
                    } else {
                        m2 = m2 + s0[j * kSlotFloats + 32 + r] + (j == S - 1 ? n_last : n_full) * d * d;
                    }
                }
                m2 = m2 + m2_err;
                out[2 * (r - row0)] = mean;
                out[2 * (r - row0) + 1] = m2 / static_cast<float>(W);
            }
            // 3. Round 2: this core's rows to every other core of the group.
            noc_async_write_multicast(my_block, get_noc_multicast_addr(x0, y0, x1, y1, my_block), block_bytes, S - 1);
            noc_async_write_barrier();  // the block has landed everywhere before any peer is told so
            signal_peers<S>(sem2_addr, my);
        }
        noc_semaphore_wait(sem2, other_owners);
        noc_semaphore_set(sem2, 0);

        // Every core: the 32 rows' statistics from slot 0 (K) and the result area (mean - K, var) into column 0 of
        // the statistics pages 0..2. Their other columns are zeroed on the first use of each half only: later only
        // column 0 changes (peers write the exchange area after them, compute only reads c_25).
        if (block < 2) {
            zero_l1(stats_l1, stats_pages * stats_tile_bytes);
        }
        volatile tt_l1_ptr float* res = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(result_l1));
        volatile tt_l1_ptr float* s0 = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(slots_l1));
        for (uint32_t r = 0; r < 32; ++r) {
            const uint32_t at = (r / R) * (block_bytes / 4) + 2 * (r % R);
            store_stat<stats_fp32>(stats_l1, col0_index(r), mean_lo ? s0[r] : res[at]);
            store_stat<stats_fp32>(stats_l1 + stats_tile_bytes, col0_index(r), res[at + 1]);
            if constexpr (mean_lo) {
                store_stat<stats_fp32>(stats_l1 + 2 * stats_tile_bytes, col0_index(r), res[at]);
            }
        }
        cb_push_back(cb_stats, P);

        // 4. This slice of the output sticks, chunk by chunk; the last slice's last chunk may end inside its last
        // tile (W % 32 != 0): only [.., W) is written.
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
        stick += rows;
    }
}
