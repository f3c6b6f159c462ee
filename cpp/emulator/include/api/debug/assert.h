// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/debug/assert.h: ASSERT(cond) refuses the program when cond is false, as the
// watcher halts the core on silicon (defined in emu/upstream_prelude.hpp, which the JIT includes first).
#pragma once
#include "emu/upstream_prelude.hpp"
