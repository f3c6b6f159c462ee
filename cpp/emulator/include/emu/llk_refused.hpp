// SPDX-License-Identifier: Apache-2.0
// Names ttnn's kernel_lib reduce helpers (reduce_helpers_compute.inl) use on paths the emulator does not model: the
// accumulate-reload path that calls LLK functions directly (tt-metal's llk_*_api.h, reached through the compute API
// headers). (Its SFPU reduce, sfpu_reduce / sfpu_reduce_init, is declared in api/compute/compute_kernel_api.h,
// which refuses every combination but <SUM, Float32, REDUCE_COL>.)
// Declared with upstream's signatures so kernel_lib compiles; each refuses when reached. Included by
// api/compute/compute_kernel_api.h.
#pragma once
#include <cstdint>

#include "emu/ckernel_common.hpp"
#include "emu/data_format.hpp"

namespace ckernel {
enum class PackMode : uint32_t { Default = 0, Untilize = 1 };
enum class p_dim_stride_target : uint32_t { FACE_ROW_MAJOR = 0, ROW_MAJOR = 1, IGNORE = 2 };
template <bool is_fp32_dest_acc_en, p_dim_stride_target target>
ALWI void llk_unpack_reconfig_data_format_srca(uint32_t, uint32_t) { emu_detail::refuse("llk_unpack_reconfig_data_format_srca" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
template <bool is_fp32_dest_acc_en>
ALWI void llk_math_reconfig_data_format_srca(uint32_t, uint32_t) { emu_detail::refuse("llk_math_reconfig_data_format_srca" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
template <PoolType type, ReduceDim dim>
ALWI void llk_unpack_AB_reduce_init(uint32_t, uint32_t) { emu_detail::refuse("llk_unpack_AB_reduce_init" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
template <PoolType type, ReduceDim dim, bool is_fp32_dest_acc_en, int math_fidelity>
ALWI void llk_math_reduce_init(uint32_t, uint32_t) { emu_detail::refuse("llk_math_reduce_init" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
template <ReduceDim dim, PackMode mode>
ALWI void llk_pack_reduce_mask_config(uint32_t) { emu_detail::refuse("llk_pack_reduce_mask_config" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
ALWI void llk_pack_reduce_mask_clear() { emu_detail::refuse("llk_pack_reduce_mask_clear" " (used by ttnn kernel_lib on a path the emulator does not model)"); }
}  // namespace ckernel
