// SPDX-License-Identifier: Apache-2.0
//
// The fp32 operations of the W-split writer's exchange combine (cpp/device/kernels/dataflow/
// writer_layernorm_fused_rm_wsplit.cpp), one per function, for rv32im / ilp32 (no F extension: each is a libgcc
// soft-float call). They only pull libgcc's __addsf3, __subsf3, __mulsf3, __divsf3 into the image: measure.py calls
// those routines directly and counts the instructions each executes (the caller's call is added as 1 cycle).
// noinline / noipa keep one call per entry point.
#define ENTRY __attribute__((noinline, noipa))

ENTRY float sf_add(float a, float b) { return a + b; }  // __addsf3
ENTRY float sf_sub(float a, float b) { return a - b; }  // __subsf3
ENTRY float sf_mul(float a, float b) { return a * b; }  // __mulsf3
ENTRY float sf_div(float a, float b) { return a / b; }  // __divsf3

// The entry point: never run (measure.py starts at each sf_* directly); it keeps every function in the link.
void _start(void) {
    volatile float x = 1.0f;
    x = sf_add(x, x) + sf_sub(x, x) + sf_mul(x, x) + sf_div(x, x);
    for (;;) {
    }
}
