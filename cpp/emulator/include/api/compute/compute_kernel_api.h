// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/compute_kernel_api.h: the SFPU unary ops it defines (only
// square_tile here) and its SFPU reduce, sfpu_reduce_init / sfpu_reduce, for <PoolType::SUM, DataFormat::Float32,
// ReduceDim::REDUCE_COL> only (every other pool type, format or dimension is refused, naming it). Template
// parameters that only select hardware instruction variants are accepted and ignored; DEST accumulation mode comes
// from the kernel's ComputeConfigDescriptor, as DST_ACCUM_MODE does on silicon.
//
// sfpu_reduce<SUM, Float32, REDUCE_COL>(idst) (LLK hw/ckernels/<arch>/metal/llk_api/llk_sfpu/ckernel_sfpu_reduce.h
// perform_reduce_col_sum_avg, init_reduce_sum_avg): row 0 of DEST tile idst receives each column's sum of the 32
// rows, added in the LLK's order with SFPADD's single rounding; rows 1..3 are left undefined (the emulator poisons
// them with NaN), rows 4..31 unchanged. It needs an fp32 DEST (fp32_dest_acc_en) and sfpu_reduce_init's replay
// recording still live; ct_dim = rt_dim = 1. Exact semantics: src/math/sfpu.cpp Sfpu::reduce_col_sum.
//
// Deviation: this header also includes api/compute/common.h (circular buffers, DST hand-off, pack_tile, start-up,
// reconfig_data_format), which tt-metal's does not. The emulator's test kernels (test_dev/emulator/kernels) were
// written against an earlier all-in-one header and include only this one; every header below still provides
// exactly what tt-metal's does, so a kernel that includes the header tt-metal requires for a call finds the call.
#pragma once
#include <cstdint>
#include <string>

#include "api/compute/common.h"
#include "api/compute/common_globals.h"
#include "emu/data_format.hpp"
#include "emu/llk_refused.hpp"

namespace ckernel {
ALWI void square_tile_init() { api().sfpu_init(tensix_emu::SfpuOp::SQUARE); }
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void square_tile(uint32_t idst) { api().sfpu_op(tensix_emu::SfpuOp::SQUARE, idst, 0, "square_tile"); }

namespace emu_detail {
/// "<SUM, Float32, REDUCE_COL>"-style text of an sfpu_reduce template combination, for refusals.
inline std::string sfpu_reduce_args(PoolType pool, DataFormat format, const char* dim) {
    static const char* const pools[] = {"SUM", "AVG", "MAX", "MIN"};
    const std::string f = format == DataFormat::Float32     ? "Float32"
                          : format == DataFormat::Float16_b ? "Float16_b"
                          : format == DataFormat::Int32     ? "Int32"
                          : format == DataFormat::UInt32    ? "UInt32"
                          : format == DataFormat::UInt16    ? "UInt16"
                                                            : "DataFormat(" + std::to_string(int(format)) + ")";
    const uint32_t p = uint32_t(pool);
    return std::string("<") + (p < 4 ? pools[p] : "PoolType(?)") + ", " + f + (dim ? std::string(", ") + dim : "") +
           ">";
}
}  // namespace emu_detail

template <PoolType pool_type, DataFormat format, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sfpu_reduce_init() {
    if constexpr (pool_type == PoolType::SUM && format == DataFormat::Float32) {
        api().sfpu_reduce_init();
    } else {
        emu_detail::refuse(("sfpu_reduce_init" + emu_detail::sfpu_reduce_args(pool_type, format, nullptr) +
                            " (only <SUM, Float32> is modelled)").c_str());
    }
}

template <PoolType pool_type, DataFormat format, ReduceDim reduce_dim = ReduceDim::REDUCE_COL,
          bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sfpu_reduce(uint32_t idst, uint32_t ct_dim = 1, uint32_t rt_dim = 1) {
    if constexpr (pool_type == PoolType::SUM && format == DataFormat::Float32 &&
                  reduce_dim == ReduceDim::REDUCE_COL) {
        api().sfpu_reduce_col_sum(idst, ct_dim, rt_dim, "sfpu_reduce");
    } else {
        const char* dim = reduce_dim == ReduceDim::REDUCE_COL   ? "REDUCE_COL"
                          : reduce_dim == ReduceDim::REDUCE_ROW ? "REDUCE_ROW"
                                                                : "REDUCE_SCALAR";
        emu_detail::refuse(("sfpu_reduce" + emu_detail::sfpu_reduce_args(pool_type, format, dim) +
                            " (only <SUM, Float32, REDUCE_COL> is modelled)").c_str());
    }
}
}  // namespace ckernel
