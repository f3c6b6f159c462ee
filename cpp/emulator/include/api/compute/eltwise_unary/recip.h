// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/eltwise_unary/recip.h, included by ttnn's own kernels and kernel_lib. The emulator
// implements only the calls declared in emu/compute_api.hpp and emu/compute_upstream.hpp: a call of this header
// that is not there fails to compile, by name.
#pragma once
#include "emu/compute_api.hpp"
#include "emu/compute_upstream.hpp"
