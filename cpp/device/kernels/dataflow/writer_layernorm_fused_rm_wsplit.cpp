// SPDX-License-Identifier: Apache-2.0
//
// Writer of the W-split program (RISCV_0 / BRISC; design and the exchange's ordering proof:
// layernorm_fused_rm_wsplit_program_factory.cpp). Per tile-row of its group, a reduce-scatter then an all-gather of
// the row statistics:
//   1. round 1: takes this slice's partial statistics from c_26 (FPU kernel: m_i, M2_i tiles; precise kernel
//      (mean_lo): x0_i, the slice's first element, m_i, the slice mean of x - x0_i, and M2_i about it; column 0 = the
//      32 rows), copies them as 64 fp32 values (96 with mean_lo) into slot `my` of the exchange area (c_25 after its
//      statistics pages, the same L1 address on every core of the group), multicasts the slot to the other S - 1
//      cores of the group's rectangle, flushes the writes, increments every peer's round-1 semaphore (tile-row
//      parity), and waits for S - 1 arrivals;
//   2. combine, distributed: this core combines only the rows it owns (wsplit_exchange in
//      layernorm_fused_rm_kernel_args.hpp: R = ceil(32 / S) contiguous rows per core; cores past the last owner own
//      none) from the S partials with the two-pass sum form (compile-time weights, no division per partial):
//          d = sum_j (n_j / N) d_j,  M2 = sum_j M2_j + sum_j n_j (d_j - d)^2,  var = M2 / N,  N = W,
//      FPU kernel: d_j = m_j (7 fp32 operations per (row, partial), one division per row); precise kernel:
//      combine_precise, relative to slice 0's mean, with a corrected two-pass mean over the partials, pairwise M2
//      sums, and the inverse std 1 / sqrt(var + eps) in soft float (inv_sqrt), the mean as an fp32 pair hi + lo;
//   3. round 2: an owner writes its rows' statistics (FPU kernel: mean, var; precise kernel: mean hi, mean lo,
//      inverse std) into its block of the result area (after the slots), multicasts the block to the other S - 1
//      cores, flushes, and increments every peer's round-2 semaphore; every core waits for the other owners' blocks,
//      then copies the 32 rows' statistics into column 0 of the c_25 statistics pages (FPU kernel: mean, variance;
//      precise kernel: page 0 the mean hi, or with shift_out (bfloat16 input) mean - x0 of its own slice, page 1 the
//      inverse std, page 2 the mean lo) in the statistics format and pushes the P pages to compute. Owners compute,
//      everyone copies: every core of a group gets bit-identical statistics (with shift_out, each its own centring);
//   4. output: the Ws untilized tiles of this slice, one chunk of Bc tiles of c_16 at a time (Bc = chunk_tiles,
//      Ws / Bc chunks; c_16 holds one), into the tile-row's sticks.
// Soft-float: the data-movement RISC-Vs (RV32IM) have no FPU, so every fp32 operation here is a libgcc call,
// correctly rounded like the host's SSE float math the emulator runs.
// Fast-math: tt-metal compiles kernels with -ffast-math (tt_metal/jit_build/build.cpp; 0.81.1 adds
// -fno-finite-math-only -fsigned-zeros -fno-associative-math, earlier versions did not), so the compiler may replace
// x / C by x * (1 / C) and, without -fno-associative-math, reassociate: b - ((a + b) - a) becomes 0. Every
// intermediate whose rounding an error analysis here relies on passes through opaque() (below), so the operations
// run as written under -ffast-math in full (test_dev/op/test_wsplit_fast_math.py).
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

// Pairwise (cascade) sum of a[0], a[stride], ..., a[(n - 1) stride] in place (n - 1 additions; the sum ends in
// a[0]): each term passes through at most ceil(log2 n) roundings, where a running sum of n terms passes through up to
// n - 1 (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., section 4.2).
FORCE_INLINE float pairwise_sum(volatile tt_l1_ptr float* a, uint32_t stride, uint32_t n) {
    for (uint32_t step = 1; step < n; step *= 2) {
        for (uint32_t j = 0; j + step < n; j += 2 * step) {
            a[j * stride] = a[j * stride] + a[(j + step) * stride];
        }
    }
    return a[0];
}

