// SPDX-License-Identifier: Apache-2.0
//
// Helpers of the op with one definition each, used by the device operation, the program factories, the entry
// point and (through cpp/bindings/bind_op.cpp) Python: tile counts, tensor volume, shape text, DType ->
// DataFormat. Free L1 is tt_metal_mirror::ArchParams::free_l1_bytes() and DEST capacity
// tt_metal_mirror::dest_tile_capacity (cpp/tt_metal_mirror/arch/arch_params.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "device/layernorm_fused_rm_device_operation_types.hpp"

namespace layernorm_fused_rm {

/// Elements per tile row and tile column (tt::constants::TILE_WIDTH / TILE_HEIGHT in tt-metal).
inline constexpr uint32_t TILE_WIDTH = 32;
inline constexpr uint32_t TILE_HEIGHT = 32;

/// Tiles a row of W elements spans: Wt = ceil(W / 32).
constexpr uint32_t tiles_of_width(uint32_t W) { return (W + TILE_WIDTH - 1) / TILE_WIDTH; }

/// Tile-rows (32-row blocks) `rows` rows span: ceil(rows / 32).
constexpr uint64_t tile_rows_of(uint64_t rows) { return (rows + TILE_HEIGHT - 1) / TILE_HEIGHT; }

/// Number of elements of a tensor of `shape`: the product of its dims (1 for rank 0).
uint64_t volume(const std::vector<uint32_t>& shape);

/// "[d0, d1, ...]", as messages print shapes.
std::string shape_str(const std::vector<uint32_t>& shape);

/// Data format of a tensor dtype in CBs and DRAM: BFLOAT16 -> Float16_b, FLOAT32 -> Float32. Throws
/// std::invalid_argument for a dtype the op does not compute in (validate refuses those first).
DataFormat data_format_of(DType dtype);

}  // namespace layernorm_fused_rm
