// Float expressions whose value depends on the kernel's float-semantics flags (test_float_semantics.py). Runtime
// args (fp32 bit patterns, so nothing is folded at compile time): 0 a, 1 b (|a| >= |b|), 2 x, 3 a NaN, 4 -0.0.
// Prints, as hex bit patterns: Fast2Sum's lo = b - ((a + b) - a) (0 under -fassociative-math), x / 10 (x * (1 / 10)
// under -freciprocal-math), isnan(NaN) (0 under -ffinite-math-only), -0.0 + 0.0 (+0 in IEEE, -0 when
// -fno-signed-zeros folds x + 0 to x), then the NaN and -0.0 as DPRINT formats them (host-side
// text, emu/dprint_format.hpp, inlined here: "nan" and "-0" under any flags). Built as a data-movement kernel (BRISC) and as a compute kernel (TRISC).
#include <cstdint>
#ifdef COMPILE_FOR_TRISC
#include "api/compute/compute_kernel_api.h"
#else
#include "api/dataflow/dataflow_api.h"
#endif
#include "api/debug/dprint.h"

namespace {
float arg_f(int i) { return __builtin_bit_cast(float, get_arg_val<uint32_t>(i)); }
uint32_t bits(float f) { return __builtin_bit_cast(uint32_t, f); }
}  // namespace

void kernel_main() {
    const float a = arg_f(0), b = arg_f(1), x = arg_f(2), nan = arg_f(3), mz = arg_f(4);
    const float hi = a + b;
    const float lo = b - (hi - a);
    const float q = x / 10.0f;
    const int is_nan = __builtin_isnan(nan) ? 1 : 0;
    const float z = mz + 0.0f;
    DPRINT_PACK("lo {:#x} q {:#x} isnan {} zero {:#x} text {} {}\n", bits(lo), bits(q), is_nan, bits(z), nan, mz);
#ifndef COMPILE_FOR_TRISC
    DPRINT("lo {:#x} q {:#x} isnan {} zero {:#x} text {} {}\n", bits(lo), bits(q), is_nan, bits(z), nan, mz);
#endif
}
