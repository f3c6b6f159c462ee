// SPDX-License-Identifier: Apache-2.0
//
// Room "math": FPU init pairing and tile math (see fpu.hpp).
#include "math/fpu.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "cb/circular_buffer.hpp"
#include "kernel_failure.hpp"

namespace tensix_emu {

// ---- init / call pairing ----

void Fpu::require_no_tilize(const std::string& call) const {
    if (mode_ == Mode::Tilize) {
        fail(call + ": tilize is still initialised (call tilize_uninit first)");
    }
}

void Fpu::init_tilize(uint32_t icb, uint32_t block, uint32_t ocb) {
    if (mode_ == Mode::Tilize) {
        fail("tilize_init: tilize is already initialised for " + cb_name(int32_t(icb0_)) + " -> " +
             cb_name(int32_t(ocb_)) + " (call tilize_uninit before re-initialising)");
    }
    mode_ = Mode::Tilize;
    icb0_ = icb;
    ocb_ = ocb;
    block_ = block;
}

void Fpu::uninit_tilize(uint32_t icb, uint32_t ocb) {
    if (mode_ != Mode::Tilize || icb0_ != icb || ocb_ != ocb) {
        fail("tilize_uninit(" + cb_name(int32_t(icb)) + ", " + cb_name(int32_t(ocb)) +
             "): tilize was not initialised for these CBs");
    }
    mode_ = Mode::None;
}

void Fpu::require_tilize(uint32_t icb, uint32_t ocb, const std::string& call) const {
    if (mode_ != Mode::Tilize || icb0_ != icb || ocb_ != ocb) {
        fail(call + " without tilize_init for these CBs");
    }
}

void Fpu::init_reduce(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler) {
    mode_ = Mode::Reduce;
    icb0_ = icb;
    icb1_ = icb_scaler;
    red_type_ = type;
    red_dim_ = dim;
}

void Fpu::uninit_reduce() {
    if (mode_ == Mode::Reduce) {
        mode_ = Mode::None;
    }
}

void Fpu::require_reduce(PoolType type, ReduceDim dim, uint32_t icb, uint32_t icb_scaler) const {
    if (mode_ != Mode::Reduce || icb0_ != icb || icb1_ != icb_scaler || red_type_ != type || red_dim_ != dim) {
        fail(std::string("reduce_tile(") + cb_name(int32_t(icb)) + ", " + cb_name(int32_t(icb_scaler)) +
             ") without a matching reduce_init");
    }
}

void Fpu::init_binary(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest) {
    mode_ = Mode::Binary;
    bin_op_ = op;
    bin_bcast_ = bcast;
    icb0_ = icb0;
    icb1_ = icb1;
    // AddDst acts on ELWADD / ELWSUB only (eltwise_binary): tt-llk llk_lib/llk_math_eltwise_binary.h
    // eltwise_binary_configure_mop_standard programs ELWMUL with acc_to_dest 0 whatever the caller passed (tt-metal
    // 0.81 api/compute/eltwise_binary.h mul_init: "acc_to_dest defaults to true here for backwards compatibility with
    // Quasar ...; it is unused on WH/BH"), so mul_init's flag changes nothing.
    bin_acc_ = acc_to_dest;
}

void Fpu::init_binary_math(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, bool acc_to_dest,
                           const char* call) {
    // llk_math_eltwise_binary_init programs the math side only (llk_math_binary_api.h: the MOP and address modes;
    // operand_A names the tile shape, operand_B is unused): the unpacker must already be in the state of a full init
    // of the same operation (llk_unpack_AB_init<bcast>(icb0, icb1)), which is how upstream uses it
    // (ttnn experimental/deepseek_prefill/attn_res_weighted_reduce_nc weighted_reduce_nc.cpp: bcast_init, then
    // the math init with acc_to_dest = 1). The pessimistic reading: the same op, broadcast and CBs.
    if (mode_ != Mode::Binary || bin_op_ != op || bin_bcast_ != bcast || icb0_ != icb0 || icb1_ != icb1) {
        fail(std::string(call) + "(" + cb_name(int32_t(icb0)) + ", " + cb_name(int32_t(icb1)) +
             "): the FPU is not initialised for this operation, broadcast and CBs by a full init (e.g. "
             "sub_bcast_cols_init with the same CBs): the math-only init leaves the unpacker in another state");
    }
    // acc_to_dest with ELWMUL: accepted and changes nothing. The LLK programs ELWMUL with AddDst 0 whatever it is told
    // (eltwise_binary_configure_mop_standard), and ELWMUL accumulates into DEST by itself (ISA WormholeB0 ELWMUL.md:
    // "Dst += SrcA * SrcB"), which the model always does (math/fidelity.hpp elwmul): upstream's weighted_reduce_nc.cpp
    // relies on exactly that.
    bin_acc_ = acc_to_dest;
}

void Fpu::require_binary(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1, const char* call) const {
    if (mode_ != Mode::Binary || bin_op_ != op || bin_bcast_ != bcast || icb0_ != icb0 || icb1_ != icb1) {
        fail(std::string(call) + "(" + cb_name(int32_t(icb0)) + ", " + cb_name(int32_t(icb1)) +
             ") without its matching init (e.g. " + call + "'s *_init with the same CBs)");
    }
}

void Fpu::init_copy(uint32_t icb) {
    mode_ = Mode::Copy;
    icb0_ = icb;
}

void Fpu::require_copy(uint32_t icb, const char* call) const {
    if (mode_ != Mode::Copy || icb0_ != icb) {
        fail(std::string(call) + "(" + cb_name(int32_t(icb)) + ") without copy_init for this CB (pack_untilize_init "
             "does the same unpack/math init for its input CB)");
    }
}

void Fpu::init_unary_bcast(BcastDim bcast, uint32_t icb) {
    mode_ = Mode::UnaryBcast;
    icb0_ = icb;
    ubcast_dim_ = bcast;
}

void Fpu::uninit_unary_bcast(BcastDim bcast, uint32_t icb) {
    if (mode_ != Mode::UnaryBcast || ubcast_dim_ != bcast || icb0_ != icb) {
        fail("unary_bcast_uninit(" + cb_name(int32_t(icb)) + "): unary_bcast was not initialised for this CB and type");
    }
    mode_ = Mode::None;
}

void Fpu::require_unary_bcast(BcastDim bcast, uint32_t icb, const std::string& call) const {
    if (mode_ != Mode::UnaryBcast || ubcast_dim_ != bcast || icb0_ != icb) {
        fail(call + " without a matching unary_bcast_init");
    }
}

void Fpu::init_transpose_dest(bool is_32bit, bool faces) {
    mode_ = Mode::TransposeDest;
    tr_32bit_ = is_32bit;
    tr_faces_ = faces;
}

void Fpu::require_transpose_dest(bool is_32bit, bool faces, const std::string& call) const {
    if (mode_ != Mode::TransposeDest || tr_32bit_ != is_32bit || tr_faces_ != faces) {
        fail(call + " without transpose_dest_init with the same template arguments in force (another FPU init "
             "since reprograms ADDR_MOD_0..3 and the MOP it runs)");
    }
}

// ---- tile math ----

int Fpu::phases(const char* call) const {
    try {
        return math::fidelity_phase_count(math_fidelity_);
    } catch (const std::invalid_argument& e) {
        fail(std::string(call) + ": ComputeConfigDescriptor " + e.what());
    }
}

void Fpu::reduce(PoolType type, ReduceDim dim, float* a, float* s, math::SrcStyle style, Dest& dest, uint32_t idst,
                 const char* call) const {
    float* d = dest.tile(idst);
    // Scaler layout (ttnn/cpp/ttnn/kernel_lib/reduce_helpers_dataflow.inl, fill_each_face_row0_partial): row 0 of
    // EVERY face holds the scaler, for a partial last tile only in the valid positions. The scaler of input element
    // (r, c) is therefore row 0 of the face holding (r, c): for REDUCE_ROW, logical scaler row (r/16)*16, column c
    // (faces 0/1 for output rows 0-15, faces 2/3 for rows 16-31); for REDUCE_COL the face row 0 entries index the
    // reduced rows: face ((r/16), (c/16)), column r%16 -> logical scaler row (r/16)*16, column (c/16)*16 + r%16.
    // Results: REDUCE_ROW in column 0, REDUCE_COL in row 0, REDUCE_SCALAR in [0][0] (reduce.h).
    const bool max = type == PoolType::MAX;
    const bool swapped = dim == ReduceDim::REDUCE_ROW && !max;  // MVMUL: scaler in SrcA, data in SrcB
    float* srcb = swapped ? a : s;
    for (uint32_t i = 0; i < 1024; ++i) {
        srcb[i] = math::read_operand(srcb[i], style, optimistic_srcb_);
    }
    const int n_phases = max ? 1 : phases(call);
    auto scaler_row = [&](uint32_t r, uint32_t c) { return s[(r / 16) * 16 * 32 + c]; };
    auto scaler_col = [&](uint32_t r, uint32_t c) { return s[(r / 16) * 16 * 32 + (c / 16) * 16 + (r % 16)]; };
    // SUM/AVG: MVMUL / GAPOOL under math fidelity (math/fidelity.hpp 5); MAX: GMPOOL, max of the scaled values.
    auto pool = [&](float dst, uint32_t n, auto data, auto scal) {
        if (max) {
            float acc = -std::numeric_limits<float>::infinity();
            for (uint32_t k = 0; k < n; ++k) {
                acc = std::max(acc, data(k) * scal(k));
            }
            return dest.fpu_write(std::max(dst, acc));
        }
        return swapped ? math::fpu_dot(dst, n, scal, data, n_phases, dest.fp32())
                       : math::fpu_dot(dst, n, data, scal, n_phases, dest.fp32());
    };
    if (dim == ReduceDim::REDUCE_ROW) {
        for (uint32_t r = 0; r < 32; ++r) {
            d[r * 32] = pool(d[r * 32], 32, [&](uint32_t c) { return a[r * 32 + c]; },
                             [&](uint32_t c) { return scaler_row(r, c); });
        }
    } else if (dim == ReduceDim::REDUCE_COL) {
        for (uint32_t c = 0; c < 32; ++c) {
            d[c] = pool(d[c], 32, [&](uint32_t r) { return a[r * 32 + c]; }, [&](uint32_t r) { return scaler_col(r, c); });
        }
    } else {
        d[0] = pool(d[0], 1024, [&](uint32_t i) { return a[i]; }, [&](uint32_t) { return s[0]; });
    }
}

void Fpu::eltwise_binary(BinaryOp op, BcastDim bcast, const float* a, float* b, math::SrcStyle style, Dest& dest,
                         uint32_t idst, const char* call) const {
    // ELWADD / ELWSUB / ELWMUL read both operands in SrcA's style; ELWMUL runs MATH_FIDELITY's phases
    // (math/fidelity.hpp); add and sub are single-phase (tt-llk llk_lib/llk_math_eltwise_binary.h: "Math fidelity
    // larger than LoFi only works with Eltwise multiply").
    for (uint32_t i = 0; i < 1024; ++i) {
        b[i] = math::read_operand(b[i], style, optimistic_srcb_);
    }
    const int n_phases = op == BinaryOp::MUL ? phases(call) : 1;
    // Accumulate (AddDst, add and sub only): the ISA's functional model (WormholeB0 ELWADD.md, ELWSUB.md) computes
    // `float Result = SrcA - SrcB; if (AddDst) Result += ReadDstFP32(Dst); Dst = WriteDstFP32(Result)` (16-bit DEST:
    // `Result += ReadDstBF16(Dst); Dst = WriteDstBF16(RoundToBF16(Result))`): two float32 roundings, then DEST's
    // write. That is the documented model, taken here as written; the ISA leaves the precision open ("precision
    // could be either lower or higher than what is shown"), so silicon may round once (fused) instead.
    // DEST tiles not written since the acquire read as zero (the packer clears what it releases: math/dest.hpp).
    // ELWMUL always adds onto DEST (elwmul), whatever bin_acc_ says.
    float* d = dest.tile(idst);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            float bv;
            switch (bcast) {
                case BcastDim::ROW: bv = b[c]; break;        // row 0 of B broadcast down
                case BcastDim::COL: bv = b[r * 32]; break;   // column 0 of B broadcast across
                case BcastDim::SCALAR: bv = b[0]; break;
                default: bv = b[r * 32 + c];
            }
            const float av = a[r * 32 + c];
            if (op == BinaryOp::MUL) {
                d[r * 32 + c] = math::elwmul(av, bv, n_phases, dest.fp32(), d[r * 32 + c]);  // Dst += (ELWMUL.md)
                continue;
            }
            float result = op == BinaryOp::ADD ? av + bv : av - bv;  // rounded to float32 (RNE)
            if (bin_acc_) {
                result += d[r * 32 + c];  // the second float32 rounding
            }
            d[r * 32 + c] = dest.fpu_write(result);
        }
    }
}

