// SPDX-License-Identifier: Apache-2.0
// TensorAccessorArgs: the compile-time description of a tensor's distribution. Encoding as tt-metal
// 0.81 (hostdevcommon/tensor_accessor/arg_config.hpp): CT[off] = ArgConfig bit flags
// (Sharded=1, IsDram=2, RuntimeRank=4, RuntimeNumBanks=8, RuntimeTensorShape=16, RuntimeShardShape=32,
// RuntimeBankCoords=64, RuntimePageSize=128); interleaved tensors then carry CT[off+1] = aligned page
// size in bytes, 2 args in all. The emulator implements interleaved tensors only.
#pragma once
#include <cstddef>
#include <cstdint>

#include "api/compile_time_args.h"

namespace tensor_accessor {
inline constexpr std::size_t UNKNOWN = static_cast<std::size_t>(-1);
enum class ArgConfig : uint8_t {
    None = 0,
    Sharded = 1 << 0,
    IsDram = 1 << 1,
    RuntimeRank = 1 << 2,
    RuntimeNumBanks = 1 << 3,
    RuntimeTensorShape = 1 << 4,
    RuntimeShardShape = 1 << 5,
    RuntimeBankCoords = 1 << 6,
    RuntimePageSize = 1 << 7,
};
}  // namespace tensor_accessor

template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET = tensor_accessor::UNKNOWN>
struct TensorAccessorArgs {
    static constexpr uint32_t config = get_compile_time_arg_val(CTA_OFFSET);
    static constexpr bool is_sharded = (config & uint32_t(tensor_accessor::ArgConfig::Sharded)) != 0;
    static constexpr bool is_dram = (config & uint32_t(tensor_accessor::ArgConfig::IsDram)) != 0;
    static constexpr bool page_size_is_crta = (config & uint32_t(tensor_accessor::ArgConfig::RuntimePageSize)) != 0;
    static_assert(!is_sharded, "emulator: sharded TensorAccessor is not implemented (interleaved only)");
    static_assert(is_dram, "emulator: only DRAM-interleaved tensors are implemented");
    static_assert(!page_size_is_crta, "emulator: runtime page size is not implemented");
    static constexpr uint32_t AlignedPageSize = get_compile_time_arg_val(CTA_OFFSET + 1);
    static constexpr uint32_t NumArgsCT = 2;

    constexpr TensorAccessorArgs() = default;
    constexpr uint32_t get_aligned_page_size() const { return AlignedPageSize; }
    static constexpr uint32_t next_compile_time_args_offset() { return CTA_OFFSET + NumArgsCT; }
    static constexpr uint32_t num_compile_time_args() { return NumArgsCT; }
};
