// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/common_globals.h: what every compute API header includes (there
// ckernel.h, ckernel_include.h and the LLK common APIs; here the emulator's ckernel plumbing).
#pragma once
#include "emu/ckernel_common.hpp"
