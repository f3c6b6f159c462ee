// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/common.h: the calls every compute kernel uses (DST hand-off,
// pack_tile, data-format reconfiguration, circular buffers, start-up), by including their headers as tt-metal does.
#pragma once
#include "api/compute/common_globals.h"
#include "api/compute/reg_api.h"
#include "api/compute/pack.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/cb_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
