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
// - Arithmetic (math/fidelity.hpp; formats/numerics.hpp, "Where this model differs from silicon"): both operands
//   are read in SrcA's style (a TF32 SrcB under a BF16 SrcA truncated to BF16 unless optimistic); every FPU
//   multiply (mul_tiles and its broadcasts) is math::elwmul and every SUM/AVG reduction math::fpu_dot, over the
//   kernel's MATH_FIDELITY phases with a DEST write per phase; ELWMUL adds onto the DEST tile's current value
//   (ISA ELWMUL.md "Dst += SrcA * SrcB": +0 after the packer's release, an earlier result of the acquire
//   otherwise). Add and sub are single-phase; MAX is a plain max of float32 products (GMPOOL, no fidelity phases).
// - Accumulate into DEST (ELWADD/ELWSUB's AddDst flag, ISA WormholeB0 ELWADD.md / ELWSUB.md: Dst += SrcA +- SrcB):
//   set by add_init / sub_init(acc_to_dest = true) or by llk_math_eltwise_binary_init(..., acc_to_dest) after a full
//   init of the same operation; cleared by every other binary init (each reprograms the MOP, tt-llk
//   llk_math_eltwise_binary.h eltwise_binary_configure_mop_standard).
// - transpose_dest (tt-metal 0.81.1 api/compute/transpose_dest.h, LLK tt-llk tt_llk_wormhole_b0/llk_lib/
//   llk_math_transpose_dest.h): an in-place transpose of one DEST tile by MOVD2B / TRNSPSRCB / MOVB2D / MOVA2D through
//   SrcB and SrcA, programmed by transpose_dest_init (ADDR_MOD_0..3, the MOP, replay slots 16..): like every other
//   FPU init it replaces the operation in force, and transpose_dest needs its init with the same template arguments.
//   Modelled: <is_32bit, transpose_of_faces> = <true, true> (32x32, the hi and lo 16-bit halves moved separately),
//   <true, false> (each 16x16 face in place, the faces where they are) and <false, true> (32x32 of a 16-bit DEST),
//   all bit for bit: the call sets the zero-flag PRESERVE policy itself (_configure_preserve_zero_flag_state_) and
//   tt-llk tests/python_tests/test_transpose_dest.py calls the 32-bit path a "Lossless transpose of 32-bit values
//   in dest" (Float32 and Int32). <false, false> is refused (the LLK's note: "not supported"), and is_32bit must
//   match the DEST mode: the 32-bit path moves DEST_32B_LOW halves of 32-bit data, the 16-bit path 16-bit data only
//   (the LLK test pairs them so); the emulator refuses a mismatch rather than guess what it does.
#pragma once

#include <cstdint>
#include <string>

#include "emu/kernel_iface.hpp"
#include "math/dest.hpp"
#include "math/fidelity.hpp"

