// SPDX-License-Identifier: Apache-2.0
//
// The extension module layernorm_fused_rm._C: the descriptor mirror (tt-metal names), the op's types and
// entry points, and the host Tensix emulator.
#include <nanobind/nanobind.h>
#include <nanobind/stl/bind_vector.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>

#include "device/layernorm_fused_rm_device_operation.hpp"
#include "device/layernorm_fused_rm_program_factory.hpp"
#include "emu/emulator.hpp"
#include "layernorm_fused_rm.hpp"

namespace nb = nanobind;
using namespace nb::literals;
namespace lf = layernorm_fused_rm;

// Lists of descriptor structs are bound as mutable Python sequences whose items are references into the
// descriptor (desc.kernels[0].runtime_args = ... changes the descriptor; as with any reference into a
// std::vector, an item obtained before the list grows must not be used after). Lists of plain values (ints,
// strings, pairs) and the config variant convert to/from Python values: reading gives a copy, assign to change.
NB_MAKE_OPAQUE(std::vector<lf::CoreRange>)
NB_MAKE_OPAQUE(std::vector<lf::CBFormatDescriptor>)
NB_MAKE_OPAQUE(std::vector<lf::CBDescriptor>)
NB_MAKE_OPAQUE(std::vector<lf::KernelDescriptor>)

namespace {

PyObject* g_emulator_error = nullptr;
PyObject* g_deadlock_error = nullptr;
PyObject* g_compile_error = nullptr;

void translate_emulator_errors(const std::exception_ptr& p, void*) {
    try {
        std::rethrow_exception(p);
    } catch (const tensix_emu::DeadlockError& e) {
        PyErr_SetString(g_deadlock_error, e.what());
    } catch (const tensix_emu::CompileError& e) {
        PyErr_SetString(g_compile_error, e.what());
    } catch (const tensix_emu::EmulatorError& e) {
        PyErr_SetString(g_emulator_error, e.what());
    }
}

PyObject* new_exception(nb::module_& m, const char* name, const char* doc, PyObject* base) {
    std::string qualified = std::string("layernorm_fused_rm._C.") + name;
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
    if (!type) {
        throw nb::python_error();
    }
    m.attr(name) = nb::handle(type);
    return type;
}

std::string repr(const lf::CoreCoord& c) {
    return "CoreCoord(x=" + std::to_string(c.x) + ", y=" + std::to_string(c.y) + ")";
}
std::string repr(const lf::CoreRange& r) { return "CoreRange(" + repr(r.start) + ", " + repr(r.end) + ")"; }

template <typename E>
std::string enum_repr(E v) {
    return lf::to_string(v);
}

}  // namespace

