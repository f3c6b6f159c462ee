// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/eltwise_unary/rpow.h. Included by ttnn's own kernels (e.g.
// eltwise_sfpu.cpp); the emulator implements only the calls declared in the other api/compute headers: a call of this header that is not there fails to compile, by name.
#pragma once
#include "api/compute/common_globals.h"
