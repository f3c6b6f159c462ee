// SPDX-License-Identifier: Apache-2.0
//
// Mirror of tt-metal's tt_metal/api/tt-metalium/program_descriptors.hpp (0.81): the plain description of a
// program (kernels, circular buffers, semaphores) that ttnn.generic_op runs. Same type and field names in
// tt::tt_metal; containers are std::vector where tt-metal uses ttsl::SmallVector, and members this project does
// not use (TileDescriptor, remote formats, global CBs, opt_level, custom hash) are left out.
//
// The same descriptor drives both execution targets: the Python device path converts it field by field into
// ttnn.ProgramDescriptor for ttnn.generic_op, and the host Tensix emulator (cpp/emulator) runs it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <tt-metalium/base_types.hpp>
#include <tt-metalium/core_coord.hpp>
#include <tt-metalium/tt_backend_api_types.hpp>

namespace tt::tt_metal {

/// One (buffer index, format, page size) of a circular buffer.
struct CBFormatDescriptor {
    uint8_t buffer_index = 0;  ///< tt::CBIndex, 0..31
    tt::DataFormat data_format = tt::DataFormat::Float16_b;
    uint32_t page_size = 0;  ///< bytes per page; capacity in pages = total_size / page_size
};

/// A circular buffer allocated in L1 on every core of core_ranges.
struct CBDescriptor {
    uint32_t total_size = 0;  ///< bytes
    CoreRangeSet core_ranges;
    std::vector<CBFormatDescriptor> format_descriptors;
};

/// A semaphore: one 32-bit L1 word per core of core_ranges, set to initial_value before the program starts; a
/// kernel finds its address with get_semaphore(id). Worker cores only (tt-metal's core_type WORKER).
struct SemaphoreDescriptor {
    uint32_t id = 0;
    CoreRangeSet core_ranges;
    uint32_t initial_value = 0;
};

struct ReaderConfigDescriptor {};  ///< RISCV_1 (NCRISC), NOC 1 by default in tt-metal
struct WriterConfigDescriptor {};  ///< RISCV_0 (BRISC), NOC 0 by default in tt-metal

/// Compute kernel configuration.
struct ComputeConfigDescriptor {
    using UnpackToDestModes = std::vector<UnpackToDestMode>;
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc_en = false;
    bool dst_full_sync_en = false;
    /// Indexed by CB index (NUM_CIRCULAR_BUFFERS = 32 entries) or empty (all Default).
    UnpackToDestModes unpack_to_dest_mode;
    bool bfp8_pack_precise = false;
    bool math_approx_mode = false;
};

/// Not in tt-metal's ProgramDescriptor: the Metal 2.0 named bindings of one kernel, as tt-metal's
/// MakeProgramFromSpec resolves them from a ProgramSpec's KernelSpec (dfb_bindings, tensor_bindings,
/// runtime_arg_schema) and its JIT writes them into kernel_bindings_generated.h and kernel_args_generated.h
/// (tt_metal/jit_build/genfiles.cpp, write_kernel_bindings_generated_header / write_kernel_args_generated_header).
/// ttnn 0.81's own kernels (`dfb::in`, `TensorAccessor(tensor::src)`, `get_arg(args::x)`) need them; the
/// emulator's JIT generates the same namespaces (cpp/emulator/src/jit/generated_headers.cpp).
struct Metal2KernelBindings {
    /// A TensorBinding: TensorAccessorArgs start at positional compile-time arg `cta_offset`; the tensor's base
    /// address is the common runtime arg at byte offset `addr_crta_offset` (tt-metal's CRTA layout
    /// [named CRTAs | TensorBinding addresses | varargs]).
    struct TensorBinding {
        std::string name;
        uint32_t cta_offset = 0;
        uint32_t addr_crta_offset = 0;  ///< bytes
    };
    bool enabled = false;  ///< true: the kernel is a Metal 2.0 kernel (tt-metal's is_metal2_kernel())
    std::vector<std::pair<std::string, uint8_t>> dfbs;  ///< accessor name -> CB index (`dfb::name`)
    std::vector<TensorBinding> tensors;                ///< `tensor::name`
    std::vector<std::string> runtime_arg_names;        ///< `args::name` -> runtime arg i (in order)
    std::vector<std::string> common_runtime_arg_names;  ///< `args::name` -> common runtime arg i (in order)
};

/// A kernel bound to cores (kernel_source is an absolute file path).
struct KernelDescriptor {
    using CompileTimeArgs = std::vector<uint32_t>;
    using NamedCompileTimeArgs = std::vector<std::pair<std::string, uint32_t>>;
    using Defines = std::vector<std::pair<std::string, std::string>>;
    using CoreRuntimeArgs = std::vector<uint32_t>;
    using RuntimeArgs = std::vector<std::pair<CoreCoord, CoreRuntimeArgs>>;
    using CommonRuntimeArgs = CoreRuntimeArgs;
    using ConfigDescriptor = std::variant<ReaderConfigDescriptor, WriterConfigDescriptor, ComputeConfigDescriptor>;

    std::string kernel_source;
    CoreRangeSet core_ranges;
    CompileTimeArgs compile_time_args;
    NamedCompileTimeArgs named_compile_time_args;
    Defines defines;
    /// runtime_args[i].first is a core, runtime_args[i].second that core's runtime args.
    RuntimeArgs runtime_args;
    CommonRuntimeArgs common_runtime_args;
    ConfigDescriptor config;
    /// Not in tt-metal's KernelDescriptor: see Metal2KernelBindings.
    Metal2KernelBindings metal2;

    // Helpers of the mirror (not in tt-metal's struct).
    bool is_compute() const { return std::holds_alternative<ComputeConfigDescriptor>(config); }
    bool is_reader() const { return std::holds_alternative<ReaderConfigDescriptor>(config); }
    /// Runtime args of core c, or nullptr when the kernel has none for it.
    const CoreRuntimeArgs* runtime_args_of(const CoreCoord& c) const {
        for (const auto& [core, args] : runtime_args) {
            if (core == c) {
                return &args;
            }
        }
        return nullptr;
    }
};

/// A whole program.
struct ProgramDescriptor {
    using KernelDescriptors = std::vector<KernelDescriptor>;
    using SemaphoreDescriptors = std::vector<SemaphoreDescriptor>;
    using CBDescriptors = std::vector<CBDescriptor>;

    KernelDescriptors kernels;
    SemaphoreDescriptors semaphores;
    CBDescriptors cbs;

    /// Not in tt-metal: the name of the op program factory that built the descriptor, for reports and tests. Set
    /// by the project's entry point (cpp/layernorm_fused_rm.cpp), never by a factory; an in-tree op has no use
    /// for it (the device operation's program_factory_t variant names the factory).
    std::string program_factory;
};

}  // namespace tt::tt_metal
