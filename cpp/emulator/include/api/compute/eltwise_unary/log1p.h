// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/eltwise_unary/log1p.h, included by ttnn's own kernels and kernel_lib. The
// emulator implements none of its calls: a kernel that calls one fails to compile, naming it.
#pragma once
#include "api/compute/common_globals.h"
