// SPDX-License-Identifier: Apache-2.0
//
// Circular-buffer indices (tt::CBIndex values) of ttnn.layernorm_fused_rm, shared by the kernels and the
// host program factory so both name the same 13 buffers. Roles: docs/ARCHITECTURE.md, "The 13 circular buffers".
// Plain constants, no includes: compiles for the host, the emulator JIT and the RISC-V kernel build.
#pragma once

namespace layernorm_fused_rm::cb {
inline constexpr unsigned in_rm = 0;        ///< c_0: input row-major sticks of one tile-row block
inline constexpr unsigned in_tiled = 1;     ///< c_1: input tilized, kept for the passes over the row
inline constexpr unsigned scaler = 2;       ///< c_2: reduce scaler (1.0)
inline constexpr unsigned eps = 3;          ///< c_3: epsilon
inline constexpr unsigned gamma_rm = 4;     ///< c_4: gamma row-major
inline constexpr unsigned beta_rm = 5;      ///< c_5: beta row-major
inline constexpr unsigned gamma_tiled = 6;  ///< c_6: gamma tilized (persistent)
inline constexpr unsigned beta_tiled = 7;   ///< c_7: beta tilized (persistent)
inline constexpr unsigned out_rm = 16;      ///< c_16: output row-major sticks
inline constexpr unsigned centered = 24;    ///< c_24: x - mean (and transiently its square)
inline constexpr unsigned mean = 25;        ///< c_25: mean
inline constexpr unsigned variance = 26;    ///< c_26: variance
inline constexpr unsigned inv_std = 27;     ///< c_27: 1/sqrt(variance + eps)
}  // namespace layernorm_fused_rm::cb
