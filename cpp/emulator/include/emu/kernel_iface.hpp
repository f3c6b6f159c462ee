// SPDX-License-Identifier: Apache-2.0
//
// The seam between a JIT-compiled kernel and the emulator core. A kernel shared object never links
// against the emulator: after loading it, the JIT (src/jit) installs a getter with its exported
// `emu_kernel_set_api_getter`, and the kernel's fiber (src/sched) calls its exported `emu_kernel_entry()`,
// which runs the kernel's `kernel_main()`. Every tt-metal API call in the emulator's kernel headers
// (api/dataflow/..., api/compute/...) asks the getter for the KernelApi of the running fiber and forwards to
// one virtual method here, so all semantics, strict checks and counters live in the emulator core, compiled once.
#pragma once

#include <cstdint>
#include <string>

namespace tensix_emu {

/// tt-llk llk_lib/llk_defs.h PoolType (the emulator refuses MIN: on Wormhole it is an SFPU reduce, not modelled).
enum class PoolType : uint32_t { SUM = 0, AVG = 1, MAX = 2, MIN = 3 };
enum class ReduceDim : uint32_t { REDUCE_ROW = 0, REDUCE_COL = 1, REDUCE_SCALAR = 2 };
enum class BcastDim : uint32_t { NONE = 0, ROW = 1, COL = 2, SCALAR = 3 };
enum class BinaryOp : uint32_t { ADD = 0, SUB = 1, MUL = 2 };
enum class SfpuOp : uint32_t {
    SQUARE = 0, RSQRT = 1, MUL_SCALAR = 2, ADD_SCALAR = 3, SUB_SCALAR = 4, RECIP = 5, SQRT = 6,
    ADD_BINARY = 7, SUB_BINARY = 8, MUL_BINARY = 9, EXP = 10, ADDCMUL = 11, COPY_DEST = 12,
    COUNT = 13
};
/// Source register a data-format reconfiguration targets.
enum class Operand : uint32_t { SRCA = 0, SRCB = 1, PACK = 2 };
/// Marks an unconditional reconfig (no "old operand" given).
inline constexpr int32_t kNoOldOperand = -1;

class KernelApi {
public:
    virtual ~KernelApi() = default;

    // ---- arguments and identity ----
    virtual uint32_t get_arg(uint32_t idx, const char* call) = 0;
    virtual uint32_t get_common_arg(uint32_t idx, const char* call) = 0;
    virtual uint32_t my_x() = 0;
    virtual uint32_t my_y() = 0;

    // ---- circular buffers (both dataflow and compute) ----
    virtual void cb_reserve_back(int32_t cb, int32_t pages) = 0;
    virtual void cb_push_back(int32_t cb, int32_t pages) = 0;
    virtual void cb_wait_front(int32_t cb, int32_t pages) = 0;
    virtual void cb_pop_front(int32_t cb, int32_t pages) = 0;
    virtual uint32_t get_write_ptr(int32_t cb) = 0;  ///< kernel-visible L1 address
    virtual uint32_t get_read_ptr(int32_t cb) = 0;

    // ---- NOC (dataflow) ----
    virtual uint32_t num_dram_banks() = 0;
    virtual uint32_t dram_alignment() = 0;
    virtual uint64_t dram_noc_addr(uint32_t bank_id, uint32_t bank_offset) = 0;
    virtual uint64_t l1_noc_addr(uint32_t x, uint32_t y, uint32_t l1_addr) = 0;
    virtual void noc_read(uint64_t src_noc_addr, uint32_t dst_l1_addr, uint32_t size) = 0;
    virtual void noc_write(uint32_t src_l1_addr, uint64_t dst_noc_addr, uint32_t size) = 0;
    virtual void noc_read_barrier() = 0;
    virtual void noc_write_barrier() = 0;

