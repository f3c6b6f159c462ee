// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/eltwise_unary/sfpu_split_includes.h, which includes the header of
// each SFPU op under its SFPU_OP_<OP>_INCLUDE define (set by ttnn's unary program factory beside SFPU_OP_CHAIN_0).
// Here the emulator's namesakes of those headers are included unconditionally (the defines are harmless): the ops
// the emulator implements are then declared, any other op's calls fail to compile, by name.
#pragma once
#include "api/compute/add_int_sfpu.h"
#include "api/compute/binary_max_min.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/copy_dest_values.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/addcmul.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/eltwise_unary/cbrt.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/eltwise_unary/fill.h"
#include "api/compute/eltwise_unary/identity.h"
#include "api/compute/eltwise_unary/log1p.h"
#include "api/compute/eltwise_unary/negative.h"
#include "api/compute/eltwise_unary/rdiv.h"
#include "api/compute/eltwise_unary/recip.h"
#include "api/compute/eltwise_unary/rpow.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/eltwise_unary/sqrt.h"
#include "api/compute/eltwise_unary/trigonometry.h"
#include "api/compute/eltwise_unary/typecast.h"
#include "api/compute/mask.h"
#include "api/compute/mul_int_sfpu.h"
