// SPDX-License-Identifier: Apache-2.0
//
// Room "math": the SFPU (vector unit) of one compute kernel: unary ops on one DEST tile (square, rsqrt,
// binop_with_scalar, ...) and binary ops between DEST tiles (eltwise_binary_sfpu.h), in place in DEST.
//
// - Each op needs its *_tile_init first (tt-metal 0.81 api/compute/compute_kernel_api.h, eltwise_unary/
//   {rsqrt,binop_with_scalar}.h, eltwise_binary_sfpu.h); add/sub/mul_unary_tile share binop_with_scalar_tile_init.
// - Values: every op is evaluated in sfpu_eval / sfpu_eval_binary as the wheel's LLK computes it
//   (math/sfpu_functions.hpp: SFPMAD arithmetic with its denormal flush, rsqrt/sqrt by ckernel_sfpu_sqrt.h's
//   algorithm for APPROX = math_approx_mode), then stored into DEST with the op's rounding (numerics.hpp,
//   point 3; Dest::sfpu_write).
#pragma once

#include <cstdint>

#include "emu/kernel_iface.hpp"
#include "math/dest.hpp"

namespace tensix_emu {

/// The DEST value unary SFPU op `op` stores for x (param: the scalar of the binop_with_scalar ops), with
/// APPROX = approx and the DEST format fp32_dest (16-bit: the op's BF16 store rounding included).
float sfpu_eval(SfpuOp op, float x, float param, bool approx, bool fp32_dest);
/// The DEST value binary SFPU op `op` (ADD/SUB/MUL_BINARY) stores for (x, y); round_nearest_even selects
/// DstRoundingMode::NearestEven for add/sub.
float sfpu_eval_binary(SfpuOp op, float x, float y, bool round_nearest_even, bool fp32_dest);

class Sfpu {
public:
    /// From the kernel's compute config: math_approx_mode (the kernel's APPROX).
    void configure(bool approx) { approx_ = approx; }
    /// *_tile_init for op.
    void init(SfpuOp op);
    /// Throws KernelFailure "<call> without its <init>" unless op was initialised.
    void require_init(SfpuOp op, const char* call, const char* init) const;

    /// DEST[idst] = op(DEST[idst], param) elementwise; param_bits is the float32 scalar's bit pattern.
    void unary(SfpuOp op, uint32_t param_bits, Dest& dest, uint32_t idst) const;
    /// DEST[odst] = DEST[idst0] op DEST[idst1]; round_nearest_even selects DstRoundingMode::NearestEven.
    static void binary(SfpuOp op, bool round_nearest_even, Dest& dest, uint32_t idst0, uint32_t idst1,
                       uint32_t odst);

private:
    bool inited_[uint32_t(SfpuOp::COUNT)] = {};
    bool approx_ = false;
};

}  // namespace tensix_emu
