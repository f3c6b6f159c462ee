// SPDX-License-Identifier: Apache-2.0
//
// Room "runner": the compute calls of KernelContext (see kernel_context.hpp). Each one sequences the checks of
// the rooms in the order silicon would trip over them (configuration, DEST state and index, operand formats,
// CB bounds), then the unpack (formats/unpacker), the math (math/fpu, math/sfpu) and the pack (formats/packer).
#include <mutex>

#include "formats/numerics.hpp"
#include "kernel_failure.hpp"
#include "runner/kernel_context.hpp"
#include "runner/program_run.hpp"

namespace tensix_emu {

// ---- checks ----

void KernelContext::require_compute(const char* call) {
    sched_.check_aborted();
    if (!compute_) {
        fail(std::string(call) + ": compute API called from a dataflow kernel");
    }
}

void KernelContext::require_started(const char* call) {
    require_compute(call);
    if (!started_) {
        fail(std::string(call) + " before compute_kernel_hw_startup(): the unpacker, math and packer are not configured");
    }
}

void KernelContext::unpack(uint32_t icb, uint32_t itile, float* out, const char* call, UnpackTo to) {
    std::lock_guard<std::mutex> lk(sched_.m);
    unpacker_.read_tile(cb(int32_t(icb), call), core_.l1, icb, itile, out, call, to);
}

// ---- configuration ----

void KernelContext::hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    const char* call = "compute_kernel_hw_startup";
    require_compute(call);
    std::lock_guard<std::mutex> lk(sched_.m);
    const CBState& a = cb(int32_t(icb0), call);
    const CBState& b = cb(int32_t(icb1), call);
    const CBState& o = cb(int32_t(ocb), call);
    // llk_unpack_hw_configure(srca=icb0, srcb=icb1), llk_pack_hw_configure(ocb) (compute_kernel_hw_startup.h).
    unpacker_.srca = {true, a.format, int32_t(icb0), call};
    unpacker_.srcb = {true, b.format, int32_t(icb1), call};
    packer_.set_format(o, ocb, call);
    started_ = true;
}

void KernelContext::reconfig_data_format(Operand which, int32_t old_cb, uint32_t new_cb, const char* call) {
    require_started(call);
    std::lock_guard<std::mutex> lk(sched_.m);
    const CBState& n = cb(int32_t(new_cb), call);
    if (old_cb != kNoOldOperand) {
        const CBState& o = cb(old_cb, call);
        if (o.format == n.format) {
            return;  // the conditional overloads skip equal formats, whatever the hardware holds
        }
    }
    FormatState& st = which == Operand::SRCA ? unpacker_.srca : which == Operand::SRCB ? unpacker_.srcb : packer_.format;
    st = {true, n.format, int32_t(new_cb), call};
}

// ---- tilize (unpack-tilize to SrcA, datacopy to DEST, pack) ----

void KernelContext::tilize_init(uint32_t icb, uint32_t block, uint32_t ocb) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started("tilize_init");
    packer_.require_untilize_inactive("tilize_init", "call pack_untilize_uninit first");
    fpu_.init_tilize(icb, block, ocb);
}

void KernelContext::tilize_uninit(uint32_t icb, uint32_t ocb) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started("tilize_uninit");
    fpu_.uninit_tilize(icb, ocb);
}

void KernelContext::tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t in_tile, uint32_t out_tile) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    const std::string call = "tilize_block(" + cb_name(int32_t(icb)) + ", " + std::to_string(block) + ", " +
                             cb_name(int32_t(ocb)) + ")";
    require_started(call.c_str());
    fpu_.require_tilize(icb, ocb, call);
    if (in_tile != 0 || out_tile != 0) {
        unsupported("tilize_block with non-zero tile indices");
    }
    dest_.require(DstState::Idle, call.c_str());
    std::lock_guard<std::mutex> lk(sched_.m);
    CBState& in = cb(int32_t(icb), call.c_str());
    CBState& out = cb(int32_t(ocb), call.c_str());
    unpacker_.check_tilize_input(in, icb, block, call);
    packer_.check_tilize_output(out, ocb, block, call);
    unpacker_.require_srca(core_.cbs, icb, call.c_str());
    packer_.require_format(core_.cbs, ocb, call.c_str());
    float tile[1024];
    for (uint32_t t = 0; t < block; ++t) {
        unpacker_.read_tilize_tile(in, core_.l1, icb, block, t, tile);
        Fpu::datacopy(tile, dest_, tile);
        packer_.pack_next_tile(out, core_.l1, tile);
    }
    tile_ops_ += block;
}

