// SPDX-License-Identifier: Apache-2.0
// Macros and helpers shared by the emulator's kernel-side headers (host build of tt-metal kernels).
#pragma once
#include <cstdint>
#include <cstring>

#include "emu/kernel_iface.hpp"

#ifndef FORCE_INLINE
#define FORCE_INLINE inline __attribute__((always_inline))
#endif
#ifndef ALWI
#define ALWI inline __attribute__((always_inline))
#endif
// On silicon tt_l1_ptr marks pointers into L1; on the host L1 is ordinary memory mapped below 4 GiB.
#ifndef tt_l1_ptr
#define tt_l1_ptr
#endif
#ifndef DST_ACCUM_MODE
#define DST_ACCUM_MODE false
#endif
#ifndef MATH_FIDELITY
#define MATH_FIDELITY 4
#endif
#ifndef APPROX
#define APPROX false
#endif
