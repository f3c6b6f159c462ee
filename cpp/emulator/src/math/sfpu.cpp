// SPDX-License-Identifier: Apache-2.0
//
// Room "math": SFPU op values and their DEST stores (see sfpu.hpp; rounding in formats/numerics.hpp, point 3).
#include "math/sfpu.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "formats/numerics.hpp"
#include "kernel_failure.hpp"

namespace tensix_emu {

float sfpu_eval(SfpuOp op, float x, float p) {
    switch (op) {
        case SfpuOp::SQUARE: return x * x;
        // Exact in float32; silicon refines an approximation (ckernel_sfpu_sqrt.h), close to 1 ulp of fp32.
        case SfpuOp::RSQRT: return 1.0f / std::sqrt(x);
        case SfpuOp::MUL_SCALAR: return x * p;
        case SfpuOp::ADD_SCALAR: return x + p;
        case SfpuOp::SUB_SCALAR: return x - p;
        case SfpuOp::RECIP: return 1.0f / x;
        case SfpuOp::SQRT: return std::sqrt(x);
        // Exact in float32; silicon's non-approximate exp (ckernel_sfpu_exp.h _sfpu_exp_21f_bf16_) evaluates a
        // polynomial approximation and, for a 16-bit DEST, rounds to bf16 to nearest (RoundMode::Nearest).
        case SfpuOp::EXP: return std::exp(x);
        default: return x;
    }
}

float sfpu_eval_binary(SfpuOp op, float x, float y) {
    return op == SfpuOp::ADD_BINARY ? x + y : op == SfpuOp::SUB_BINARY ? x - y : x * y;
}

void Sfpu::init(SfpuOp op) {
    // add/sub/mul_unary_tile share binop_with_scalar_tile_init.
    if (op == SfpuOp::MUL_SCALAR || op == SfpuOp::ADD_SCALAR || op == SfpuOp::SUB_SCALAR) {
        inited_[int(SfpuOp::MUL_SCALAR)] = inited_[int(SfpuOp::ADD_SCALAR)] = inited_[int(SfpuOp::SUB_SCALAR)] = true;
    } else {
        inited_[int(op)] = true;
    }
}

void Sfpu::require_init(SfpuOp op, const char* call, const char* init) const {
    if (!inited_[int(op)]) {
        fail(std::string(call) + " without its " + init);
    }
}

void Sfpu::unary(SfpuOp op, uint32_t param_bits, Dest& dest, uint32_t idst) {
    const float p = bits_to_float(param_bits);
    // square and rsqrt (and recip, sqrt, exp) round to bf16 in software; the binop_with_scalar ops store with SFPSTORE
    // truncation.
    const bool rne = op == SfpuOp::SQUARE || op == SfpuOp::RSQRT || op == SfpuOp::RECIP || op == SfpuOp::SQRT ||
                     op == SfpuOp::EXP;
    float* d = dest.tile(idst);
    for (uint32_t i = 0; i < 1024; ++i) {
        d[i] = dest.sfpu_write(sfpu_eval(op, d[i], p), rne);
    }
}

void Sfpu::binary(SfpuOp op, bool round_nearest_even, Dest& dest, uint32_t idst0, uint32_t idst1, uint32_t odst) {
    const float* x = dest.tile(idst0);
    const float* y = dest.tile(idst1);
    float r[1024];
    for (uint32_t i = 0; i < 1024; ++i) {
        r[i] = dest.sfpu_write(sfpu_eval_binary(op, x[i], y[i]), round_nearest_even);
    }
    std::memcpy(dest.tile(odst), r, sizeof r);
}

}  // namespace tensix_emu
