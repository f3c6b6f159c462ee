// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/layernorm.h, which ttnn's layernorm compute kernels include. The
// emulator implements none of its calls yet: a kernel that uses one fails to compile, naming it (issue 11, item 4).
#pragma once
#include "emu/compute_api.hpp"
#include "emu/compute_upstream.hpp"