// 1 / sqrt(a) for a > 0 (a normal float) in fp32 soft-float operations only (no libm on the data-movement RISC-Vs is
// assumed): the bit-level seed 0x5f3759df - (bits >> 1) (relative error below 3.5e-2: C. Lomont, "Fast inverse square
// root", 2003), two Newton steps y (1.5 - (a / 2) y^2) (each squares the relative error: e -> 1.5 e^2, so below
// 1.8e-3, then 4.8e-6), then a last step from y_t = y cut to 12 significant bits (an integer mask), so y_t^2 is exact
// in fp32 and r = 1/2 - (a / 2) y_t^2 = (1 - a y_t^2) / 2 is rounded once, at most 2^-25 (|r| < 2.5e-4): 1 / sqrt(a)
// = y_t (1 - 2 r)^(-1/2) = y_t (1 + r + 1.5 r^2 + O(r^3)), the O(r^3) below 4e-11. Measured against float64 over
// 20000 log-uniform a in [e^-10, e^10]: at most 7.3e-8 relative (correct rounding: 6.0e-8).
// 17 fp32 operations: a / 2, 2 x 4, 8.
FORCE_INLINE float inv_sqrt(float a) {
    uint32_t i;
    __builtin_memcpy(&i, &a, 4);
    i = 0x5f3759dfu - (i >> 1);
    float y;
    __builtin_memcpy(&y, &i, 4);
    const float h = 0.5f * a;
    y = y * (1.5f - (h * y) * y);
    y = y * (1.5f - (h * y) * y);
    __builtin_memcpy(&i, &y, 4);
    i &= 0xfffff000u;  // 1 implicit + 11 stored mantissa bits
    __builtin_memcpy(&y, &i, 4);
    const float r = 0.5f - h * opaque(y * y);                 // y * y exact, kept apart from h
    return y + opaque(y * (r + 1.5f * (r * r)));             // not refactored into y * (1 + ...)
}

