// SPDX-License-Identifier: Apache-2.0
//
// Room "math": SFPU op values and their DEST stores (see sfpu.hpp; rounding in formats/numerics.hpp, point 3).
#include "math/sfpu.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "formats/numerics.hpp"
#include "math/sfpu_functions.hpp"
#include "kernel_failure.hpp"

namespace tensix_emu {

float sfpu_eval(SfpuOp op, float x, float p, bool approx, bool fp32_dest, math::SfpuArch arch) {
    auto store = [&](float v, bool rne) { return fp32_dest ? v : (rne ? round_to_bf16(v) : truncate_to_bf16(v)); };
    switch (op) {
        // ckernel_sfpu_square.h: v * v (SFPMUL), then float32_to_bf16_rne_prgm for a 16-bit DEST.
        case SfpuOp::SQUARE: {
            const float sq = math::sfpmul(arch, x, x);
            return fp32_dest ? sq : math::sfp_round_bf16_rne_int(sq);
        }
        // ckernel_sfpu_rsqrt.h / ckernel_sfpu_sqrt.h for APPROX, including the convert<vFloat16b> store.
        case SfpuOp::RSQRT: return math::sfpu_sqrt(arch, x, approx, true, fp32_dest);
        case SfpuOp::SQRT: return math::sfpu_sqrt(arch, x, approx, false, fp32_dest);
        // ckernel_sfpu_binop_with_unary.h: one SFPMUL / SFPADD, stored with SFPSTORE truncation.
        case SfpuOp::MUL_SCALAR: return store(math::sfpmul(arch, x, p), false);
        case SfpuOp::ADD_SCALAR: return store(math::sfpadd(arch, x, p), false);
        case SfpuOp::SUB_SCALAR: return store(math::sfpsub(arch, x, p), false);
        // Not used by the op's kernels and not modelled: exact float32 division, rounded to nearest even.
        case SfpuOp::RECIP: return store(1.0f / x, true);
        // Exact in float32 (std::exp); silicon's non-approximate exp (ckernel_sfpu_exp.h _sfpu_exp_21f_bf16_)
        // evaluates a polynomial approximation and, for a 16-bit DEST, rounds to bf16 to nearest
        // (RoundMode::Nearest). Not modelled bit for bit: upstream's eltwise test allows 1 bf16 ULP.
        case SfpuOp::EXP: return store(std::exp(x), true);
        default: return x;
    }
}

float sfpu_eval_binary(SfpuOp op, float x, float y, bool round_nearest_even, bool fp32_dest,
                       math::SfpuArch arch) {
    // ckernel_sfpu_binary.h: one SFPADD / SFPMUL; mul with a 16-bit DEST rounds (float32_to_bf16_rne) and gives
    // 0 when either input is zero ("To match FPU behaviour ... 0 * x = 0").
    if (op == SfpuOp::MUL_BINARY) {
        if (fp32_dest) {
            return math::sfpmul(arch, x, y);
        }
        return x == 0.0f || y == 0.0f ? 0.0f : math::sfp_round_bf16_rne_int(math::sfpmul(arch, x, y));
    }
    const float v = op == SfpuOp::ADD_BINARY ? math::sfpadd(arch, x, y) : math::sfpsub(arch, x, y);
    return fp32_dest ? v : (round_nearest_even ? round_to_bf16(v) : truncate_to_bf16(v));
}

void Sfpu::require_bcast_col(const Dest& dest, const char* call) const {
    if (!dest.fp32()) {
        fail(std::string(call) + " needs an fp32 DEST (sfpu_binary_bcast.h: 'Both source registers must contain FP32 "
             "data (compile with fp32_dest_acc_en = true)'); this kernel has " + dest.mode_text());
    }
    if (replay_ != SfpuReplay::BcastCol) {
        fail(std::string(call) + " without sfpu_bcast_col_init since the last other compute init or SFPU op (its "
             "lane mask in LREG6 and replay slot 0 are not preserved by them)");
    }
}

void Sfpu::bcast_col(BinaryOp op, Dest& dest, uint32_t idata, uint32_t ibcast, const char* call) const {
    require_bcast_col(dest, call);
    const float* b = dest.tile(ibcast);
    float* d = dest.tile(idata);
    float col[32];
    for (uint32_t r = 0; r < 32; ++r) {
        col[r] = math::sfpu_bcast_col_value(arch_, b + r * 32);
    }
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            float& x = d[r * 32 + c];
            // LLK _process_col_bcast_row_band_: ADD SFPADD(data, 1, b); SUB SFPMOV negate then SFPADD; MUL SFPMUL.
            x = op == BinaryOp::ADD ? math::sfpadd(arch_, x, col[r])
                : op == BinaryOp::SUB ? math::sfpadd(arch_, x, -col[r])
                                      : math::sfpmul(arch_, x, col[r]);
        }
    }
}