    // ---- NOC between cores: coordinates, semaphores, multicast (dataflow) ----
    /// This core's NOC coordinates (tt-metal's my_x[noc] / my_y[noc]).
    virtual uint32_t my_noc_x() = 0;
    virtual uint32_t my_noc_y() = 0;
    /// Kernel-visible L1 address of semaphore `id` on this core (get_semaphore).
    virtual uint32_t semaphore_addr(uint32_t id) = 0;
    /// Multicast NOC address of L1 address `addr` on the NOC rectangle (x0, y0)..(x1, y1) (get_noc_multicast_addr).
    virtual uint64_t multicast_noc_addr(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr) = 0;
    /// noc_async_write_multicast (loopback = the _loopback_src variant: the sender receives a copy too).
    virtual void noc_write_multicast(uint32_t src_l1_addr, uint64_t dst_mcast, uint32_t size, uint32_t num_dests,
                                     bool loopback) = 0;
    /// noc_semaphore_wait (at_least = false: until == value) / noc_semaphore_wait_min (at_least: until >= value).
    virtual void semaphore_wait(uint32_t sem_l1_addr, uint32_t value, bool at_least) = 0;
    /// noc_semaphore_set: a local store to a semaphore of this core.
    virtual void semaphore_set(uint32_t sem_l1_addr, uint32_t value) = 0;
    /// noc_semaphore_inc: atomic increment of a semaphore at a NOC address (non-posted: noc_async_atomic_barrier).
    virtual void semaphore_inc(uint64_t dst_noc_addr, uint32_t incr) = 0;
    /// noc_semaphore_set_remote: copies the 4-byte word at src_l1_addr to a semaphore at a NOC address.
    virtual void semaphore_set_remote(uint32_t src_l1_addr, uint64_t dst_noc_addr) = 0;
    /// noc_semaphore_set_multicast(_loopback_src): the 4-byte word at src_l1_addr to a semaphore on every core of
    /// the rectangle.
    virtual void semaphore_set_multicast(uint32_t src_l1_addr, uint64_t dst_mcast, uint32_t num_dests,
                                         bool loopback) = 0;
    /// noc_async_writes_flushed: this kernel's writes have left the core.
    virtual void noc_writes_flushed() = 0;
    /// noc_async_atomic_barrier: this kernel's atomics (semaphore increments) have completed.
    virtual void noc_atomic_barrier() = 0;

