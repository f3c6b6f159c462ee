// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/eltwise_unary/eltwise_unary.h. Its own calls (init_sfpu,
// unary_op_init_common) are not implemented; it brings in the headers tt-metal's includes.
#pragma once
#include "api/compute/common.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/tile_move_copy.h"