// ---- pack_untilize (from DEST) ----

void KernelContext::pack_untilize_init(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, bool from_dest) {
    const char* call = from_dest ? "pack_untilize_dest_init" : "pack_untilize_init";
    require_started(call);
    fpu_.require_no_tilize(call);
    packer_.untilize_init(dest_, block_ct, full_ct, ocb, from_dest, call);
    {
        // pack_untilize_dest_init calls llk_pack_reconfig_data_format(ocb), and so does pack_untilize_init through
        // pack_untilize_dest_init_impl (pack_untilize.h); pack_untilize_init's unpack/math half (llk_unpack_A_init,
        // the A2D datacopy init for icb: the calls of copy_init) is issued by the kernel-side header as copy_init.
        std::lock_guard<std::mutex> lk(sched_.m);
        packer_.set_format(cb(int32_t(ocb), call), ocb, call);
    }
}

void KernelContext::pack_untilize_uninit(uint32_t ocb) {
    const char* call = "pack_untilize_uninit";
    require_started(call);
    packer_.untilize_uninit(ocb);
    // pack_untilize_uninit calls llk_pack_reconfig_data_format(ocb) (pack_untilize.h).
    std::lock_guard<std::mutex> lk(sched_.m);
    packer_.set_format(cb(int32_t(ocb), call), ocb, call);
}

void KernelContext::pack_untilize_dest(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, uint32_t block_rt,
                                       uint32_t block_c_index) {
    const std::string call = "pack_untilize_dest<" + std::to_string(block_ct) + ", " + std::to_string(full_ct) + ">(" +
                             cb_name(int32_t(ocb)) + ")";
    require_started(call.c_str());
    packer_.require_untilize_dest(block_ct, full_ct, ocb, call);
    if (block_rt != 1) {
        unsupported("pack_untilize_dest with block_rt_dim != 1");
    }
    dest_.require(DstState::Waited, call.c_str());
    packer_.check_untilize_block_index(block_ct, full_ct, block_c_index, call);
    packer_.require_format(core_.cbs, ocb, call.c_str());
    std::lock_guard<std::mutex> lk(sched_.m);
    packer_.untilize_dest(dest_, cb(int32_t(ocb), call.c_str()), core_.l1, block_ct, full_ct, ocb, block_c_index, call);
}

void KernelContext::pack_untilize_block(uint32_t block_ct, uint32_t full_ct, uint32_t icb, uint32_t block_rt,
                                        uint32_t ocb, uint32_t block_c_index) {
    // pack_untilize.h pack_untilize_block: per row of blocks, wait for DEST, unpack tiles 0..block_ct-1 of icb
    // (llk_unpack_A(icb, c)) and copy them A2D into DEST slots 0..block_ct-1, then pack them untilized into ocb at
    // tile column block_c_index * block_ct (llk_pack_untilize) and release DEST: it acquires DEST itself.
    const std::string call = "pack_untilize_block<" + std::to_string(block_ct) + ", " + std::to_string(full_ct) +
                             ">(" + cb_name(int32_t(icb)) + ", " + cb_name(int32_t(ocb)) + ")";
    require_started(call.c_str());
    packer_.require_untilize_block(block_ct, full_ct, ocb, call);
    fpu_.require_copy(icb, "pack_untilize_block");
    if (block_rt != 1) {
        // The LLK re-reads tiles 0..block_ct-1 of icb for every row and advances the packer's L1 row offset
        // internally; that multi-row addressing is not modelled: refused.
        unsupported("pack_untilize_block with block_rt_dim != 1");
    }
    dest_.require(DstState::Idle, call.c_str());
    packer_.check_untilize_block_index(block_ct, full_ct, block_c_index, call);
    unpacker_.require_srca(core_.cbs, icb, call.c_str());
    packer_.require_format(core_.cbs, ocb, call.c_str());
    for (uint32_t t = 0; t < block_ct; ++t) {
        float a[1024];
        unpack(icb, t, a, call.c_str(), UnpackTo::DestIfUnpackToDestFp32);
        Fpu::datacopy(a, dest_, t);
    }
    tile_ops_ += block_ct;
    std::lock_guard<std::mutex> lk(sched_.m);
    packer_.untilize_dest(dest_, cb(int32_t(ocb), call.c_str()), core_.l1, block_ct, full_ct, ocb, block_c_index, call);
}

