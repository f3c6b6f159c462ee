// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/reconfig_data_format.h: the whole compute API lives in emu/compute_api.hpp.
#pragma once
#include "emu/compute_api.hpp"
