// SPDX-License-Identifier: Apache-2.0
//
// Room "runner": the KernelApi one kernel instance (kernel x core) calls through (emu/kernel_iface.hpp). A thin
// dispatcher: each method takes the run's mutex where CB state is touched, then sequences the rules and the
// work of the rooms that model the hardware:
//   cb/      circular-buffer protocol and accounting      sched/   blocking waits, abort
//   noc/     NOC addresses, transfers, barriers            formats/ unpacker, packer, data formats
//   math/    DEST register file, FPU, SFPU
// kernel_context.cpp holds the arguments, CB and NOC calls; kernel_context_compute.cpp the compute calls.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <tt-metalium/program_descriptors.hpp>

#include "cb/circular_buffer.hpp"
#include "emu/kernel_iface.hpp"
#include "formats/packer.hpp"
#include "formats/unpacker.hpp"
#include "math/dest.hpp"
#include "math/fpu.hpp"
#include "math/sfpu.hpp"
#include "noc/noc.hpp"
#include "sched/fiber.hpp"
#include "sched/scheduler.hpp"

namespace tensix_emu {

struct Core;

class KernelContext final : public KernelApi, public Fiber {
public:
    /// The instance of kernel k on `core`, named `name` in reports; its NOC port reaches `noc`.
    /// optimistic_srcb: RunOptions::optimistic_srcb (or $LAYERNORM_FUSED_RM_EMU_OPTIMISTIC=1), for the FPU.
    KernelContext(Scheduler& sched, Noc& noc, Core& core, const tt::tt_metal::KernelDescriptor& k, std::string name,
                  bool optimistic_srcb = false);

    Core& core() { return core_; }
    /// Tiles this kernel packed to L1 (pack_tile, tilize_block, pack_untilize_dest).
    uint64_t tiles_packed() const { return packer_.tiles_packed; }
    /// Tile operations of this compute kernel (RunStats::tile_ops_per_core): one per tile unpacked into DEST
    /// (copy_tile, unary_bcast), tilized or untilized from a CB, per FPU binary, reduce or transpose_dest call and
    /// per SFPU call (sfpu_reduce included).
    uint64_t tile_ops() const { return tile_ops_; }

    // ---- KernelApi: arguments, CBs, NOC (kernel_context.cpp) ----
    uint32_t get_arg(uint32_t idx, const char* call) override;
    uint32_t get_common_arg(uint32_t idx, const char* call) override;
    uint32_t my_x() override;
    uint32_t my_y() override;
    void cb_reserve_back(int32_t cb, int32_t pages) override;
    void cb_push_back(int32_t cb, int32_t pages) override;
    void cb_wait_front(int32_t cb, int32_t pages) override;
    void cb_pop_front(int32_t cb, int32_t pages) override;
    uint32_t get_write_ptr(int32_t cb) override;
    uint32_t get_read_ptr(int32_t cb) override;
    uint32_t num_dram_banks() override { return noc_.noc().num_dram_banks(); }
    uint32_t dram_alignment() override { return noc_.noc().dram_alignment(); }
    uint64_t dram_noc_addr(uint32_t bank_id, uint32_t bank_offset) override;
    uint64_t l1_noc_addr(uint32_t x, uint32_t y, uint32_t l1_addr) override;
    void noc_read(uint64_t src, uint32_t dst_l1, uint32_t size) override;
    void noc_write(uint32_t src_l1, uint64_t dst, uint32_t size) override;
    void noc_read_barrier() override { noc_.read_barrier(); }
    void noc_write_barrier() override;
    uint32_t my_noc_x() override { return noc_.my_noc_x(); }
    uint32_t my_noc_y() override { return noc_.my_noc_y(); }
    uint32_t semaphore_addr(uint32_t id) override;
    uint64_t multicast_noc_addr(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr) override;
    void noc_write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests, bool loopback) override;
    void semaphore_wait(uint32_t sem_l1, uint32_t value, bool at_least) override;
    void semaphore_set(uint32_t sem_l1, uint32_t value) override;
    void semaphore_inc(uint64_t dst, uint32_t incr) override;
    void semaphore_set_remote(uint32_t src_l1, uint64_t dst) override;
    void semaphore_set_multicast(uint32_t src_l1, uint64_t dst, uint32_t num_dests, bool loopback) override;
    void noc_writes_flushed() override;
    void noc_atomic_barrier() override;
    void unsupported(const char* what) override;
    void dprint(int risc, const char* text) override;
    void dprint_tile_slice(int risc, uint32_t cb, int tile_idx, const uint8_t* range, bool input_cb, bool rd_ptr,
                           bool endl_rows, bool untilized, int max_bytes, std::string* out) override;