namespace tensix_emu {

class Fpu {
public:
    /// From the kernel's compute config: MathFidelity value (0 LoFi, 2 HiFi2, 3 HiFi3, 4 HiFi4) and the
    /// SrcB reading (RunOptions::optimistic_srcb).
    void configure(int math_fidelity, bool optimistic_srcb) {
        math_fidelity_ = math_fidelity;
        optimistic_srcb_ = optimistic_srcb;
    }
    // ---- init / call pairing; each throws KernelFailure with the call's message ----
    /// "<call>: tilize is still initialised (call tilize_uninit first)".
    void require_no_tilize(const std::string& call) const;
    void init_tilize(uint32_t icb, uint32_t block, uint32_t ocb);
    void uninit_tilize(uint32_t icb, uint32_t ocb);
    void require_tilize(uint32_t icb, uint32_t ocb, const std::string& call) const;
    void init_reduce(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler);
    void uninit_reduce();
    void require_reduce(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler) const;
    /// A full binary init (unpack + math: add/sub/mul_init, *_bcast_*_init); acc_to_dest as the math init takes it
    /// (init_binary_math). Clears any earlier accumulate mode.
    void init_binary(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest);
    /// The math-only init llk_math_eltwise_binary_init<op, bcast, fidelity>(icb0, icb1, acc_to_dest) (tt-metal 0.81
    /// hw/ckernels/<arch>/metal/llk_api/llk_math_binary_api.h): reprograms the FPU's MOP with AddDst = acc_to_dest
    /// for add and sub (tt-llk llk_math_eltwise_binary.h eltwise_binary_configure_mop_standard), nothing on the
    /// unpacker; on a multiply acc_to_dest changes nothing (ELWMUL always adds onto DEST). Throws KernelFailure unless
    /// a full init of the same op, broadcast and CBs is in force (the unpacker would otherwise be in another
    /// operation's state).
    void init_binary_math(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest,
                          const char* call);
    void require_binary(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, const char* call) const;
    void init_copy(uint32_t icb);
    void require_copy(uint32_t icb, const char* call = "copy_tile") const;
    void init_unary_bcast(BcastDim bcast, uint32_t icb);
    void uninit_unary_bcast(BcastDim bcast, uint32_t icb);
    void require_unary_bcast(BcastDim bcast, uint32_t icb, const std::string& call) const;
    /// transpose_dest_init<is_32bit, transpose_of_faces> (the combination checked by the caller).
    void init_transpose_dest(bool is_32bit, bool faces);
    /// Throws KernelFailure unless transpose_dest_init with the same template arguments is in force.
    void require_transpose_dest(bool is_32bit, bool faces, const std::string& call) const;

    // ---- tile math: a, b, s are logical 32x32 tiles (row-major) as unpacked; style: SrcA's (fidelity.hpp) ----
    /// reduce_tile: accumulates the reduction of `a` scaled by the scaler tile `s` into DEST tile idst (REDUCE_ROW
    /// into column 0, REDUCE_COL into row 0, REDUCE_SCALAR into [0][0]). REDUCE_ROW SUM/AVG has the scaler in
    /// SrcA (swapped), every other reduce the data. Throws KernelFailure for an unknown math fidelity.
    void reduce(PoolType type, ReduceDim dim, float* a, float* s, math::SrcStyle style, Dest& dest, uint32_t idst,
                const char* call) const;
    /// add/sub/mul_tiles and their broadcast forms: DEST[idst] = a op bcast(b), or (add/sub in accumulate mode)
    /// DEST[idst] = (a op bcast(b)) + DEST[idst].
    void eltwise_binary(BinaryOp op, BcastDim bcast, const float* a, float* b, math::SrcStyle style, Dest& dest,
                        uint32_t idst, const char* call) const;
    /// copy_tile and tilize's datacopy: DEST[idst] = a.
    static void datacopy(const float* a, Dest& dest, uint32_t idst);
    /// Same into a tile outside DEST's file (tilize packs each tile as it is made).
    static void datacopy(const float* a, const Dest& dest, float* out);
    /// unary_bcast: DEST[idst] = row 0 / column 0 / [0][0] of a broadcast over the tile.
    static void broadcast_copy(BcastDim bcast, const float* a, Dest& dest, uint32_t idst);
    /// transpose_dest: DEST[idst][r][c] = old [c][r] (faces: the whole 32x32 tile), or within each 16x16 face.
    static void transpose_dest(Dest& dest, uint32_t idst, bool faces);

private:
    int phases(const char* call) const;
    int math_fidelity_ = 4;
    bool optimistic_srcb_ = false;
    enum class Mode { None, Tilize, Reduce, Binary, Copy, UnaryBcast, TransposeDest };
    Mode mode_ = Mode::None;
    uint32_t icb0_ = 0, icb1_ = 0, ocb_ = 0, block_ = 0;
    BinaryOp bin_op_ = BinaryOp::ADD;
    BcastDim bin_bcast_ = BcastDim::NONE;
    bool bin_acc_ = false;  // AddDst, as the last binary init set it (acts on ELWADD / ELWSUB only)
    PoolType red_type_ = PoolType::SUM;
    ReduceDim red_dim_ = ReduceDim::REDUCE_ROW;
    BcastDim ubcast_dim_ = BcastDim::NONE;
    bool tr_32bit_ = false, tr_faces_ = true;
};

}  // namespace tensix_emu
