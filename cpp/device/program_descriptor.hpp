// SPDX-License-Identifier: Apache-2.0
//
// Plain mirror of tt::tt_metal::ProgramDescriptor (tt_metal/api/tt-metalium/program_descriptors.hpp,
// tt-metal 0.81): same type and field names, no tt-metal headers needed. A tt-metal engineer lifting
// cpp/device/ into an in-tree op swaps this header for the real one.
//
// The same descriptor drives both execution targets: the Python device path converts it field by field
// into ttnn.ProgramDescriptor for ttnn.generic_op, and the host Tensix emulator (cpp/emulator) runs it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace layernorm_fused_rm {

/// Logical worker-core coordinate (x = column, y = row of the compute grid), as tt::tt_metal::CoreCoord.
struct CoreCoord {
    uint32_t x = 0;
    uint32_t y = 0;
    bool operator==(const CoreCoord& o) const { return x == o.x && y == o.y; }
};

/// Inclusive rectangle of cores, as tt::tt_metal::CoreRange.
struct CoreRange {
    CoreCoord start;
    CoreCoord end;
    bool contains(const CoreCoord& c) const {
        return c.x >= start.x && c.x <= end.x && c.y >= start.y && c.y <= end.y;
    }
    uint32_t size() const { return (end.x - start.x + 1) * (end.y - start.y + 1); }
};

/// Set of core ranges, as tt::tt_metal::CoreRangeSet.
struct CoreRangeSet {
    std::vector<CoreRange> ranges;
    bool contains(const CoreCoord& c) const {
        for (const auto& r : ranges) {
            if (r.contains(c)) {
                return true;
            }
        }
        return false;
    }
    uint32_t num_cores() const {
        uint32_t n = 0;
        for (const auto& r : ranges) {
            n += r.size();
        }
        return n;
    }
    /// Cores in row-major order (y outer, x inner), the order tt-metal's corerange_to_cores uses.
    std::vector<CoreCoord> cores() const {
        std::vector<CoreCoord> out;
        for (const auto& r : ranges) {
            for (uint32_t y = r.start.y; y <= r.end.y; ++y) {
                for (uint32_t x = r.start.x; x <= r.end.x; ++x) {
                    out.push_back({x, y});
                }
            }
        }
        return out;
    }
};

/// Tile/element data formats, named as tt::DataFormat.
enum class DataFormat : uint8_t { Float32 = 0, Float16_b = 5, UInt32 = 8, Invalid = 0xff };

/// Bytes per element of a data format (Float16_b = 2, Float32 = 4).
inline uint32_t datum_size(DataFormat f) {
    switch (f) {
        case DataFormat::Float16_b: return 2;
        case DataFormat::Float32:
        case DataFormat::UInt32: return 4;
        default: return 0;
    }
}

/// Bytes of one 32x32 tile in format f (tt::tile_size): 2048 for Float16_b, 4096 for Float32.
inline uint32_t tile_size(DataFormat f) { return 32u * 32u * datum_size(f); }

inline const char* to_string(DataFormat f) {
    switch (f) {
        case DataFormat::Float32: return "Float32";
        case DataFormat::Float16_b: return "Float16_b";
        case DataFormat::UInt32: return "UInt32";
        default: return "Invalid";
    }
}

enum class MathFidelity : uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4 };

/// Per-CB unpack mode, as tt::tt_metal::UnpackToDestMode: UnpackToDestFp32 unpacks a Float32 CB straight
/// into a 32-bit DEST (lossless), Default goes through the 19-bit source registers (SrcA/SrcB).
enum class UnpackToDestMode : uint8_t { Default = 0, UnpackToDestFp32 = 1 };

/// One (buffer index, format, page size) of a circular buffer, as tt::tt_metal::CBFormatDescriptor.
struct CBFormatDescriptor {
    uint8_t buffer_index = 0;  ///< tt::CBIndex, 0..31
    DataFormat data_format = DataFormat::Float16_b;
    uint32_t page_size = 0;  ///< bytes per page; capacity in pages = total_size / page_size
};

/// A circular buffer allocated in L1 on every core of core_ranges, as tt::tt_metal::CBDescriptor.
struct CBDescriptor {
    uint32_t total_size = 0;  ///< bytes
    CoreRangeSet core_ranges;
    std::vector<CBFormatDescriptor> format_descriptors;
};

struct ReaderConfigDescriptor {};  ///< RISCV_1 (NCRISC), NOC 1 by default in tt-metal
struct WriterConfigDescriptor {};  ///< RISCV_0 (BRISC), NOC 0 by default in tt-metal

/// Compute kernel configuration, as tt::tt_metal::ComputeConfigDescriptor.
struct ComputeConfigDescriptor {
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc_en = false;
    bool dst_full_sync_en = false;
    bool math_approx_mode = false;
    bool bfp8_pack_precise = false;
    /// Indexed by CB index (NUM_CIRCULAR_BUFFERS = 32 entries) or empty (all Default).
    std::vector<UnpackToDestMode> unpack_to_dest_mode;
};

using KernelConfig = std::variant<ReaderConfigDescriptor, WriterConfigDescriptor, ComputeConfigDescriptor>;

/// Runtime args of one core: (core, args).
using CoreRuntimeArgs = std::pair<CoreCoord, std::vector<uint32_t>>;

/// A kernel bound to cores, as tt::tt_metal::KernelDescriptor (kernel_source is an absolute file path).
struct KernelDescriptor {
    std::string kernel_source;
    CoreRangeSet core_ranges;
    std::vector<uint32_t> compile_time_args;
    std::vector<std::pair<std::string, std::string>> defines;
    std::vector<CoreRuntimeArgs> runtime_args;
    std::vector<uint32_t> common_runtime_args;
    KernelConfig config;

    bool is_compute() const { return std::holds_alternative<ComputeConfigDescriptor>(config); }
    bool is_reader() const { return std::holds_alternative<ReaderConfigDescriptor>(config); }
    /// Runtime args of core c, or nullptr when the kernel has none for it.
    const std::vector<uint32_t>* runtime_args_of(const CoreCoord& c) const {
        for (const auto& [core, args] : runtime_args) {
            if (core == c) {
                return &args;
            }
        }
        return nullptr;
    }
};

/// A whole program, as tt::tt_metal::ProgramDescriptor. `program_factory` names the factory that built it.
struct ProgramDescriptor {
    std::vector<KernelDescriptor> kernels;
    std::vector<CBDescriptor> cbs;
    std::string program_factory;
};

}  // namespace layernorm_fused_rm
