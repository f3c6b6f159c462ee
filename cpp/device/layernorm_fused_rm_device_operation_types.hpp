// SPDX-License-Identifier: Apache-2.0
//
// operation_attributes_t / tensor_args_t of ttnn.layernorm_fused_rm, named as tt-metal device operations
// name them. No tt-metal headers: a tensor is described by what the program factory needs from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tt-metalium/program_descriptors.hpp>

namespace layernorm_fused_rm {

// The tt-metal host types the op is written against (cpp/tt_metal_mirror mirrors them; in tt-metal they are
// the real ones).
using tt::DataFormat;
using tt::datum_size;
using tt::tile_size;
using tt::to_string;
using tt::tt_metal::CBDescriptor;
using tt::tt_metal::CBFormatDescriptor;
using tt::tt_metal::ComputeConfigDescriptor;
using tt::tt_metal::KernelDescriptor;
using tt::tt_metal::MathFidelity;
using tt::tt_metal::ProgramDescriptor;
using tt::tt_metal::ReaderConfigDescriptor;
using tt::tt_metal::UnpackToDestMode;
using tt::tt_metal::WriterConfigDescriptor;

// Every member of ttnn 0.81's Layout, DataType, BufferType and TensorMemoryLayout (by name), so each ttnn tensor
// and config can be described and what the op refuses reaches validate. Values are the project's own.
enum class Layout : uint8_t { ROW_MAJOR = 0, TILE = 1, INVALID = 2 };
enum class DType : uint8_t {
    BFLOAT16 = 0,
    FLOAT32 = 1,
    BFLOAT8_B = 2,
    UINT32 = 3,
    INT32 = 4,
    UINT16 = 5,
    UINT8 = 6,
    BFLOAT4_B = 7,
    FP8_E4M3 = 8,
    INT8 = 9,
    INVALID = 10
};
enum class BufferType : uint8_t { DRAM = 0, L1 = 1, L1_SMALL = 2, TRACE = 3 };
enum class TensorMemoryLayout : uint8_t {
    INTERLEAVED = 0,
    HEIGHT_SHARDED = 1,
    WIDTH_SHARDED = 2,
    BLOCK_SHARDED = 3,
    ND_SHARDED = 4
};

const char* to_string(Layout v);
const char* to_string(DType v);
const char* to_string(BufferType v);
const char* to_string(TensorMemoryLayout v);

struct MemoryConfig {
    TensorMemoryLayout memory_layout = TensorMemoryLayout::INTERLEAVED;
    BufferType buffer_type = BufferType::DRAM;
};

/// What the op needs to know about one tensor. `address` is the bank-local base address of the
/// interleaved buffer (same in every bank, as tt-metal's allocator places it); 0 until allocated.
struct TensorDesc {
    std::vector<uint32_t> shape;  ///< logical shape, outermost first
    DType dtype = DType::BFLOAT16;
    Layout layout = Layout::ROW_MAJOR;
    MemoryConfig memory_config;
    uint32_t address = 0;
    bool on_device = false;  ///< true: a real Tenstorrent device tensor; false: host tensor (emulator path)
    int device_id = -1;      ///< identifies the device for "tensors on different devices" checks
};

struct operation_attributes_t {
    float eps = 1e-5f;
    MemoryConfig output_memory_config;
    DType output_dtype = DType::BFLOAT16;
    ComputeConfigDescriptor compute_config;
    std::string arch = "wormhole_b0";  ///< "wormhole_b0" or "blackhole": sets L1 size, DRAM alignment, grid
    /// Worker grid to split the rows over: x = columns, y = rows of cores, each >= 1 and within the arch's grid;
    /// nullopt = the arch's whole grid.
    std::optional<CoreCoord> core_grid;
    /// Program factory to use: "" = chosen by select_program_factory (the program, and W-split S, with the lowest
    /// modelled time that fits L1: layernorm_fused_rm_device_model.hpp), or a factory name to force one.
    std::string program_factory;
    /// false: gamma/beta are described as the program takes them (the input's dtype, ROW_MAJOR). true: they are
    /// described as the caller gave them, and the caller converts them to the input's dtype and ROW_MAJOR before
    /// the program runs (the Python API does: host tensors when their bytes are uploaded, device tensors with
    /// ttnn.typecast / ttnn.to_layout); validate then accepts BFLOAT16 or FLOAT32, ROW_MAJOR or TILE. The program
    /// does not depend on it (it reads gamma/beta in the input's format either way).
    bool convert_affine = false;
    /// W-split program only: cores per tile-row S (a divisor of Wt, >= 2); 0 = the model's best S.
    uint32_t wsplit_cores_per_row = 0;
    /// W-split program only: tiles per row-major staging chunk Bc (c_0, c_4, c_5, c_16 hold Bc pages; a divisor of
    /// Ws = Wt / S); 0 = the widest divisor of Ws whose circular buffers fit L1 (Ws itself where it fits).
    uint32_t wsplit_chunk_tiles = 0;
};

struct tensor_args_t {
    TensorDesc input;
    std::optional<TensorDesc> gamma;
    std::optional<TensorDesc> beta;
};

/// Shape, dtype, layout and memory of the output, as tt-metal's TensorSpec carries them.
struct spec_return_value_t {
    std::vector<uint32_t> shape;
    DType dtype = DType::BFLOAT16;
    Layout layout = Layout::ROW_MAJOR;
    MemoryConfig memory_config;
};

/// The output tensor handed to the program factory (address filled in by whoever allocated it).
using tensor_return_value_t = TensorDesc;

}  // namespace layernorm_fused_rm
