// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/eltwise_unary/typecast.h, which ttnn's kernel_lib reduce helpers include. Its calls
// are declared in emu/compute_upstream.hpp only where kernel_lib names them; each refuses when called (not
// modelled), so a kernel that reaches one fails by name.
#pragma once
#include "emu/compute_api.hpp"
#include "emu/compute_upstream.hpp"
