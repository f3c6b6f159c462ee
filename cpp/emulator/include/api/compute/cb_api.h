// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/cb_api.h: the circular-buffer calls of a compute kernel.
#pragma once
#include "api/compute/common_globals.h"

namespace ckernel {
ALWI void cb_wait_front(uint32_t cbid, uint32_t ntiles) { api().cb_wait_front(int32_t(cbid), int32_t(ntiles)); }
ALWI void cb_pop_front(uint32_t cbid, uint32_t ntiles) { api().cb_pop_front(int32_t(cbid), int32_t(ntiles)); }
ALWI void cb_reserve_back(uint32_t cbid, uint32_t ntiles) { api().cb_reserve_back(int32_t(cbid), int32_t(ntiles)); }
ALWI void cb_push_back(uint32_t cbid, uint32_t ntiles) { api().cb_push_back(int32_t(cbid), int32_t(ntiles)); }
}  // namespace ckernel