// ---- reduce ----

void KernelContext::reduce_init(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t ocb) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started("reduce_init");
    if (type == PoolType::MIN) {
        // ttnn kernel_lib reduce_helpers_common.hpp is_sfpu_reduce_path: MIN runs as an SFPU reduce on WH/BH.
        unsupported("reduce with PoolType::MIN (an SFPU reduce on Wormhole/Blackhole)");
    }
    fpu_.require_no_tilize("reduce_init");
    fpu_.init_reduce(type, dim, icb, icb_scaler);
    packer_.set_reduce_mask(dim, ocb);
}

void KernelContext::reduce_uninit() {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started("reduce_uninit");
    packer_.clear_reduce_mask();
    fpu_.uninit_reduce();
}

void KernelContext::reduce_tile(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler, uint32_t itile,
                                uint32_t itile_scaler, uint32_t idst) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    const char* call = "reduce_tile";
    require_started(call);
    fpu_.require_reduce(type, dim, icb, icb_scaler);
    dest_.require(DstState::Acquired, call);
    dest_.require_index(idst, call);
    // Operand placement (reduce.h reduce_init): REDUCE_ROW SUM/AVG runs MVMUL with the scaler in SrcA and the data
    // in SrcB ("Caller must call reconfig_data_format(icb_scaler, icb) before reduce_init for this path"); every
    // other reduce has the data in SrcA and the scaler in SrcB.
    const bool swapped = dim == ReduceDim::REDUCE_ROW && type != PoolType::MAX;
    unpacker_.require_srca(core_.cbs, swapped ? icb_scaler : icb, call);
    unpacker_.require_srcb(core_.cbs, swapped ? icb : icb_scaler, call);
    unpacker_.require_src_readable(core_.cbs, swapped ? icb_scaler : icb, "SrcA", call);
    unpacker_.require_src_readable(core_.cbs, swapped ? icb : icb_scaler, "SrcB", call);
    float a[1024], s[1024];
    unpack(icb, itile, a, call);
    unpack(icb_scaler, itile_scaler, s, call);
    fpu_.reduce(type, dim, a, s, unpacker_.srca_style(core_.cbs, swapped ? icb_scaler : icb), dest_, idst, call);
    ++tile_ops_;
}

// ---- element-wise binary and broadcast (FPU) ----

void KernelContext::binary_init(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest,
                                const char* call) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started(call);
    fpu_.require_no_tilize(call);
    fpu_.init_binary(op, bcast, icb0, icb1, acc_to_dest);
}

void KernelContext::binary_math_init(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest,
                                     const char* call) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state (the MOP is reprogrammed)
    require_started(call);
    fpu_.require_no_tilize(call);
    fpu_.init_binary_math(op, bcast, icb0, icb1, acc_to_dest, call);
}

void KernelContext::binary_tiles(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, uint32_t itile0,
                                 uint32_t itile1, uint32_t idst, const char* call) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started(call);
    fpu_.require_binary(op, bcast, icb0, icb1, call);
    dest_.require(DstState::Acquired, call);
    dest_.require_index(idst, call);
    unpacker_.require_srca(core_.cbs, icb0, call);
    unpacker_.require_srcb(core_.cbs, icb1, call);
    unpacker_.require_src_readable(core_.cbs, icb0, "SrcA", call);
    unpacker_.require_src_readable(core_.cbs, icb1, "SrcB", call);
    float a[1024], b[1024];
    unpack(icb0, itile0, a, call);
    unpack(icb1, itile1, b, call);
    fpu_.eltwise_binary(op, bcast, a, b, unpacker_.srca_style(core_.cbs, icb0), dest_, idst, call);
    ++tile_ops_;
}

// ---- copy and unary broadcast (FPU datacopy) ----

void KernelContext::copy_init(uint32_t icb) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started("copy_init");
    fpu_.require_no_tilize("copy_init");
    fpu_.init_copy(icb);
}

void KernelContext::copy_tile(uint32_t icb, uint32_t itile, uint32_t idst) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    const char* call = "copy_tile";
    require_started(call);
    fpu_.require_copy(icb);
    dest_.require(DstState::Acquired, call);
    dest_.require_index(idst, call);
    unpacker_.require_srca(core_.cbs, icb, call);
    float a[1024];
    unpack(icb, itile, a, call, UnpackTo::DestIfUnpackToDestFp32);
    Fpu::datacopy(a, dest_, idst);
    ++tile_ops_;
}

