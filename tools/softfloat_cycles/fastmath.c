// SPDX-License-Identifier: Apache-2.0
//
// Three expression shapes of the W-split writer (cpp/device/kernels/dataflow/writer_layernorm_fused_rm_wsplit.cpp;
// the Fast2Sum and combine_precise's m2 / W are from its earlier precise combine, now on the compute core), to read
// the soft-float calls GCC emits for them with and without -ffast-math (tt-metal builds kernels with -ffast-math:
// README.md beside this file). Compile only (-S), never run.

// var = M2 / W with W a compile-time constant, here 1536 (not a power of 2: 1 / W is inexact) (the FPU combine's
// row_out[1], combine_precise's m2 / W).
float var_of(float m2) { return m2 / 1536.0f; }

// The mean K + d as hi + lo (Fast2Sum; the writer's round-2 result for the precise kernel): lo = b - (hi - a).
void fast2sum(float a, float b, volatile float* out) {
    const float hi = a + b;
    out[0] = hi;
    out[1] = b - (hi - a);
}

// The FPU combine's first mean update, mean = 0.0f + w_0 m_0.
float first_update(float w, float m) { return 0.0f + w * m; }
