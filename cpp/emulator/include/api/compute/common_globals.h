// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/common_globals.h: ALWI and the UNPACK / MATH / PACK statement
// wrappers (emu/kernel_common.hpp, emu/upstream_prelude.hpp).
#pragma once
#include "emu/compute_api.hpp"
#include "emu/upstream_prelude.hpp"