void Sfpu::normalize_bcast_col(Dest& dest, uint32_t idata, uint32_t imean, uint32_t iinv, const char* call) const {
    require_bcast_col(dest, call);
    float mean[32], inv[32];
    for (uint32_t r = 0; r < 32; ++r) {
        mean[r] = math::sfpu_bcast_col_value(arch_, dest.tile(imean) + r * 32);
        inv[r] = math::sfpu_bcast_col_value(arch_, dest.tile(iinv) + r * 32);
    }
    float* d = dest.tile(idata);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            // LLK _process_col_normalize_row_band_ / _finish_col_normalize_row_band_: SFPMOV negate of the mean,
            // SFPADD(data, 1, -mean), then SFPMUL by the broadcast inverse std.
            d[r * 32 + c] = math::sfpmul(arch_, math::sfpadd(arch_, d[r * 32 + c], -mean[r]), inv[r]);
        }
    }
}

void Sfpu::addcmul(Dest& dest, uint32_t i0, uint32_t i1, uint32_t i2, uint32_t odst, uint32_t value_bits,
                   const char* call) const {
    require_init(SfpuOp::ADDCMUL, call, "addcmul_tile_init");
    if (!dest.fp32()) {
        fail(std::string(call) + " with " + dest.mode_text() + ": its 16-bit DEST store (convert<vFloat16b>, "
             "ckernel_sfpu_addcmul.h) is not modelled");
    }
    const float v = bits_to_float(value_bits);
    float r[1024];
    for (uint32_t i = 0; i < 1024; ++i) {
        r[i] = math::sfpu_addcmul(arch_, dest.tile(i0)[i], dest.tile(i1)[i], dest.tile(i2)[i], v);
    }
    std::memcpy(dest.tile(odst), r, sizeof r);
}

void Sfpu::copy_dest(Dest& dest, uint32_t idst, uint32_t odst, const char* call) const {
    require_init(SfpuOp::COPY_DEST, call, "copy_dest_values_init");
    if (!dest.fp32()) {
        fail(std::string(call) + "<Float32> with " + dest.mode_text() +
             ": the FP32 SFPLOAD/SFPSTORE mode needs an fp32 DEST (ckernel_sfpu_copy_dest_values.h)");
    }
    std::memcpy(dest.tile(odst), dest.tile(idst), 1024 * sizeof(float));
}