void KernelContext::unary_bcast_init(BcastDim bcast, uint32_t icb) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    const char* call = "unary_bcast_init";
    require_started(call);
    fpu_.require_no_tilize(call);
    {
        std::lock_guard<std::mutex> lk(sched_.m);
        cb(int32_t(icb), call);
    }
    fpu_.init_unary_bcast(bcast, icb);
}

void KernelContext::unary_bcast_uninit(BcastDim bcast, uint32_t icb) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started("unary_bcast_uninit");
    fpu_.uninit_unary_bcast(bcast, icb);
}

void KernelContext::unary_bcast(BcastDim bcast, uint32_t icb, uint32_t itile, uint32_t idst) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    const std::string call = "unary_bcast(" + cb_name(int32_t(icb)) + ")";
    require_started(call.c_str());
    fpu_.require_unary_bcast(bcast, icb, call);
    dest_.require(DstState::Acquired, call.c_str());
    dest_.require_index(idst, call.c_str());
    // bcast.h: a CB whose unpack destination format is Float32 (a Float32 CB marked UnpackToDestFp32) unpacks
    // straight to DEST ("SrcB is only 19bits wide"); others go through SrcB (formats/unpacker.hpp).
    // The SrcA/SrcB format rule is not applied here: which unpacker's format registers the broadcast unpack
    // (llk_unpack_A with a broadcast type) reads is not pinned down by the 0.81 headers.
    float a[1024];
    unpack(icb, itile, a, call.c_str(), UnpackTo::DestIfUnpackToDestFp32);
    Fpu::broadcast_copy(bcast, a, dest_, idst);
    ++tile_ops_;
}

// ---- SFPU ----

void KernelContext::sfpu_init(SfpuOp op) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started("SFPU *_tile_init");
    sfpu_.init(op);
}

void KernelContext::sfpu_op(SfpuOp op, uint32_t idst, uint32_t param_bits, const char* call) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started(call);
    sfpu_.require_init(op, call, "*_tile_init");
    dest_.require(DstState::Acquired, call);
    dest_.require_index(idst, call);
    sfpu_.unary(op, param_bits, dest_, idst);
    ++tile_ops_;
}

void KernelContext::sfpu_binary(SfpuOp op, uint32_t idst0, uint32_t idst1, uint32_t odst, bool round_nearest_even,
                                const char* call) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started(call);
    sfpu_.require_init(op, call, "*_binary_tile_init");
    dest_.require(DstState::Acquired, call);
    dest_.require_index(idst0, call);
    dest_.require_index(idst1, call);
    dest_.require_index(odst, call);
    sfpu_.binary(op, round_nearest_even, dest_, idst0, idst1, odst);
    ++tile_ops_;
}

// ---- SFPU with DEST-resident operands (sfpu_binary_bcast.h, addcmul.h) ----

void KernelContext::sfpu_bcast_col_init() {
    require_started("sfpu_bcast_col_init");
    sfpu_.init_bcast_col();
}

void KernelContext::sfpu_bcast_col(BinaryOp op, uint32_t idata, uint32_t ibcast, const char* call) {
    require_started(call);
    dest_.require(DstState::Acquired, call);
    dest_.require_index(idata, call);
    dest_.require_index(ibcast, call);
    sfpu_.bcast_col(op, dest_, idata, ibcast, call);
    ++tile_ops_;
}

void KernelContext::sfpu_normalize_bcast_col(uint32_t idata, uint32_t imean, uint32_t iinv_std, const char* call) {
    require_started(call);
    dest_.require(DstState::Acquired, call);
    dest_.require_index(idata, call);
    dest_.require_index(imean, call);
    dest_.require_index(iinv_std, call);
    sfpu_.normalize_bcast_col(dest_, idata, imean, iinv_std, call);
    ++tile_ops_;
}

void KernelContext::sfpu_addcmul(uint32_t idst0, uint32_t idst1, uint32_t idst2, uint32_t odst, uint32_t value_bits,
                                 const char* call) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started(call);
    dest_.require(DstState::Acquired, call);
    for (uint32_t i : {idst0, idst1, idst2, odst}) {
        dest_.require_index(i, call);
    }
    sfpu_.addcmul(dest_, idst0, idst1, idst2, odst, value_bits, call);
    ++tile_ops_;
}

