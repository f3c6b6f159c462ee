// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/reg_api.h: the DST hand-off between math and pack.
#pragma once
#include "api/compute/common_globals.h"

namespace ckernel {
ALWI void tile_regs_acquire() { api().tile_regs_acquire(); }
ALWI void tile_regs_commit() { api().tile_regs_commit(); }
ALWI void tile_regs_wait() { api().tile_regs_wait(); }
ALWI void tile_regs_release() { api().tile_regs_release(); }
ALWI void acquire_dst() {
    api().tile_regs_acquire();
    api().tile_regs_commit();
    api().tile_regs_wait();
}
ALWI void release_dst() { api().tile_regs_release(); }
}  // namespace ckernel