NB_MODULE(_C, m) {
    m.doc() =
        "C++ core of ttnn.layernorm_fused_rm: program-descriptor mirror (tt-metal names), op types, validation, "
        "program factory, and the host Tensix emulator (EmuDevice).";

    // ------------------------------------------------------------------ exceptions
    g_emulator_error = new_exception(
        m, "EmulatorError",
        "A rule violation detected by the host Tensix emulator (strict mode). The message names the kernel, "
        "the call, the CB or address and the numbers involved.",
        PyExc_RuntimeError);
    g_deadlock_error = new_exception(
        m, "DeadlockError",
        "Every kernel thread of the emulated program is blocked. The message holds each kernel's blocking "
        "call, CB id, pages requested/available, capacity and its last CB operations.",
        g_emulator_error);
    g_compile_error = new_exception(
        m, "CompileError", "A kernel failed to JIT-compile on the host. The message holds the compiler output.",
        g_emulator_error);
    nb::register_exception_translator(translate_emulator_errors);

    // ------------------------------------------------------------------ descriptor mirror
    nb::class_<lf::CoreCoord>(m, "CoreCoord", "Logical worker-core coordinate (x = column, y = row), as ttnn.CoreCoord.")
        .def(nb::init<>())
        .def(
            "__init__", [](lf::CoreCoord* self, uint32_t x, uint32_t y) { new (self) lf::CoreCoord{x, y}; }, "x"_a,
            "y"_a)
        .def_rw("x", &lf::CoreCoord::x, "Column of the core in the worker grid.")
        .def_rw("y", &lf::CoreCoord::y, "Row of the core in the worker grid.")
        .def("__eq__", [](const lf::CoreCoord& a, const lf::CoreCoord& b) { return a == b; })
        .def("__hash__", [](const lf::CoreCoord& c) { return (static_cast<uint64_t>(c.x) << 32) | c.y; })
        .def("__repr__", [](const lf::CoreCoord& c) { return repr(c); });

    nb::class_<lf::CoreRange>(m, "CoreRange", "Inclusive rectangle of cores [start, end], as ttnn.CoreRange.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](lf::CoreRange* self, const lf::CoreCoord& start, const lf::CoreCoord& end) {
                new (self) lf::CoreRange{start, end};
            },
            "start"_a, "end"_a)
        .def_rw("start", &lf::CoreRange::start, "First core (inclusive).")
        .def_rw("end", &lf::CoreRange::end, "Last core (inclusive).")
        .def("contains", &lf::CoreRange::contains, "core"_a, "True when `core` lies in the rectangle.")
        .def("size", &lf::CoreRange::size, "Number of cores in the rectangle.")
        .def("__repr__", [](const lf::CoreRange& r) { return repr(r); });

    nb::bind_vector<std::vector<lf::CoreRange>, nb::rv_policy::reference_internal>(m, "CoreRangeList", "Mutable list of CoreRange.");

    nb::class_<lf::CoreRangeSet>(m, "CoreRangeSet", "Set of core ranges, as ttnn.CoreRangeSet.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](lf::CoreRangeSet* self, const std::vector<lf::CoreRange>& ranges) {
                new (self) lf::CoreRangeSet{ranges};
            },
            "ranges"_a)
        .def_rw("ranges", &lf::CoreRangeSet::ranges, "The core ranges (list of CoreRange).")
        .def("contains", &lf::CoreRangeSet::contains, "core"_a, "True when `core` lies in any range.")
        .def("num_cores", &lf::CoreRangeSet::num_cores, "Total number of cores over all ranges.")
        .def("cores", &lf::CoreRangeSet::cores, "All cores, row-major (y outer, x inner), as list[CoreCoord].")
        .def("__repr__", [](const lf::CoreRangeSet& s) {
            std::string out = "CoreRangeSet([";
            for (size_t i = 0; i < s.ranges.size(); ++i) {
                out += (i ? ", " : "") + repr(s.ranges[i]);
            }
            return out + "])";
        });

    nb::enum_<lf::DataFormat>(m, "DataFormat", "Tile/element data format, named as tt::DataFormat.")
        .value("Float32", lf::DataFormat::Float32)
        .value("Float16_b", lf::DataFormat::Float16_b)
        .value("UInt32", lf::DataFormat::UInt32)
        .value("Invalid", lf::DataFormat::Invalid);
    m.def("datum_size", &lf::datum_size, "format"_a, "Bytes per element of `format` (Float16_b: 2, Float32: 4).");
    m.def("tile_size", &lf::tile_size, "format"_a, "Bytes of one 32x32 tile of `format` (Float16_b: 2048).");

    nb::enum_<lf::MathFidelity>(m, "MathFidelity", "Math fidelity of the FPU, as ttnn.MathFidelity.")
        .value("LoFi", lf::MathFidelity::LoFi)
        .value("HiFi2", lf::MathFidelity::HiFi2)
        .value("HiFi3", lf::MathFidelity::HiFi3)
        .value("HiFi4", lf::MathFidelity::HiFi4);

    nb::class_<lf::CBFormatDescriptor>(
        m, "CBFormatDescriptor", "One (buffer index, format, page size) of a circular buffer, as ttnn.CBFormatDescriptor.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](lf::CBFormatDescriptor* self, uint8_t buffer_index, lf::DataFormat data_format, uint32_t page_size) {
                new (self) lf::CBFormatDescriptor{buffer_index, data_format, page_size};
            },
            "buffer_index"_a, "data_format"_a, "page_size"_a)
        .def_rw("buffer_index", &lf::CBFormatDescriptor::buffer_index, "CB index (tt::CBIndex), 0..31.")
        .def_rw("data_format", &lf::CBFormatDescriptor::data_format, "DataFormat of the CB's pages.")
        .def_rw("page_size", &lf::CBFormatDescriptor::page_size,
                "Bytes per page; capacity in pages = total_size / page_size.")
        .def("__repr__", [](const lf::CBFormatDescriptor& f) {
            return "CBFormatDescriptor(buffer_index=" + std::to_string(f.buffer_index) +
                   ", data_format=" + lf::to_string(f.data_format) + ", page_size=" + std::to_string(f.page_size) +
                   ")";
        });
    nb::bind_vector<std::vector<lf::CBFormatDescriptor>, nb::rv_policy::reference_internal>(m, "CBFormatDescriptorList",
                                                         "Mutable list of CBFormatDescriptor.");

    nb::class_<lf::CBDescriptor>(m, "CBDescriptor",
                                 "A circular buffer allocated in L1 on every core of core_ranges, as ttnn.CBDescriptor.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](lf::CBDescriptor* self, uint32_t total_size, const lf::CoreRangeSet& core_ranges,
               const std::vector<lf::CBFormatDescriptor>& format_descriptors) {
                new (self) lf::CBDescriptor{total_size, core_ranges, format_descriptors};
            },
            "total_size"_a, "core_ranges"_a, "format_descriptors"_a)
        .def_rw("total_size", &lf::CBDescriptor::total_size, "Capacity in bytes.")
        .def_rw("core_ranges", &lf::CBDescriptor::core_ranges, "Cores the CB is allocated on (CoreRangeSet).")
        .def_rw("format_descriptors", &lf::CBDescriptor::format_descriptors,
                "list[CBFormatDescriptor]: buffer indices sharing this allocation (usually one).");
    nb::bind_vector<std::vector<lf::CBDescriptor>, nb::rv_policy::reference_internal>(m, "CBDescriptorList", "Mutable list of CBDescriptor.");

    nb::class_<lf::ReaderConfigDescriptor>(m, "ReaderConfigDescriptor",
                                           "Data-movement reader kernel config (RISCV_1 / NCRISC, NOC 1).")
        .def(nb::init<>())
        .def("__repr__", [](const lf::ReaderConfigDescriptor&) { return "ReaderConfigDescriptor()"; });
    nb::class_<lf::WriterConfigDescriptor>(m, "WriterConfigDescriptor",
                                           "Data-movement writer kernel config (RISCV_0 / BRISC, NOC 0).")
        .def(nb::init<>())
        .def("__repr__", [](const lf::WriterConfigDescriptor&) { return "WriterConfigDescriptor()"; });
    nb::enum_<lf::UnpackToDestMode>(m, "UnpackToDestMode",
                                    "Per-CB unpack mode, as tt::tt_metal::UnpackToDestMode.")
        .value("Default", lf::UnpackToDestMode::Default)
        .value("UnpackToDestFp32", lf::UnpackToDestMode::UnpackToDestFp32);
    nb::class_<lf::ComputeConfigDescriptor>(m, "ComputeConfigDescriptor",
                                            "Compute kernel config, as ttnn.ComputeConfigDescriptor.")
        .def(
            "__init__",
            [](lf::ComputeConfigDescriptor* self, lf::MathFidelity math_fidelity, bool fp32_dest_acc_en,
               bool dst_full_sync_en, bool math_approx_mode, bool bfp8_pack_precise) {
                new (self) lf::ComputeConfigDescriptor{math_fidelity, fp32_dest_acc_en, dst_full_sync_en,
                                                       math_approx_mode, bfp8_pack_precise};
            },
            "math_fidelity"_a = lf::MathFidelity::HiFi4, "fp32_dest_acc_en"_a = false, "dst_full_sync_en"_a = false,
            "math_approx_mode"_a = false, "bfp8_pack_precise"_a = false)
        .def_rw("math_fidelity", &lf::ComputeConfigDescriptor::math_fidelity, "MathFidelity (default HiFi4).")
        .def_rw("fp32_dest_acc_en", &lf::ComputeConfigDescriptor::fp32_dest_acc_en,
                "DEST holds fp32 (4 tiles per half in half-sync) instead of 16-bit (8 tiles).")
        .def_rw("dst_full_sync_en", &lf::ComputeConfigDescriptor::dst_full_sync_en,
                "DEST in full-sync mode (whole register file to one stage).")
        .def_rw("math_approx_mode", &lf::ComputeConfigDescriptor::math_approx_mode,
                "Approximate SFPU functions (e.g. rsqrt).")
        .def_rw("bfp8_pack_precise", &lf::ComputeConfigDescriptor::bfp8_pack_precise, "Precise bfp8 packing.")
        .def_rw("unpack_to_dest_mode", &lf::ComputeConfigDescriptor::unpack_to_dest_mode,
                "list[UnpackToDestMode] indexed by CB index (32 entries) or empty (all Default). A copy when "
                "read: assign a whole list to change it.")
        .def("__repr__", [](const lf::ComputeConfigDescriptor& c) {
            std::ostringstream os;
            os << "ComputeConfigDescriptor(math_fidelity=" << static_cast<int>(c.math_fidelity)
               << ", fp32_dest_acc_en=" << c.fp32_dest_acc_en << ", dst_full_sync_en=" << c.dst_full_sync_en
               << ", math_approx_mode=" << c.math_approx_mode << ")";
            return os.str();
        });

    nb::class_<lf::KernelDescriptor>(m, "KernelDescriptor", "A kernel bound to cores, as ttnn.KernelDescriptor.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](lf::KernelDescriptor* self, std::string kernel_source, lf::CoreRangeSet core_ranges,
               std::vector<uint32_t> compile_time_args, std::vector<std::pair<std::string, std::string>> defines,
               std::vector<lf::CoreRuntimeArgs> runtime_args, std::vector<uint32_t> common_runtime_args,
               lf::KernelConfig config) {
                new (self) lf::KernelDescriptor{std::move(kernel_source),     std::move(core_ranges),
                                                std::move(compile_time_args), std::move(defines),
                                                std::move(runtime_args),      std::move(common_runtime_args),
                                                std::move(config)};
            },
            "kernel_source"_a, "core_ranges"_a = lf::CoreRangeSet{}, "compile_time_args"_a = std::vector<uint32_t>{},
            "defines"_a = std::vector<std::pair<std::string, std::string>>{},
            "runtime_args"_a = std::vector<lf::CoreRuntimeArgs>{}, "common_runtime_args"_a = std::vector<uint32_t>{},
            "config"_a = lf::KernelConfig{lf::ReaderConfigDescriptor{}})
        .def_rw("kernel_source", &lf::KernelDescriptor::kernel_source, "Absolute path of the kernel source file.")
        .def_rw("core_ranges", &lf::KernelDescriptor::core_ranges, "Cores the kernel runs on (CoreRangeSet).")
        .def_rw("compile_time_args", &lf::KernelDescriptor::compile_time_args, "list[int] (uint32).")
        .def_rw("defines", &lf::KernelDescriptor::defines, "list[tuple[str, str]]: preprocessor defines.")
        .def_rw("runtime_args", &lf::KernelDescriptor::runtime_args,
                "list[tuple[CoreCoord, list[int]]]: per-core runtime args (uint32). Reading returns a copy; assign "
                "the whole list to change it.")
        .def_rw("common_runtime_args", &lf::KernelDescriptor::common_runtime_args,
                "list[int] (uint32): runtime args shared by all cores.")
        .def_rw("config", &lf::KernelDescriptor::config,
                "ReaderConfigDescriptor | WriterConfigDescriptor | ComputeConfigDescriptor. Reading returns a copy; "
                "assign a whole config to change it.")
        .def_prop_ro("is_compute", &lf::KernelDescriptor::is_compute, "True for a compute kernel.")
        .def_prop_ro("is_reader", &lf::KernelDescriptor::is_reader, "True for a reader (RISCV_1) kernel.")
        .def_prop_ro(
            "is_writer",
            [](const lf::KernelDescriptor& k) { return std::holds_alternative<lf::WriterConfigDescriptor>(k.config); },
            "True for a writer (RISCV_0) kernel.")
        .def(
            "runtime_args_of",
            [](const lf::KernelDescriptor& k, const lf::CoreCoord& c) -> std::optional<std::vector<uint32_t>> {
                const auto* a = k.runtime_args_of(c);
                return a ? std::optional<std::vector<uint32_t>>(*a) : std::nullopt;
            },
            "core"_a, "Runtime args of `core` (list[int]), or None when the kernel has none for it.")
        .def("__repr__", [](const lf::KernelDescriptor& k) {
            const char* kind = k.is_compute() ? "compute" : (k.is_reader() ? "reader" : "writer");
            return std::string("KernelDescriptor(") + kind + ", '" + k.kernel_source + "')";
        });
    nb::bind_vector<std::vector<lf::KernelDescriptor>, nb::rv_policy::reference_internal>(m, "KernelDescriptorList", "Mutable list of KernelDescriptor.");

    nb::class_<lf::ProgramDescriptor>(m, "ProgramDescriptor", "A whole program, as ttnn.ProgramDescriptor.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](lf::ProgramDescriptor* self, std::vector<lf::KernelDescriptor> kernels,
               std::vector<lf::CBDescriptor> cbs, std::string program_factory) {
                new (self) lf::ProgramDescriptor{std::move(kernels), std::move(cbs), std::move(program_factory)};
            },
            "kernels"_a, "cbs"_a, "program_factory"_a = "")
        .def_rw("kernels", &lf::ProgramDescriptor::kernels, "list[KernelDescriptor].")
        .def_rw("cbs", &lf::ProgramDescriptor::cbs, "list[CBDescriptor].")
        .def_rw("program_factory", &lf::ProgramDescriptor::program_factory, "Name of the factory that built it.")
        .def("__repr__", [](const lf::ProgramDescriptor& p) {
            return "ProgramDescriptor(" + p.program_factory + ", " + std::to_string(p.kernels.size()) + " kernels, " +
                   std::to_string(p.cbs.size()) + " cbs)";
        });

    // ------------------------------------------------------------------ op types
    nb::enum_<lf::Layout>(m, "Layout", "Tensor layout, as ttnn.Layout.")
        .value("ROW_MAJOR", lf::Layout::ROW_MAJOR)
        .value("TILE", lf::Layout::TILE);
    nb::enum_<lf::DType>(m, "DType", "Tensor element type, as ttnn.DataType.")
        .value("BFLOAT16", lf::DType::BFLOAT16)
        .value("FLOAT32", lf::DType::FLOAT32)
        .value("BFLOAT8_B", lf::DType::BFLOAT8_B)
        .value("UINT32", lf::DType::UINT32)
        .value("INT32", lf::DType::INT32)
        .value("UINT16", lf::DType::UINT16)
        .value("UINT8", lf::DType::UINT8);
    nb::enum_<lf::BufferType>(m, "BufferType", "Where a buffer lives, as ttnn.BufferType.")
        .value("DRAM", lf::BufferType::DRAM)
        .value("L1", lf::BufferType::L1);
    nb::enum_<lf::TensorMemoryLayout>(m, "TensorMemoryLayout", "Interleaved or sharded, as ttnn.TensorMemoryLayout.")
        .value("INTERLEAVED", lf::TensorMemoryLayout::INTERLEAVED)
        .value("HEIGHT_SHARDED", lf::TensorMemoryLayout::HEIGHT_SHARDED)
        .value("WIDTH_SHARDED", lf::TensorMemoryLayout::WIDTH_SHARDED)
        .value("BLOCK_SHARDED", lf::TensorMemoryLayout::BLOCK_SHARDED);
    m.def("to_string", [](lf::Layout v) { return enum_repr(v); }, "value"_a);
    m.def("to_string", [](lf::DType v) { return enum_repr(v); }, "value"_a);
    m.def("to_string", [](lf::BufferType v) { return enum_repr(v); }, "value"_a);
    m.def("to_string", [](lf::TensorMemoryLayout v) { return enum_repr(v); }, "value"_a);
    m.def("to_string", [](lf::DataFormat v) { return std::string(lf::to_string(v)); }, "value"_a,
          "Name of an enum value as the C++ core spells it in messages.");

    nb::class_<lf::MemoryConfig>(m, "MemoryConfig", "Memory layout and buffer type of a tensor (ttnn.MemoryConfig subset).")
        .def(
            "__init__",
            [](lf::MemoryConfig* self, lf::TensorMemoryLayout memory_layout, lf::BufferType buffer_type) {
                new (self) lf::MemoryConfig{memory_layout, buffer_type};
            },
            "memory_layout"_a = lf::TensorMemoryLayout::INTERLEAVED, "buffer_type"_a = lf::BufferType::DRAM)
        .def_rw("memory_layout", &lf::MemoryConfig::memory_layout, "TensorMemoryLayout.")
        .def_rw("buffer_type", &lf::MemoryConfig::buffer_type, "BufferType.")
        .def("__repr__", [](const lf::MemoryConfig& c) {
            return std::string("MemoryConfig(") + lf::to_string(c.memory_layout) + ", " + lf::to_string(c.buffer_type) +
                   ")";
        });

    nb::class_<lf::TensorDesc>(m, "TensorDesc", "What the op needs to know about one tensor.")
        .def(
            "__init__",
            [](lf::TensorDesc* self, std::vector<uint32_t> shape, lf::DType dtype, lf::Layout layout,
               lf::MemoryConfig memory_config, uint32_t address, bool on_device, int device_id) {
                new (self) lf::TensorDesc{std::move(shape), dtype, layout, memory_config, address, on_device, device_id};
            },
            "shape"_a = std::vector<uint32_t>{}, "dtype"_a = lf::DType::BFLOAT16, "layout"_a = lf::Layout::ROW_MAJOR,
            "memory_config"_a = lf::MemoryConfig{}, "address"_a = 0u, "on_device"_a = false, "device_id"_a = -1)
        .def_rw("shape", &lf::TensorDesc::shape, "list[int]: logical shape, outermost first.")
        .def_rw("dtype", &lf::TensorDesc::dtype, "DType.")
        .def_rw("layout", &lf::TensorDesc::layout, "Layout.")
        .def_rw("memory_config", &lf::TensorDesc::memory_config, "MemoryConfig.")
        .def_rw("address", &lf::TensorDesc::address,
                "Bank-local base address of the interleaved buffer (bytes); 0 until allocated.")
        .def_rw("on_device", &lf::TensorDesc::on_device,
                "True: a Tenstorrent device tensor; False: a host tensor (emulator path).")
        .def_rw("device_id", &lf::TensorDesc::device_id, "Device id (-1 for host tensors).")
        .def("__repr__", [](const lf::TensorDesc& t) {
            std::string s = "TensorDesc(shape=[";
            for (size_t i = 0; i < t.shape.size(); ++i) {
                s += (i ? ", " : "") + std::to_string(t.shape[i]);
            }
            return s + "], dtype=" + lf::to_string(t.dtype) + ", layout=" + lf::to_string(t.layout) +
                   ", address=" + std::to_string(t.address) + ", on_device=" + (t.on_device ? "True" : "False") +
                   ", device_id=" + std::to_string(t.device_id) + ")";
        });

    nb::class_<lf::operation_attributes_t>(m, "OperationAttributes", "operation_attributes_t of the op.")
        .def(
            "__init__",
            [](lf::operation_attributes_t* self, float eps, lf::MemoryConfig output_memory_config,
               lf::DType output_dtype, lf::ComputeConfigDescriptor compute_config, std::string arch,
               lf::CoreCoord core_grid, std::string program_factory) {
                new (self) lf::operation_attributes_t{eps,           output_memory_config, output_dtype,
                                                      compute_config, std::move(arch),      core_grid,
                                                      std::move(program_factory)};
            },
            "eps"_a = 1e-5f, "output_memory_config"_a = lf::MemoryConfig{}, "output_dtype"_a = lf::DType::BFLOAT16,
            "compute_config"_a = lf::ComputeConfigDescriptor{}, "arch"_a = "wormhole_b0",
            "core_grid"_a = lf::CoreCoord{0, 0}, "program_factory"_a = "")
        .def_rw("eps", &lf::operation_attributes_t::eps, "Epsilon added to the variance (float32).")
        .def_rw("output_memory_config", &lf::operation_attributes_t::output_memory_config, "MemoryConfig.")
        .def_rw("output_dtype", &lf::operation_attributes_t::output_dtype, "DType of the output.")
        .def_rw("compute_config", &lf::operation_attributes_t::compute_config, "ComputeConfigDescriptor.")
        .def_rw("arch", &lf::operation_attributes_t::arch, "\"wormhole_b0\" or \"blackhole\".")
        .def_rw("core_grid", &lf::operation_attributes_t::core_grid,
                "CoreCoord(x=columns, y=rows) of worker cores to split the tile-rows over; (0, 0) = the arch's grid.")
        .def_rw("program_factory", &lf::operation_attributes_t::program_factory,
                "\"\" (chosen by select_program_factory) or a program factory name to force it.");

    nb::class_<lf::tensor_args_t>(m, "TensorArgs", "tensor_args_t of the op: input, optional gamma and beta.")
        .def(
            "__init__",
            [](lf::tensor_args_t* self, lf::TensorDesc input, std::optional<lf::TensorDesc> gamma,
               std::optional<lf::TensorDesc> beta) {
                new (self) lf::tensor_args_t{std::move(input), std::move(gamma), std::move(beta)};
            },
            "input"_a, "gamma"_a = nb::none(), "beta"_a = nb::none())
        .def_rw("input", &lf::tensor_args_t::input, "TensorDesc of the input.")
        .def_rw("gamma", &lf::tensor_args_t::gamma,
                "TensorDesc | None. Reading returns a copy; assign a whole TensorDesc to change it.")
        .def_rw("beta", &lf::tensor_args_t::beta,
                "TensorDesc | None. Reading returns a copy; assign a whole TensorDesc to change it.");

    nb::class_<lf::spec_return_value_t>(m, "OutputSpec",
                                        "spec_return_value_t: shape, dtype, layout and memory of the output.")
        .def(nb::init<>())
        .def_rw("shape", &lf::spec_return_value_t::shape, "list[int].")
        .def_rw("dtype", &lf::spec_return_value_t::dtype, "DType.")
        .def_rw("layout", &lf::spec_return_value_t::layout, "Layout.")
        .def_rw("memory_config", &lf::spec_return_value_t::memory_config, "MemoryConfig.");

    using Op = lf::LayerNormFusedRMDeviceOperation;
    m.def("validate", &Op::validate, "attrs"_a, "tensor_args"_a,
          "Checks every precondition of the op. Raises ValueError (bad argument: message names the argument, the "
          "expected and the given value) or RuntimeError (the row does not fit the row-resident program's L1).");
    m.def("compute_output_specs", &Op::compute_output_specs, "attrs"_a, "tensor_args"_a,
          "OutputSpec: the input's shape, attrs.output_dtype, ROW_MAJOR, attrs.output_memory_config.");
    m.def("select_program_factory", &Op::select_program_factory, "attrs"_a, "tensor_args"_a,
          "Name of the program factory that builds the program.");
    m.def("row_resident_cb_bytes", &lf::row_resident_cb_bytes, "W"_a, "dtype"_a,
          "compute_config"_a = lf::ComputeConfigDescriptor{}, "has_gamma"_a = true, "has_beta"_a = true,
          "output_dtype"_a = nb::none(),
          "L1 bytes the row-resident program's CBs need for rows of W elements (Wt = ceil(W/32)): 4 Wt tiles, "
          "2 Wt each for gamma and beta when given (else 2 pages each), 1 scaler tile (2 when W % 32 != 0), "
          "1 eps tile, 3 statistics tiles (Float32 when compute_config.fp32_dest_acc_en).");
    m.def("create_program_descriptor", &lf::create_program_descriptor, "attrs"_a, "tensor_args"_a, "output"_a,
          "validate(attrs, tensor_args), then build the ProgramDescriptor. `output` is the output TensorDesc "
          "(address 0 when not allocated). Raises what validate raises.");
    m.def("program_factory_name", []() { return std::string(lf::LayerNormFusedRMProgramFactory::name); },
          "Name of the row-resident program factory.");
    m.attr("STREAMING_PROGRAM_FACTORY") = lf::LayerNormFusedRMStreamingProgramFactory::name;

    m.def("set_kernel_root", &lf::set_kernel_root, "dir"_a,
          "Directory holding the kernel sources; kernel_source paths are built from it.");
    m.def("kernel_root", &lf::kernel_root, "Directory holding the kernel sources (str).");
    m.def("set_include_root", &tensix_emu::set_include_root, "dir"_a,
          "Folder containing the emulator's kernel API headers (api/...), used by the kernel JIT.");
    m.def("include_root", &tensix_emu::include_root, "Folder of the emulator's kernel API headers (str).");
    m.def("set_cache_dir", &tensix_emu::set_cache_dir, "dir"_a, "Where the emulator keeps JIT-compiled kernels.");
    m.def("cache_dir", &tensix_emu::cache_dir, "Where the emulator keeps JIT-compiled kernels (str).");

    m.def(
        "tilize_reference",
        [](nb::bytes data, uint32_t rows, uint32_t cols, lf::DataFormat format) {
            const uint32_t es = lf::datum_size(format);
            if (es == 0) {
                throw std::invalid_argument("tilize_reference: format must be Float16_b or Float32, got " +
                                            std::string(lf::to_string(format)));
            }
            if (rows % 32 != 0 || cols % 32 != 0 || rows == 0 || cols == 0) {
                throw std::invalid_argument("tilize_reference: rows and cols must be positive multiples of 32, got " +
                                            std::to_string(rows) + " x " + std::to_string(cols));
            }
            const uint64_t expected = uint64_t(rows) * cols * es;
            if (data.size() != expected) {
                throw std::invalid_argument("tilize_reference: data must be rows*cols*" + std::to_string(es) + " = " +
                                            std::to_string(expected) + " bytes, got " + std::to_string(data.size()));
            }
            std::vector<uint8_t> out = tensix_emu::tilize_reference(data.c_str(), rows, cols, format);
            return nb::bytes(reinterpret_cast<const char*>(out.data()), out.size());
        },
        "data"_a, "rows"_a, "cols"_a, "format"_a,
        "Tilizes row-major `data` (bytes, rows x cols elements of `format`, both multiples of 32) into tiles in "
        "tile order, 4 faces of 16x16 each, as tilize_block lays them out in L1. Returns bytes of the same size.");

    // ------------------------------------------------------------------ emulator
    nb::class_<tensix_emu::ArchParams>(m, "ArchParams", "Architecture parameters of an emulated chip.")
        .def_ro("name", &tensix_emu::ArchParams::name, "\"wormhole_b0\" | \"blackhole\".")
        .def_ro("grid_x", &tensix_emu::ArchParams::grid_x, "Worker grid columns.")
        .def_ro("grid_y", &tensix_emu::ArchParams::grid_y, "Worker grid rows.")
        .def_ro("l1_size", &tensix_emu::ArchParams::l1_size, "Bytes of worker L1.")
        .def_ro("l1_unreserved_base", &tensix_emu::ArchParams::l1_unreserved_base,
                "First L1 byte free for circular buffers.")
        .def_ro("num_dram_banks", &tensix_emu::ArchParams::num_dram_banks, "DRAM banks.")
        .def_ro("dram_alignment", &tensix_emu::ArchParams::dram_alignment, "DRAM page alignment, bytes.")
        .def_ro("l1_alignment", &tensix_emu::ArchParams::l1_alignment, "L1 alignment, bytes.")
        .def_ro("dram_bank_size", &tensix_emu::ArchParams::dram_bank_size, "Bytes emulated per DRAM bank.")
        .def_static("by_name", &tensix_emu::ArchParams::by_name, "name"_a,
                    "\"wormhole_b0\"/\"wormhole\"/\"n150\" or \"blackhole\"/\"p150\"; ValueError otherwise.")
        .def_static("wormhole_b0", &tensix_emu::ArchParams::wormhole_b0, "Wormhole B0 parameters.")
        .def_static("blackhole", &tensix_emu::ArchParams::blackhole, "Blackhole parameters.")
        .def_static("from_env", &tensix_emu::ArchParams::from_env,
                    "Parameters of $LAYERNORM_FUSED_RM_ARCH (any name by_name accepts), default Wormhole B0.")
        .def("__repr__", [](const tensix_emu::ArchParams& a) {
            return "ArchParams(" + a.name + ", grid " + std::to_string(a.grid_x) + "x" + std::to_string(a.grid_y) +
                   ", l1_size " + std::to_string(a.l1_size) + ", l1_unreserved_base " +
                   std::to_string(a.l1_unreserved_base) + ")";
        });

    nb::class_<tensix_emu::RunStats>(m, "RunStats", "Counters of one emulator run.")
        .def_ro("dram_bytes_read", &tensix_emu::RunStats::dram_bytes_read, "Bytes read from DRAM by kernels.")
        .def_ro("dram_bytes_written", &tensix_emu::RunStats::dram_bytes_written, "Bytes written to DRAM by kernels.")
        .def_ro("noc_transactions", &tensix_emu::RunStats::noc_transactions, "NOC transactions issued.")
        .def_ro("dram_bytes_read_per_buffer", &tensix_emu::RunStats::dram_bytes_read_per_buffer,
                "dict[int, int]: bytes read, keyed by buffer address.")
        .def_ro("dram_bytes_written_per_buffer", &tensix_emu::RunStats::dram_bytes_written_per_buffer,
                "dict[int, int]: bytes written, keyed by buffer address.")
        .def_ro("cores_used", &tensix_emu::RunStats::cores_used, "Cores that ran kernels.")
        .def_ro("tiles_computed", &tensix_emu::RunStats::tiles_computed, "Tiles packed by compute kernels.")
        .def_ro("l1_high_water", &tensix_emu::RunStats::l1_high_water, "Highest CB end address on any core, bytes.")
        .def_ro("jit_cache_hits", &tensix_emu::RunStats::jit_cache_hits, "Kernels found in the JIT cache.")
        .def_ro("jit_compiles", &tensix_emu::RunStats::jit_compiles, "Kernels compiled this run.")
        .def_ro("tiles_computed_per_core", &tensix_emu::RunStats::tiles_computed_per_core,
                "dict[tuple[int, int], int]: tiles packed by the compute kernel of each core, keyed by (x, y).")
        .def_ro("l1_high_water_per_core", &tensix_emu::RunStats::l1_high_water_per_core,
                "dict[tuple[int, int], int]: end of the last CB on each core (bytes, absolute L1 address).")
        .def_ro("noc_transactions_per_core", &tensix_emu::RunStats::noc_transactions_per_core,
                "dict[tuple[int, int], int]: NOC reads + writes issued by each core's kernels.")
        .def_ro("kernels_run", &tensix_emu::RunStats::kernels_run, "Kernel instances (kernels x cores) run.")
        .def_ro("host_threads", &tensix_emu::RunStats::host_threads, "Host threads of the pool that ran them.")
        .def_ro("warnings", &tensix_emu::RunStats::warnings, "list[str].");

    nb::class_<tensix_emu::Device>(m, "EmuDevice",
                                   "One emulated chip (host Tensix emulator): interleaved DRAM banks and a grid of "
                                   "Tensix cores. Not a ttnn device.")
        .def(
            "__init__",
            [](tensix_emu::Device* self, std::optional<std::string> arch) {
                new (self) tensix_emu::Device(arch ? tensix_emu::ArchParams::by_name(*arch)
                                                   : tensix_emu::ArchParams::from_env());
            },
            "arch"_a = nb::none(),
            "Emulated chip of the named arch (\"wormhole_b0\" or \"blackhole\"); None: $LAYERNORM_FUSED_RM_ARCH, "
            "default \"wormhole_b0\".")
        .def(nb::init<const tensix_emu::ArchParams&>(), "arch"_a, "Emulated chip with explicit ArchParams.")
        .def_prop_ro("arch", &tensix_emu::Device::arch, nb::rv_policy::reference_internal, "ArchParams of the chip.")
        .def("allocate_dram_buffer", &tensix_emu::Device::allocate_dram_buffer, "size_bytes"_a, "page_size"_a,
             "Allocates an interleaved DRAM buffer of size_bytes with page_size-byte pages (round-robin over banks). "
             "Returns its bank-local base address (int).")
        .def(
            "write_dram_buffer",
            [](tensix_emu::Device& d, uint32_t address, nb::bytes data) {
                const char* p = data.c_str();
                const size_t n = data.size();
                nb::gil_scoped_release release;
                d.write_dram_buffer(address, p, n);
            },
            "address"_a, "data"_a, "Writes `data` (bytes, whole pages in page order) to the buffer at `address`.")
        .def(
            "read_dram_buffer",
            [](const tensix_emu::Device& d, uint32_t address, uint64_t size) {
                std::string out(size, '\0');
                {
                    nb::gil_scoped_release release;
                    d.read_dram_buffer(address, out.data(), size);
                }
                return nb::bytes(out.data(), out.size());
            },
            "address"_a, "size"_a, "Reads `size` bytes (page order, unpadded) of the buffer at `address`.")
        .def("deallocate_dram_buffer", &tensix_emu::Device::deallocate_dram_buffer, "address"_a,
             "Frees the buffer at `address`.")
        .def(
            "run",
            [](tensix_emu::Device& d, const lf::ProgramDescriptor& program, double watchdog_seconds,
               uint32_t max_threads) {
                lf::ProgramDescriptor copy = program;  // Python may touch the original while the GIL is released
                tensix_emu::RunOptions options;
                options.watchdog_seconds = watchdog_seconds;
                options.max_threads = max_threads;
                nb::gil_scoped_release release;
                return d.run(copy, options);
            },
            "program"_a, "watchdog_seconds"_a = 300.0, "max_threads"_a = 0,
            "Runs `program` to completion (GIL released) and returns RunStats. Raises DeadlockError when every "
            "kernel is blocked, CompileError when a kernel does not compile, EmulatorError on any rule violation. "
            "watchdog_seconds: safety-net bound on the run (0 = none). max_threads: host threads running the "
            "kernels as fibers (0 = $LAYERNORM_FUSED_RM_EMU_THREADS or min(hardware threads, 4)).");
}