void KernelContext::sfpu_copy_dest(uint32_t idst, uint32_t odst, const char* call) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    require_started(call);
    dest_.require(DstState::Acquired, call);
    dest_.require_index(idst, call);
    dest_.require_index(odst, call);
    sfpu_.copy_dest(dest_, idst, odst, call);
    ++tile_ops_;
}

// ---- SFPU column reduce (compute_kernel_api.h) and transpose in DEST (transpose_dest.h) ----

void KernelContext::sfpu_reduce_init() {
    require_started("sfpu_reduce_init");
    sfpu_.init_reduce_sum();  // records its replay: see math/sfpu.hpp
}

void KernelContext::sfpu_reduce_col_sum(uint32_t idst, uint32_t ct_dim, uint32_t rt_dim, const char* call) {
    require_started(call);
    if (ct_dim != 1 || rt_dim != 1) {
        // compute_kernel_api.h: "ct_dim ... must be 1 when reduce_dim is REDUCE_COL" (rt_dim likewise).
        fail(std::string(call) + "<SUM, Float32, REDUCE_COL> with ct_dim = " + std::to_string(ct_dim) +
             ", rt_dim = " + std::to_string(rt_dim) + ": REDUCE_COL operates on a single tile (both must be 1)");
    }
    dest_.require(DstState::Acquired, call);
    dest_.require_index(idst, call);
    sfpu_.reduce_col_sum(dest_, idst, call);
    ++tile_ops_;
}

void KernelContext::transpose_dest_init(bool is_32bit, bool transpose_of_faces) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    const char* call = "transpose_dest_init";
    require_started(call);
    if (!is_32bit && !transpose_of_faces) {
        unsupported("transpose_dest_init<false, false> (tt-llk llk_math_transpose_dest.h: "
                    "\"<transpose_of_faces=false, is_32bit=false>: not supported\")");
    }
    fpu_.require_no_tilize(call);
    fpu_.init_transpose_dest(is_32bit, transpose_of_faces);
}

void KernelContext::transpose_dest(bool is_32bit, bool transpose_of_faces, uint32_t idst) {
    sfpu_.clobber_replay();  // see math/sfpu.hpp: the SFPU replay state
    const std::string call = std::string("transpose_dest<") + (is_32bit ? "true" : "false") + ", " +
                             (transpose_of_faces ? "true" : "false") + ">(" + std::to_string(idst) + ")";
    require_started(call.c_str());
    if (!is_32bit && !transpose_of_faces) {
        unsupported("transpose_dest<false, false> (tt-llk llk_math_transpose_dest.h: not supported)");
    }
    fpu_.require_transpose_dest(is_32bit, transpose_of_faces, call);
    if (is_32bit != dest_.fp32()) {
        fail(call + " with " + dest_.mode_text() + ": is_32bit must match the DEST mode (the 32-bit path moves the "
             "DEST_32B_LOW halves of 32-bit data, the 16-bit path 16-bit data; math/fpu.hpp)");
    }
    dest_.require(DstState::Acquired, call.c_str());
    dest_.require_index(idst, call.c_str());
    Fpu::transpose_dest(dest_, idst, transpose_of_faces);
    ++tile_ops_;
}

// ---- DST hand-off and pack_tile ----

void KernelContext::tile_regs_acquire() {
    require_started("tile_regs_acquire");
    dest_.acquire();
}

void KernelContext::tile_regs_commit() {
    require_started("tile_regs_commit");
    dest_.commit();
}

void KernelContext::tile_regs_wait() {
    require_started("tile_regs_wait");
    dest_.wait();
}

void KernelContext::tile_regs_release() {
    require_started("tile_regs_release");
    dest_.release();
}

void KernelContext::pack_tile(uint32_t idst, uint32_t ocb, uint32_t out_tile, bool out_of_order) {
    const std::string call = "pack_tile(" + std::to_string(idst) + ", " + cb_name(int32_t(ocb)) + ")";
    require_started(call.c_str());
    dest_.require(DstState::Waited, call.c_str());
    dest_.require_index(idst, call.c_str());
    packer_.check_pack_tile(core_.cbs, ocb, call);
    std::lock_guard<std::mutex> lk(sched_.m);
    packer_.pack_tile(dest_.tile(idst), cb(int32_t(ocb), call.c_str()), core_.l1, ocb, out_tile, out_of_order, call);
}

}  // namespace tensix_emu