// The precise kernel's combine of row r (wsplit_exchange: slot j holds hi_j = x0 of slice j at [r], M2_j at
// [32 + r], lo_j = the slice mean of x - x0 at [64 + r]; kSlotFloats floats per slot; w_j = n_j / W). Relative to
// R = hi_0 + lo_0 rounded (slice 0's mean: within sqrt(S) row standard deviations of the row's mean, where slot 0's
// x0 may be an outlier, 1e4 in a row of randn, and slice means relative to it would be rounded at the outlier's
// ulp), with the corrected two-pass mean over the S slice means (as the precise kernels' m1 + m2):
//   d_j = (hi_j - R) + lo_j,  d1 = sum_j w_j d_j,  e_j = d_j - d1,  c = sum_j w_j e_j,  d = d1 + c,
//   M2 = sum_j M2_j + sum_j n_j e_j^2   (the two sums pairwise; sum_j n_j (d_j - d)^2 is that minus W c^2, and c is
//        the rounding error of d1, so W c^2 is below 2^-40 of M2 and left out),
// the w_j sums as w_full sum_{j < S-1} + w_last (last slice). Returns R and sets d (the row mean is R + d) and
// inv_std = 1 / sqrt(M2 / W + eps). Row r's lo and M2 entries of every slot are overwritten (d_j, e_j, e_j^2; the
// pairwise sums): only this core reads them, and only for rows it owns.
// fp32 operations: 8 per partial (d_j 2, its sum 1, e_j 1, its sum 1, e_j^2 1, the two pairwise sums 1 each) and,
// per row, 1 (R) + 3 (d1) + 3 (c) + 1 (d) + 4 (M2) + 1 (/ W) + 1 (+ eps) + 17 (inv_sqrt) = 31 (device model:
// kCombineOpsHiLo, kRowOpsHiLo with the caller's 2).
template <uint32_t S, uint32_t kSlotFloats>
FORCE_INLINE float combine_precise(volatile tt_l1_ptr float* s0, uint32_t r, float w_full, float w_last, float n_full,
                                   float n_last, float W, float eps, float& d, float& inv_std) {
    volatile tt_l1_ptr float* dev = s0 + 64 + r;  // d_j, then e_j, then e_j^2, stride kSlotFloats
    const float R = s0[r] + s0[64 + r];
    float sum = 0.0f;
    for (uint32_t j = 0; j < S; ++j) {
        const float dj = opaque(s0[j * kSlotFloats + r] - R) + dev[j * kSlotFloats];  // not (x0_j + lo_j) - R
        dev[j * kSlotFloats] = dj;
        if (j < S - 1) {
            sum = sum + dj;
        }
    }
    const float d1 = w_full * sum + w_last * dev[(S - 1) * kSlotFloats];
    sum = 0.0f;
    for (uint32_t j = 0; j < S; ++j) {
        const float e = dev[j * kSlotFloats] - d1;
        dev[j * kSlotFloats] = e;
        if (j < S - 1) {
            sum = sum + e;
        }
    }
    const float e_last = dev[(S - 1) * kSlotFloats];
    const float c = w_full * sum + w_last * e_last;
    for (uint32_t j = 0; j < S; ++j) {
        const float e = dev[j * kSlotFloats];
        dev[j * kSlotFloats] = e * e;
    }
    const float m2_sum = pairwise_sum(s0 + 32 + r, kSlotFloats, S);
    const float e2_sum = pairwise_sum(dev, kSlotFloats, S - 1);
    const float m2 = m2_sum + (n_full * e2_sum + n_last * dev[(S - 1) * kSlotFloats]);
    d = d1 + c;
    inv_std = inv_sqrt(m2 / opaque(W) + eps);  // a division, not m2 * (1 / W) (-freciprocal-math)
    return R;
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
    constexpr bool shift_out = get_compile_time_arg_val(ct::shift_out) != 0;
    constexpr uint32_t eps_u32 = get_compile_time_arg_val(ct::eps_bits);
    const float eps = __builtin_bit_cast(float, eps_u32);
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
    constexpr uint32_t block_bytes = ex::result_block_bytes(S, mean_lo);
    constexpr uint32_t kRowFloats = ex::result_floats(mean_lo);  // per row of a result block
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
                volatile tt_l1_ptr float* row_out = out + kRowFloats * (r - row0);
                if constexpr (mean_lo) {
                    float d, inv_std;
                    const float K = combine_precise<S, kSlotFloats>(s0, r, w_full, w_last, n_full, n_last,
                                                                    static_cast<float>(W), eps, d, inv_std);
                    // The mean K + d as hi + lo, hi = K + d rounded: Fast2Sum (Dekker 1971), exact when the addend
                    // of larger magnitude comes first (compared on the bits: |a| >= |b| of finite floats is an
                    // integer comparison of their magnitudes, no soft-float call). 3 fp32 operations (a + b, hi - a,
                    // b - t); hi and t opaque, or -fassociative-math folds lo to 0 (and with hi alone opaque, GCC
                    // rewrites b - (hi - a) as (a + b) - hi, also 0).
                    const bool k_first = (__builtin_bit_cast(uint32_t, K) & 0x7fffffffu) >=
                                         (__builtin_bit_cast(uint32_t, d) & 0x7fffffffu);
                    const float a = k_first ? K : d, b = k_first ? d : K;
                    const float hi = opaque(a + b);
                    row_out[0] = hi;
                    row_out[1] = b - opaque(hi - a);
                    row_out[2] = inv_std;
                    continue;
                }
                float mean = 0.0f;  // K = 0: d_j = m_j
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

        // Every core: the 32 rows' statistics from slot 0 (K) and the result area (mean - K, var) into column 0 of
        // the statistics pages 0..2. Their other columns are zeroed on the first use of each half only: later only
        // column 0 changes (peers write the exchange area after them, compute only reads c_25).
        if (block < 2) {
            zero_l1(stats_l1, stats_pages * stats_tile_bytes);
        }
        volatile tt_l1_ptr float* res = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(result_l1));
        volatile tt_l1_ptr float* s0 = reinterpret_cast<volatile tt_l1_ptr float*>(static_cast<uintptr_t>(slots_l1));
        for (uint32_t r = 0; r < 32; ++r) {
            const volatile tt_l1_ptr float* row = res + (r / R) * (block_bytes / 4) + kRowFloats * (r % R);
            if constexpr (!mean_lo) {
                store_stat<stats_fp32>(stats_l1, col0_index(r), row[0]);
                store_stat<stats_fp32>(stats_l1 + stats_tile_bytes, col0_index(r), row[1]);
            } else if constexpr (shift_out) {
                // mean - x0 of this slice: (hi - x0) + lo, hi - x0 exact when they are within a factor 2, else one
                // rounding relative to |mean - x0|, at most the row's range (x0 is an element of the row). 2 fp32
                // operations per row (device model: kShiftOutOps).
                store_stat<stats_fp32>(stats_l1, col0_index(r), opaque(row[0] - s0[my * kSlotFloats + r]) + row[1]);
                store_stat<stats_fp32>(stats_l1 + stats_tile_bytes, col0_index(r), row[2]);
            } else {
                store_stat<stats_fp32>(stats_l1, col0_index(r), row[0]);
                store_stat<stats_fp32>(stats_l1 + stats_tile_bytes, col0_index(r), row[2]);
                store_stat<stats_fp32>(stats_l1 + 2 * stats_tile_bytes, col0_index(r), row[1]);
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
