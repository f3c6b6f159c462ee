// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/eltwise_unary/rsqrt.h: SFPU 1/sqrt(x) on a DEST tile (exact in
// float32 here, rounded to bf16 into a 16-bit DEST; silicon refines an approximation, ckernel_sfpu_rsqrt.h).
#pragma once
#include "api/compute/common_globals.h"

namespace ckernel {
enum class RsqrtMode { Default, Fast };
ALWI void rsqrt_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::RSQRT); }
template <RsqrtMode mode = RsqrtMode::Default, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void rsqrt_tile(uint32_t idst) { api().sfpu_op(tensix_emu::SfpuOp::RSQRT, idst, 0, "rsqrt_tile"); }
}  // namespace ckernel