void Fpu::datacopy(const float* a, Dest& dest, uint32_t idst) { datacopy(a, dest, dest.tile(idst)); }

void Fpu::datacopy(const float* a, const Dest& dest, float* out) {
    for (uint32_t i = 0; i < 1024; ++i) {
        out[i] = dest.fpu_write(a[i]);
    }
}

void Fpu::broadcast_copy(BcastDim bcast, const float* a, Dest& dest, uint32_t idst) {
    float* d = dest.tile(idst);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            const float v = bcast == BcastDim::ROW      ? a[c]
                            : bcast == BcastDim::COL    ? a[r * 32]
                            : bcast == BcastDim::SCALAR ? a[0]
                                                        : a[r * 32 + c];
            d[r * 32 + c] = dest.fpu_write(v);
        }
    }
}

void Fpu::transpose_dest(Dest& dest, uint32_t idst, bool faces) {
    float* d = dest.tile(idst);
    float old[1024];
    std::memcpy(old, d, sizeof old);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            // Within a face: (16 fr + i, 16 fc + j) <- (16 fr + j, 16 fc + i); whole tile: (r, c) <- (c, r).
            const uint32_t src = faces ? c * 32 + r : ((r & 16u) | (c & 15u)) * 32 + ((c & 16u) | (r & 15u));
            d[r * 32 + c] = old[src];
        }
    }
}

}  // namespace tensix_emu
