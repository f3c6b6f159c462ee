// SPDX-License-Identifier: Apache-2.0
//
// Room "math": the SFPU (vector unit) of one compute kernel: unary ops on one DEST tile (square, rsqrt,
// binop_with_scalar, ...) and binary ops between DEST tiles (eltwise_binary_sfpu.h), in place in DEST.
//
// - Each op needs its *_tile_init first (tt-metal 0.81 api/compute/compute_kernel_api.h, eltwise_unary/
//   {rsqrt,binop_with_scalar}.h, eltwise_binary_sfpu.h); add/sub/mul_unary_tile share binop_with_scalar_tile_init.
// - sfpu_binary_bcast.h's column broadcast keeps state between calls: sfpu_bcast_col_init builds a lane mask in
//   LREG6 and records the broadcast sequence into replay slot 0 (LLK ckernel_sfpu_binary_bcast.h,
//   _sfpu_binary_bcast_init_). Other SFPU code allocates LREGs freely (sfpi) and other ops record into the same
//   replay slots (LLK ckernel_sfpu_mac.h: "the replay slots (0..6) are shared with other SFPU ops"), and which math
//   inits touch them is not documented: pessimistically, every other compute init and every other SFPU op ends
//   that state, and a column-broadcast op needs sfpu_bcast_col_init since. Both operands must be FP32 in DEST.
// - sfpu_reduce<SUM, Float32, REDUCE_COL> (compute_kernel_api.h) also replays what its init recorded: sfpu_reduce_init
//   records the float reduce sequence into replay slots 0..9 (LLK ckernel_sfpu_reduce.h init_reduce_sum_avg,
//   lltt::record(0, 10); Blackhole 0..8). One recording owns the SFPU's replay slots at a time (SfpuReplay): each
//   recording init takes them, and everything that ends the column-broadcast state above ends the reduce's too
//   (pessimistic: tt-llk cmath_common.h splits the buffer, "replay_buf_offset = 16; // split replay buffer usage
//   between fpu/sfpu", so FPU inits should leave slots 0..15 alone, but which SFPU code records there is not
//   documented). sfpu_reduce itself records nothing and keeps its recording live for the next sfpu_reduce.
// - Values: every op is evaluated in sfpu_eval / sfpu_eval_binary as the wheel's LLK computes it
//   (math/sfpu_functions.hpp: SFPMAD arithmetic bit-exact as the program's arch computes it, math/sfpmad.hpp
//   after the ISA repository's Miscellaneous/FMA/fma.c; addcmul's product-plus-addend as the one SFPMAD the LLK
//   issues; rsqrt/sqrt by ckernel_sfpu_sqrt.h's algorithm for APPROX = math_approx_mode), then stored into DEST
//   with the op's rounding (numerics.hpp, point 3; Dest::sfpu_write).
#pragma once

#include <cstdint>

#include "emu/kernel_iface.hpp"
#include "math/dest.hpp"
#include "math/sfpmad.hpp"

namespace tensix_emu {

/// The DEST value unary SFPU op `op` stores for x (param: the scalar of the binop_with_scalar ops), with
/// APPROX = approx and the DEST format fp32_dest (16-bit: the op's BF16 store rounding included); arch: whose
/// SFPMAD (math/sfpmad.hpp).
float sfpu_eval(SfpuOp op, float x, float param, bool approx, bool fp32_dest, math::SfpuArch arch);
/// The DEST value binary SFPU op `op` (ADD/SUB/MUL_BINARY) stores for (x, y); round_nearest_even selects
/// DstRoundingMode::NearestEven for add/sub; arch: whose SFPMAD.
float sfpu_eval_binary(SfpuOp op, float x, float y, bool round_nearest_even, bool fp32_dest, math::SfpuArch arch);

class Sfpu {
public:
    /// From the kernel's compute config: math_approx_mode (the kernel's APPROX); arch: the program's chip, whose
    /// SFPMAD the values follow (math/sfpmad.hpp).
    void configure(bool approx, math::SfpuArch arch) {
        approx_ = approx;
        arch_ = arch;
    }
    /// *_tile_init for op.
    void init(SfpuOp op);
    /// Throws KernelFailure "<call> without its <init>" unless op was initialised.
    void require_init(SfpuOp op, const char* call, const char* init) const;

    /// DEST[idst] = op(DEST[idst], param) elementwise; param_bits is the float32 scalar's bit pattern.
    void unary(SfpuOp op, uint32_t param_bits, Dest& dest, uint32_t idst) const;
    /// DEST[odst] = DEST[idst0] op DEST[idst1]; round_nearest_even selects DstRoundingMode::NearestEven.
    void binary(SfpuOp op, bool round_nearest_even, Dest& dest, uint32_t idst0, uint32_t idst1, uint32_t odst) const;

    /// sfpu_bcast_col_init: the lane mask (LREG6) and the broadcast replay (slot 0) are live from here.
    void init_bcast_col() { replay_ = SfpuReplay::BcastCol; }
    /// sfpu_reduce_init<SUM, Float32>: the float column-reduce replay (slots 0..9) is live from here.
    void init_reduce_sum() { replay_ = SfpuReplay::ReduceSum; }
    /// Anything else the math thread initialises or runs on the FPU/SFPU: no recording of ours is live any more
    /// (see the header comment).
    void clobber_replay() { replay_ = SfpuReplay::None; }
    /// DEST[idata] = DEST[idata] op (column 0 of DEST[ibcast] broadcast), sfpu_{add,sub,mul}_bcast_col.
    void bcast_col(BinaryOp op, Dest& dest, uint32_t idata, uint32_t ibcast, const char* call) const;
    /// DEST[idata] = (DEST[idata] - col 0 of DEST[imean]) * col 0 of DEST[iinv], sfpu_normalize_bcast_col.
    void normalize_bcast_col(Dest& dest, uint32_t idata, uint32_t imean, uint32_t iinv, const char* call) const;
    /// DEST[odst] = DEST[i0] + value * DEST[i1] * DEST[i2], addcmul_tile (fp32 DEST): SFPMUL then one SFPMAD.
    void addcmul(Dest& dest, uint32_t i0, uint32_t i1, uint32_t i2, uint32_t odst, uint32_t value_bits,
                 const char* call) const;

    /// DEST[odst] = DEST[idst] bit for bit, copy_dest_values<Float32> (fp32 DEST).
    void copy_dest(Dest& dest, uint32_t idst, uint32_t odst, const char* call) const;

    /// sfpu_reduce<SUM, Float32, REDUCE_COL>(idst): row 0 of DEST[idst] = the column sums of its 32 rows in the
    /// LLK's order and SFPADD rounding (sfpu.cpp), rows 1..3 = kDestPoison, rows 4..31 unchanged. Throws
    /// KernelFailure for a 16-bit DEST or unless sfpu_reduce_init's recording is live.
    void reduce_col_sum(Dest& dest, uint32_t idst, const char* call) const;

private:
    void require_bcast_col(const Dest& dest, const char* call) const;
    /// Whose recording the SFPU replay slots hold (see the header comment).
    enum class SfpuReplay { None, BcastCol, ReduceSum };
    bool inited_[uint32_t(SfpuOp::COUNT)] = {};
    SfpuReplay replay_ = SfpuReplay::None;
    bool approx_ = false;
    math::SfpuArch arch_ = math::SfpuArch::Wormhole;
};

}  // namespace tensix_emu
