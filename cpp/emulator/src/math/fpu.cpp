// SPDX-License-Identifier: Apache-2.0
//
// Room "math": FPU init pairing and tile math (see fpu.hpp).
#include "math/fpu.hpp"

#include <algorithm>
#include <limits>

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

void Fpu::init_binary(BinaryOp op, BcastDim bcast, uint32_t icb0, uint32_t icb1) {
    mode_ = Mode::Binary;
    bin_op_ = op;
    bin_bcast_ = bcast;
    icb0_ = icb0;
    icb1_ = icb1;
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

// ---- tile math ----

void Fpu::reduce(PoolType type, ReduceDim dim, const float* a, const float* s, Dest& dest, uint32_t idst) {
    float* d = dest.tile(idst);
    // Scaler layout (ttnn/cpp/ttnn/kernel_lib/reduce_helpers_dataflow.inl, fill_each_face_row0_partial): row 0 of
    // EVERY face holds the scaler, for a partial last tile only in the valid positions. The scaler of input element
    // (r, c) is therefore row 0 of the face holding (r, c): for REDUCE_ROW, logical scaler row (r/16)*16, column c
    // (faces 0/1 for output rows 0-15, faces 2/3 for rows 16-31); for REDUCE_COL the face row 0 entries index the
    // reduced rows: face ((r/16), (c/16)), column r%16 -> logical scaler row (r/16)*16, column (c/16)*16 + r%16.
    // Results: REDUCE_ROW in column 0, REDUCE_COL in row 0, REDUCE_SCALAR in [0][0] (reduce.h). Products and sums
    // in float32; each reduce_tile accumulates into DEST with DEST's rounding.
    auto scaler_row = [&](uint32_t r, uint32_t c) { return s[(r / 16) * 16 * 32 + c]; };
    auto scaler_col = [&](uint32_t r, uint32_t c) { return s[(r / 16) * 16 * 32 + (c / 16) * 16 + (r % 16)]; };
    const bool max = type == PoolType::MAX;
    const float init = max ? -std::numeric_limits<float>::infinity() : 0.0f;
    if (dim == ReduceDim::REDUCE_ROW) {
        for (uint32_t r = 0; r < 32; ++r) {
            float acc = init;
            for (uint32_t c = 0; c < 32; ++c) {
                const float v = fpu_mul(a[r * 32 + c], scaler_row(r, c));
                acc = max ? std::max(acc, v) : acc + v;
            }
            d[r * 32] = dest.fpu_write(max ? std::max(d[r * 32], acc) : d[r * 32] + acc);
        }
    } else if (dim == ReduceDim::REDUCE_COL) {
        for (uint32_t c = 0; c < 32; ++c) {
            float acc = init;
            for (uint32_t r = 0; r < 32; ++r) {
                const float v = fpu_mul(a[r * 32 + c], scaler_col(r, c));
                acc = max ? std::max(acc, v) : acc + v;
            }
            d[c] = dest.fpu_write(max ? std::max(d[c], acc) : d[c] + acc);
        }
    } else {
        float acc = init;
        for (uint32_t i = 0; i < 1024; ++i) {
            const float v = fpu_mul(a[i], s[0]);
            acc = max ? std::max(acc, v) : acc + v;
        }
        d[0] = dest.fpu_write(max ? std::max(d[0], acc) : d[0] + acc);
    }
}

void Fpu::eltwise_binary(BinaryOp op, BcastDim bcast, const float* a, const float* b, Dest& dest, uint32_t idst) {
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
            const float v = op == BinaryOp::ADD ? av + bv : op == BinaryOp::SUB ? av - bv : fpu_mul(av, bv);
            d[r * 32 + c] = dest.fpu_write(v);
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

}  // namespace tensix_emu