    // ---- KernelApi: compute (kernel_context_compute.cpp) ----
    void hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) override;
    void tilize_init(uint32_t icb, uint32_t block, uint32_t ocb) override;
    void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t in_tile, uint32_t out_tile) override;
    void tilize_uninit(uint32_t icb, uint32_t ocb) override;
    void pack_untilize_init(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, bool from_dest) override;
    void pack_untilize_dest(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, uint32_t block_rt,
                            uint32_t block_c_index) override;
    void pack_untilize_block(uint32_t block_ct, uint32_t full_ct, uint32_t icb, uint32_t block_rt, uint32_t ocb,
                             uint32_t block_c_index) override;
    void pack_untilize_uninit(uint32_t ocb) override;
    void reduce_init(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t ocb) override;
    void reduce_tile(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t itile,
                     uint32_t itile_scaler, uint32_t idst) override;
    void reduce_uninit() override;
    void binary_init(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest,
                     const char* call) override;
    void binary_math_init(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest,
                          const char* call) override;
    void binary_tiles(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1,
                      uint32_t idst, const char* call) override;
    void copy_init(uint32_t icb) override;
    void copy_tile(uint32_t icb, uint32_t itile, uint32_t idst) override;
    void sfpu_init(SfpuOp op) override;
    void sfpu_op(SfpuOp op, uint32_t idst, uint32_t param_bits, const char* call) override;
    void sfpu_binary(SfpuOp op, uint32_t idst0, uint32_t idst1, uint32_t odst, bool round_nearest_even,
                     const char* call) override;
    void sfpu_bcast_col_init() override;
    void sfpu_bcast_col(BinaryOp op, uint32_t idata, uint32_t ibcast, const char* call) override;
    void sfpu_normalize_bcast_col(uint32_t idata, uint32_t imean, uint32_t iinv_std, const char* call) override;
    void sfpu_addcmul(uint32_t idst0, uint32_t idst1, uint32_t idst2, uint32_t odst, uint32_t value_bits,
                      const char* call) override;
    void sfpu_copy_dest(uint32_t idst, uint32_t odst, const char* call) override;
    void sfpu_reduce_init() override;
    void sfpu_reduce_col_sum(uint32_t idst, uint32_t ct_dim, uint32_t rt_dim, const char* call) override;
    void transpose_dest_init(bool is_32bit, bool transpose_of_faces) override;
    void transpose_dest(bool is_32bit, bool transpose_of_faces, uint32_t idst) override;
    void unary_bcast_init(BcastDim bcast, uint32_t icb) override;
    void unary_bcast(BcastDim bcast, uint32_t icb, uint32_t itile, uint32_t idst) override;
    void unary_bcast_uninit(BcastDim bcast, uint32_t icb) override;
    void reconfig_data_format(Operand which, int32_t old_cb, uint32_t new_cb, const char* call) override;
    void tile_regs_acquire() override;
    void tile_regs_commit() override;
    void tile_regs_wait() override;
    void tile_regs_release() override;
    void pack_tile(uint32_t idst, uint32_t ocb, uint32_t out_tile, bool out_of_order) override;

private:
    uint64_t tile_ops_ = 0;  // tile_ops()
    /// CB idx of this core for `call` (mutex held); throws KernelFailure when it is not configured.
    CBState& cb(int32_t idx, const char* call);
    /// With the mutex held: stops when another kernel failed, then returns this CB and the call's text, e.g.
    /// "cb_wait_front(c_0, 4)".
    std::pair<CBState*, std::string> begin_cb_call(int32_t idx, int32_t pages, const char* name);
    /// Records a CB operation in the CB's and this kernel's recent history.
    void record(CBState& c, const std::string& op);
    void require_compute(const char* call);
    void require_started(const char* call);
    /// Unpacks tile itile of icb (takes the mutex).
    void unpack(uint32_t icb, uint32_t itile, float* out, const char* call, UnpackTo to = UnpackTo::SrcRegister);

    Scheduler& sched_;
    Core& core_;
    const tt::tt_metal::KernelDescriptor& k_;
    std::vector<uint32_t> rt_args_;
    NocPort noc_;
    bool compute_ = false;
    bool started_ = false;  ///< compute_kernel_hw_startup was called
    Unpacker unpacker_;
    Fpu fpu_;
    Sfpu sfpu_;
    Dest dest_;
    Packer packer_;
    std::string dprint_pending_[5];  ///< per RISC (runner/dprint.hpp DprintRisc): text after the last "\n"
};

}  // namespace tensix_emu