    // ---- compute: configuration ----
    virtual void hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) = 0;
    virtual void tilize_init(uint32_t icb, uint32_t block, uint32_t ocb) = 0;
    virtual void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t in_tile, uint32_t out_tile) = 0;
    virtual void tilize_uninit(uint32_t icb, uint32_t ocb) = 0;
    virtual void pack_untilize_init(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, bool from_dest) = 0;
    virtual void pack_untilize_dest(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, uint32_t block_rt,
                                    uint32_t block_c_index) = 0;
    virtual void pack_untilize_block(uint32_t block_ct, uint32_t full_ct, uint32_t icb, uint32_t block_rt,
                                     uint32_t ocb, uint32_t block_c_index) = 0;
    virtual void pack_untilize_uninit(uint32_t ocb) = 0;
    virtual void reduce_init(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t ocb) = 0;
    virtual void reduce_tile(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t itile,
                             uint32_t itile_scaler, uint32_t idst) = 0;
    virtual void reduce_uninit() = 0;
    /// A full FPU binary init (add/sub/mul_init, *_bcast_*_init); acc_to_dest: Dst += result (add/sub only).
    virtual void binary_init(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest,
                             const char* call) = 0;
    /// llk_math_eltwise_binary_init: the math side of a binary init only (math/fpu.hpp init_binary_math).
    virtual void binary_math_init(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest,
                                  const char* call) = 0;
    virtual void binary_tiles(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, uint32_t itile0,
                              uint32_t itile1, uint32_t idst, const char* call) = 0;
    virtual void copy_init(uint32_t icb) = 0;
    virtual void copy_tile(uint32_t icb, uint32_t itile, uint32_t idst) = 0;
    virtual void sfpu_init(SfpuOp op) = 0;
    virtual void sfpu_op(SfpuOp op, uint32_t idst, uint32_t param_bits, const char* call) = 0;
    /// SFPU binary on DST tiles (eltwise_binary_sfpu.h): odst = idst0 op idst1. round_nearest_even selects
    /// DstRoundingMode::NearestEven for add/sub.
    virtual void sfpu_binary(SfpuOp op, uint32_t idst0, uint32_t idst1, uint32_t odst, bool round_nearest_even,
                             const char* call) = 0;
    /// sfpu_bcast_col_init (sfpu_binary_bcast.h): builds the column-0 lane mask and records the broadcast replay.
    virtual void sfpu_bcast_col_init() = 0;
    /// sfpu_{add,sub,mul}_bcast_col: DST[idata] op= column 0 of DST[ibcast] broadcast across the columns.
    virtual void sfpu_bcast_col(BinaryOp op, uint32_t idata, uint32_t ibcast, const char* call) = 0;
    /// sfpu_normalize_bcast_col: DST[idata] = (DST[idata] - col 0 of DST[imean]) * col 0 of DST[iinv_std].
    virtual void sfpu_normalize_bcast_col(uint32_t idata, uint32_t imean, uint32_t iinv_std, const char* call) = 0;
    /// addcmul_tile (eltwise_unary/addcmul.h): DST[odst] = DST[idst0] + value * DST[idst1] * DST[idst2].
    virtual void sfpu_addcmul(uint32_t idst0, uint32_t idst1, uint32_t idst2, uint32_t odst, uint32_t value_bits,
                              const char* call) = 0;
    /// copy_dest_values<Float32> (copy_dest_values.h): DST[odst] = DST[idst], bit for bit (fp32 DEST only here).
    virtual void sfpu_copy_dest(uint32_t idst, uint32_t odst, const char* call) = 0;
    /// sfpu_reduce_init<SUM, Float32> (compute_kernel_api.h): records the float column-reduce replay.
    virtual void sfpu_reduce_init() = 0;
    /// sfpu_reduce<SUM, Float32, REDUCE_COL>(idst, ct_dim, rt_dim): column sums of DST[idst] into its row 0.
    virtual void sfpu_reduce_col_sum(uint32_t idst, uint32_t ct_dim, uint32_t rt_dim, const char* call) = 0;
    /// transpose_dest_init<is_32bit, transpose_of_faces> (transpose_dest.h).
    virtual void transpose_dest_init(bool is_32bit, bool transpose_of_faces) = 0;
    /// transpose_dest<is_32bit, transpose_of_faces>(idst): DST[idst] transposed in place.
    virtual void transpose_dest(bool is_32bit, bool transpose_of_faces, uint32_t idst) = 0;
    /// unary_bcast (bcast.h): copy one tile of icb into DST broadcasting row 0 / column 0 / [0][0].
    virtual void unary_bcast_init(BcastDim bcast, uint32_t icb) = 0;
    virtual void unary_bcast(BcastDim bcast, uint32_t icb, uint32_t itile, uint32_t idst) = 0;
    virtual void unary_bcast_uninit(BcastDim bcast, uint32_t icb) = 0;
    /// Data-format reconfiguration (reconfig_data_format.h): `which` source (or the packer) takes new_cb's format;
    /// with old_cb != kNoOldOperand only when old_cb's and new_cb's formats differ (the conditional overloads).
    virtual void reconfig_data_format(Operand which, int32_t old_cb, uint32_t new_cb, const char* call) = 0;

    // ---- compute: DST and packer ----
    virtual void tile_regs_acquire() = 0;
    virtual void tile_regs_commit() = 0;
    virtual void tile_regs_wait() = 0;
    virtual void tile_regs_release() = 0;
    virtual void pack_tile(uint32_t idst, uint32_t ocb, uint32_t out_tile, bool out_of_order) = 0;

    /// A call (or argument combination) the emulator does not implement: always an error, never ignored.
    virtual void unsupported(const char* what) = 0;

    /// DPRINT / DEVICE_PRINT (api/debug/device_print.h): `text` is the message as RISC `risc` (0 BR, 1 NC,
    /// 2..4 TR0..TR2) formatted it. Selection, prefix and output: runner/dprint.hpp.
    virtual void dprint(int risc, const char* text) = 0;
    /// The text tt-metal's DPRINT server prints for a TileSlice (api/debug/dprint_tile.h) read by RISC `risc`:
    /// range = {h0, h1, hs, w0, w1, ws}; cb_type / ptr_type as TSLICE_INPUT_CB / TSLICE_RD_PTR (data movement).
    virtual void dprint_tile_slice(int risc, uint32_t cb, int tile_idx, const uint8_t* range, bool input_cb,
                                   bool rd_ptr, bool endl_rows, bool untilized, int max_bytes, std::string* out) = 0;
};

namespace kernel_side {
/// Returns the API object of the kernel running on the calling host thread. Kernels run as user-level fibers
/// that may resume on a different pool thread after every blocking call, so the pointer is never cached in the
/// kernel's own (per-.so) thread-local storage: every call asks the emulator core, which the scheduler keeps
/// current. Set once per loaded kernel .so by emu_kernel_set_api_getter.
inline KernelApi* (*current_api_getter)() = nullptr;
inline KernelApi& api() { return *current_api_getter(); }
}  // namespace kernel_side

}  // namespace tensix_emu

/// Entry points every JIT-compiled kernel exports: the getter is installed once after dlopen, then
/// emu_kernel_entry() runs kernel_main() on the calling fiber.
extern "C" using emu_kernel_set_api_getter_fn = void (*)(tensix_emu::KernelApi* (*)());
extern "C" using emu_kernel_entry_fn = void (*)();
