// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/layernorm.h, which ttnn's layernorm compute kernels include. The
// emulator implements none of its own calls yet: a kernel that uses one fails to compile, naming it (issue 11,
// item 4). It includes what tt-metal's does.
#pragma once
#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_unary/rsqrt.h"