void Sfpu::reduce_col_sum(Dest& dest, uint32_t idst, const char* call) const {
    if (!dest.fp32()) {
        // LLK llk_defs.h GetSfpLoadStoreInstrMod<Float32>: FP32 load/store whatever the DEST mode; ISA SFPLOAD.md
        // MOD0_FMT_FP32 reads Dst32b, which over 16-bit data joins two different rows' halves (ISA Dst.md).
        fail(std::string(call) + "<SUM, Float32> with " + dest.mode_text() + ": its FP32 SFPLOAD/SFPSTORE need an "
             "fp32 DEST (fp32_dest_acc_en = true); on 16-bit DEST data the result is undefined");
    }
    if (replay_ != SfpuReplay::ReduceSum) {
        fail(std::string(call) + " without sfpu_reduce_init since the last other compute init or FPU/SFPU op (it "
             "replays the sequence sfpu_reduce_init recorded into the SFPU replay slots, which other code reuses)");
    }
    // LLK ckernel_sfpu_reduce.h perform_reduce_col_sum_avg<SUM, FP32> on each half of each face column pair: four
    // SFPLOADs per face bring rows 4m..4m+3 (even or odd columns) into LREG m (upper face) and LREG 4+m (lower face;
    // ISA SFPLOAD.md: lane = 8 * row-in-group + column / 2). init_reduce_sum_avg's replay (0, 6) folds each face:
    // LREG2 = LREG2 + LREG3, LREG1 = LREG1 + LREG2, LREG0 = LREG0 + LREG1 (same for 4..7), so lane row k holds
    // U_k = x[k] + (x[4+k] + (x[8+k] + x[12+k])) and L_k, the same over rows 16..31; SFPADD(LREG0, 1, LREG4) gives
    // P_k = U_k + L_k. SFPTRANSP (ISA SFPTRANSP.md) puts P_k in lane row 0 of LREG k, then the half reduce adds
    // them: Wormhole replay (6, 4) = (P_0 + P_1) + (P_2 + P_3); Blackhole's copy of the header records replay
    // (6, 3) = P_0 + (P_1 + (P_2 + P_3)). Every add is SFPADD = SFPMAD(a, 1.0, c), one rounding (math/sfpmad.hpp).
    // SFPSTORE of LREG0 writes its 4 lane rows back to rows 0..3 of faces 0 and 1: row 0 is the sum the API
    // promises ("placing output values into the first row"); rows 1..3 receive transposition by-products the API
    // does not define: poisoned (pessimistic). Rows 4..31 are not written.
    const auto add = [this](float a, float c) { return math::sfpadd(arch_, a, c); };
    float* d = dest.tile(idst);
    for (uint32_t col = 0; col < 32; ++col) {
        const auto x = [&](uint32_t row) { return d[row * 32 + col]; };
        float p[4];
        for (uint32_t k = 0; k < 4; ++k) {
            const float u = add(x(k), add(x(4 + k), add(x(8 + k), x(12 + k))));
            const float l = add(x(16 + k), add(x(20 + k), add(x(24 + k), x(28 + k))));
            p[k] = add(u, l);
        }
        d[col] = arch_ == math::SfpuArch::Blackhole ? add(p[0], add(p[1], add(p[2], p[3])))
                                                     : add(add(p[0], p[1]), add(p[2], p[3]));
        for (uint32_t row = 1; row < 4; ++row) {
            d[row * 32 + col] = bits_to_float(kDestPoisonBits);
        }
    }
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

void Sfpu::unary(SfpuOp op, uint32_t param_bits, Dest& dest, uint32_t idst) const {
    const float p = bits_to_float(param_bits);
    float* d = dest.tile(idst);
    for (uint32_t i = 0; i < 1024; ++i) {
        d[i] = sfpu_eval(op, d[i], p, approx_, dest.fp32(), arch_);
    }
}

void Sfpu::binary(SfpuOp op, bool round_nearest_even, Dest& dest, uint32_t idst0, uint32_t idst1,
                  uint32_t odst) const {
    const float* x = dest.tile(idst0);
    const float* y = dest.tile(idst1);
    float r[1024];
    for (uint32_t i = 0; i < 1024; ++i) {
        r[i] = sfpu_eval_binary(op, x[i], y[i], round_nearest_even, dest.fp32(), arch_);
    }
    std::memcpy(dest.tile(odst), r, sizeof r);
}

}  // namespace tensix_emu
