// SPDX-License-Identifier: Apache-2.0
//
// Room "math": the FPU (matrix unit) of one compute kernel: reduce, element-wise binary and broadcast, copy
// (datacopy A2D) and tilize's datacopy, on tiles the unpacker delivered (formats/unpacker.hpp), results into
// DEST (dest.hpp).
//
// - Which operation is initialised: every *_init configures the unpacker and the math engine for one operation
//   and its operand CBs (llk_unpack_*_init + llk_math_*_init in tt-metal 0.81 api/compute/{tilize,reduce,
//   eltwise_binary,bcast,tile_move_copy}.h); the matching call must follow with the same CBs, and tilize must be
//   uninitialised before anything else is initialised. The emulator refuses any other sequence.
// - Arithmetic (formats/numerics.hpp, "Where this model differs from silicon"): products and sums in float32 of
//   the SrcA/SrcB values; every FPU multiply goes through fpu_mul (HiFi4: the exact float32 product), every
//   reduction through Fpu::reduce (sequential float32 accumulation per reduce_tile, rounded into DEST once).
#pragma once

#include <cstdint>
#include <string>

#include "emu/kernel_iface.hpp"
#include "math/dest.hpp"

namespace tensix_emu {

/// One FPU multiply of two SrcA/SrcB values: the exact float32 product (math fidelity HiFi4; LoFi/HiFi2/HiFi3
/// phases are not modelled, numerics.hpp).
inline float fpu_mul(float a, float b) { return a * b; }

class Fpu {
public:
    // ---- init / call pairing; each throws KernelFailure with the call's message ----
    /// "<call>: tilize is still initialised (call tilize_uninit first)".
    void require_no_tilize(const std::string& call) const;
    void init_tilize(uint32_t icb, uint32_t block, uint32_t ocb);
    void uninit_tilize(uint32_t icb, uint32_t ocb);
    void require_tilize(uint32_t icb, uint32_t ocb, const std::string& call) const;
    void init_reduce(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler);
    void uninit_reduce();
    void require_reduce(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler) const;
    void init_binary(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1);
    void require_binary(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, const char* call) const;
    void init_copy(uint32_t icb);
    void require_copy(uint32_t icb, const char* call = "copy_tile") const;
    void init_unary_bcast(BcastDim bcast, uint32_t icb);
    void uninit_unary_bcast(BcastDim bcast, uint32_t icb);
    void require_unary_bcast(BcastDim bcast, uint32_t icb, const std::string& call) const;

    // ---- tile math: a, b, s are logical 32x32 tiles (row-major) as unpacked ----
    /// reduce_tile: accumulates the reduction of `a` scaled by the scaler tile `s` into DEST tile idst (REDUCE_ROW
    /// into column 0, REDUCE_COL into row 0, REDUCE_SCALAR into [0][0]).
    static void reduce(PoolType type, ReduceDim dim, const float* a, const float* s, Dest& dest, uint32_t idst);
    /// add/sub/mul_tiles and their broadcast forms: DEST[idst] = a op bcast(b).
    static void eltwise_binary(BinaryOp op, BcastDim bcast, const float* a, const float* b, Dest& dest,
                               uint32_t idst);
    /// copy_tile and tilize's datacopy: DEST[idst] = a.
    static void datacopy(const float* a, Dest& dest, uint32_t idst);
    /// Same into a tile outside DEST's file (tilize packs each tile as it is made).
    static void datacopy(const float* a, const Dest& dest, float* out);
    /// unary_bcast: DEST[idst] = row 0 / column 0 / [0][0] of a broadcast over the tile.
    static void broadcast_copy(BcastDim bcast, const float* a, Dest& dest, uint32_t idst);

private:
    enum class Mode { None, Tilize, Reduce, Binary, Copy, UnaryBcast };
    Mode mode_ = Mode::None;
    uint32_t icb0_ = 0, icb1_ = 0, ocb_ = 0, block_ = 0;
    BinaryOp bin_op_ = BinaryOp::ADD;
    BcastDim bin_bcast_ = BcastDim::NONE;
    PoolType red_type_ = PoolType::SUM;
    ReduceDim red_dim_ = ReduceDim::REDUCE_ROW;
    BcastDim ubcast_dim_ = BcastDim::NONE;
};

}  // namespace tensix_emu
