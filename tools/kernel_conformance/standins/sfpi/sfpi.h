// Stand-in for SFPI's sfpi.h, written for tools/kernel_conformance: intentionally EMPTY.
//
// sfpi.h is the SFPU vector DSL of the SFPI compiler (types such as vFloat backed by that
// compiler's own builtins); the wheel does not ship it and no other compiler can parse it. tt-llk
// 0.81.1 includes it from unpack headers that use nothing from it (TRISC0). On TRISC2 the only
// SFPI users are the pack-thread SFPU kernels, replaced by declarations in ../trisc2_sfpu. Any
// other use of the DSL fails this check with "undeclared identifier" -- which is why TRISC1 (math,
// where every SFPU kernel lives) is not checked at all.
#pragma once
