// SPDX-License-Identifier: Apache-2.0
//
// Python bindings of the tt-metal mirror (cpp/tt_metal_mirror): core coordinates, circular-buffer, kernel,
// semaphore and program descriptors, data formats, math fidelity, unpack-to-DEST modes, and the arch parameters.
// Names are tt-metal's (as ttnn's Python API spells them where it has them).
#include <nanobind/stl/bind_vector.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <sstream>
#include <string>

#include "arch/arch_params.hpp"
#include "bindings/bindings.hpp"

namespace nb = nanobind;
using namespace nb::literals;
namespace ttm = tt::tt_metal;

namespace layernorm_fused_rm::bindings {

namespace {
std::string repr(const CoreCoord& c) { return "CoreCoord(x=" + std::to_string(c.x) + ", y=" + std::to_string(c.y) + ")"; }
std::string repr(const CoreRange& r) { return "CoreRange(" + repr(r.start) + ", " + repr(r.end) + ")"; }
}  // namespace

void bind_mirror(nb::module_& m) {
    nb::class_<CoreCoord>(m, "CoreCoord", "Logical worker-core coordinate (x = column, y = row), as ttnn.CoreCoord.")
        .def(nb::init<>())
        .def(
            "__init__", [](CoreCoord* self, uint32_t x, uint32_t y) { new (self) CoreCoord{x, y}; }, "x"_a,
            "y"_a)
        .def_rw("x", &CoreCoord::x, "Column of the core in the worker grid.")
        .def_rw("y", &CoreCoord::y, "Row of the core in the worker grid.")
        .def("__eq__", [](const CoreCoord& a, const CoreCoord& b) { return a == b; })
        .def("__hash__", [](const CoreCoord& c) { return (static_cast<uint64_t>(c.x) << 32) | c.y; })
        .def("__repr__", [](const CoreCoord& c) { return repr(c); });

    nb::class_<CoreRange>(m, "CoreRange", "Inclusive rectangle of cores [start, end], as ttnn.CoreRange.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](CoreRange* self, const CoreCoord& start, const CoreCoord& end) {
                new (self) CoreRange{start, end};
            },
            "start"_a, "end"_a)
        .def_rw("start", &CoreRange::start, "First core (inclusive).")
        .def_rw("end", &CoreRange::end, "Last core (inclusive).")
        .def("contains", &CoreRange::contains, "core"_a, "True when `core` lies in the rectangle.")
        .def("size", &CoreRange::size, "Number of cores in the rectangle.")
        .def("__repr__", [](const CoreRange& r) { return repr(r); });

    nb::bind_vector<std::vector<CoreRange>, nb::rv_policy::reference_internal>(m, "CoreRangeList", "Mutable list of CoreRange.");

    nb::class_<CoreRangeSet>(m, "CoreRangeSet", "Set of core ranges, as ttnn.CoreRangeSet.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](CoreRangeSet* self, const std::vector<CoreRange>& ranges) {
                new (self) CoreRangeSet{ranges};
            },
            "ranges"_a)
        .def_rw("ranges", &CoreRangeSet::ranges, "The core ranges (list of CoreRange).")
        .def("contains", &CoreRangeSet::contains, "core"_a, "True when `core` lies in any range.")
        .def("num_cores", &CoreRangeSet::num_cores, "Total number of cores over all ranges.")
        .def("cores", &CoreRangeSet::cores, "All cores, row-major (y outer, x inner), as list[CoreCoord].")
        .def("__repr__", [](const CoreRangeSet& s) {
            std::string out = "CoreRangeSet([";
            for (size_t i = 0; i < s.ranges.size(); ++i) {
                out += (i ? ", " : "") + repr(s.ranges[i]);
            }
            return out + "])";
        });

    nb::enum_<tt::DataFormat>(m, "DataFormat", "Tile/element data format, named as tt::DataFormat.")
        .value("Float32", tt::DataFormat::Float32)
        .value("Float16_b", tt::DataFormat::Float16_b)
        .value("UInt32", tt::DataFormat::UInt32)
        .value("Invalid", tt::DataFormat::Invalid);
    m.def("to_string", [](tt::DataFormat v) { return std::string(tt::to_string(v)); }, "value"_a,
          "Name of a DataFormat as the C++ core spells it in messages.");
    m.def("datum_size", &tt::datum_size, "format"_a, "Bytes per element of `format` (Float16_b: 2, Float32: 4).");
    m.def("tile_size", &tt::tile_size, "format"_a, "Bytes of one 32x32 tile of `format` (Float16_b: 2048).");

    nb::enum_<ttm::MathFidelity>(m, "MathFidelity", "Math fidelity of the FPU, as ttnn.MathFidelity.")
        .value("LoFi", ttm::MathFidelity::LoFi)
        .value("HiFi2", ttm::MathFidelity::HiFi2)
        .value("HiFi3", ttm::MathFidelity::HiFi3)
        .value("HiFi4", ttm::MathFidelity::HiFi4)
        .value("Invalid", ttm::MathFidelity::Invalid);

    nb::class_<ttm::CBFormatDescriptor>(
        m, "CBFormatDescriptor", "One (buffer index, format, page size) of a circular buffer, as ttnn.CBFormatDescriptor.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](ttm::CBFormatDescriptor* self, uint8_t buffer_index, tt::DataFormat data_format, uint32_t page_size) {
                new (self) ttm::CBFormatDescriptor{buffer_index, data_format, page_size};
            },
            "buffer_index"_a, "data_format"_a, "page_size"_a)
        .def_rw("buffer_index", &ttm::CBFormatDescriptor::buffer_index, "CB index (tt::CBIndex), 0..31.")
        .def_rw("data_format", &ttm::CBFormatDescriptor::data_format, "DataFormat of the CB's pages.")
        .def_rw("page_size", &ttm::CBFormatDescriptor::page_size,
                "Bytes per page; capacity in pages = total_size / page_size.")
        .def("__repr__", [](const ttm::CBFormatDescriptor& f) {
            return "CBFormatDescriptor(buffer_index=" + std::to_string(f.buffer_index) +
                   ", data_format=" + tt::to_string(f.data_format) + ", page_size=" + std::to_string(f.page_size) +
                   ")";
        });
    nb::bind_vector<std::vector<ttm::CBFormatDescriptor>, nb::rv_policy::reference_internal>(m, "CBFormatDescriptorList",
                                                         "Mutable list of CBFormatDescriptor.");

    nb::class_<ttm::CBDescriptor>(m, "CBDescriptor",
                                 "A circular buffer allocated in L1 on every core of core_ranges, as ttnn.CBDescriptor.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](ttm::CBDescriptor* self, uint32_t total_size, const CoreRangeSet& core_ranges,
               const std::vector<ttm::CBFormatDescriptor>& format_descriptors) {
                new (self) ttm::CBDescriptor{total_size, core_ranges, format_descriptors};
            },
            "total_size"_a, "core_ranges"_a, "format_descriptors"_a)
        .def_rw("total_size", &ttm::CBDescriptor::total_size, "Capacity in bytes.")
        .def_rw("core_ranges", &ttm::CBDescriptor::core_ranges, "Cores the CB is allocated on (CoreRangeSet).")
        .def_rw("format_descriptors", &ttm::CBDescriptor::format_descriptors,
                "list[CBFormatDescriptor]: buffer indices sharing this allocation (usually one).");
    nb::bind_vector<std::vector<ttm::CBDescriptor>, nb::rv_policy::reference_internal>(m, "CBDescriptorList", "Mutable list of CBDescriptor.");

    nb::class_<ttm::ReaderConfigDescriptor>(m, "ReaderConfigDescriptor",
                                           "Data-movement reader kernel config (RISCV_1 / NCRISC, NOC 1).")
        .def(nb::init<>())
        .def("__repr__", [](const ttm::ReaderConfigDescriptor&) { return "ReaderConfigDescriptor()"; });
    nb::class_<ttm::WriterConfigDescriptor>(m, "WriterConfigDescriptor",
                                           "Data-movement writer kernel config (RISCV_0 / BRISC, NOC 0).")
        .def(nb::init<>())
        .def("__repr__", [](const ttm::WriterConfigDescriptor&) { return "WriterConfigDescriptor()"; });
    nb::enum_<ttm::UnpackToDestMode>(m, "UnpackToDestMode",
                                    "Per-CB unpack mode, as tt::tt_metal::UnpackToDestMode.")
        .value("Default", ttm::UnpackToDestMode::Default)
        .value("UnpackToDestFp32", ttm::UnpackToDestMode::UnpackToDestFp32);
    nb::class_<ttm::ComputeConfigDescriptor>(m, "ComputeConfigDescriptor",
                                            "Compute kernel config, as ttnn.ComputeConfigDescriptor.")
        .def(
            "__init__",
            [](ttm::ComputeConfigDescriptor* self, ttm::MathFidelity math_fidelity, bool fp32_dest_acc_en,
               bool dst_full_sync_en, bool math_approx_mode, bool bfp8_pack_precise) {
                new (self) ttm::ComputeConfigDescriptor{};
                self->math_fidelity = math_fidelity;
                self->fp32_dest_acc_en = fp32_dest_acc_en;
                self->dst_full_sync_en = dst_full_sync_en;
                self->math_approx_mode = math_approx_mode;
                self->bfp8_pack_precise = bfp8_pack_precise;
            },
            "math_fidelity"_a = ttm::MathFidelity::HiFi4, "fp32_dest_acc_en"_a = false, "dst_full_sync_en"_a = false,
            "math_approx_mode"_a = false, "bfp8_pack_precise"_a = false)
        .def_rw("math_fidelity", &ttm::ComputeConfigDescriptor::math_fidelity, "MathFidelity (default HiFi4).")
        .def_rw("fp32_dest_acc_en", &ttm::ComputeConfigDescriptor::fp32_dest_acc_en,
                "DEST holds fp32 (4 tiles per half in half-sync) instead of 16-bit (8 tiles).")
        .def_rw("dst_full_sync_en", &ttm::ComputeConfigDescriptor::dst_full_sync_en,
                "DEST in full-sync mode (whole register file to one stage).")
        .def_rw("math_approx_mode", &ttm::ComputeConfigDescriptor::math_approx_mode,
                "Approximate SFPU functions (e.g. rsqrt).")
        .def_rw("bfp8_pack_precise", &ttm::ComputeConfigDescriptor::bfp8_pack_precise, "Precise bfp8 packing.")
        .def_rw("unpack_to_dest_mode", &ttm::ComputeConfigDescriptor::unpack_to_dest_mode,
                "list[UnpackToDestMode] indexed by CB index (32 entries) or empty (all Default). A copy when "
                "read: assign a whole list to change it.")
        .def("__repr__", [](const ttm::ComputeConfigDescriptor& c) {
            std::ostringstream os;
            os << "ComputeConfigDescriptor(math_fidelity=" << static_cast<int>(c.math_fidelity)
               << ", fp32_dest_acc_en=" << c.fp32_dest_acc_en << ", dst_full_sync_en=" << c.dst_full_sync_en
               << ", math_approx_mode=" << c.math_approx_mode << ")";
            return os.str();
        });

    nb::class_<ttm::KernelDescriptor>(m, "KernelDescriptor", "A kernel bound to cores, as ttnn.KernelDescriptor.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](ttm::KernelDescriptor* self, std::string kernel_source, CoreRangeSet core_ranges,
               ttm::KernelDescriptor::CompileTimeArgs compile_time_args, ttm::KernelDescriptor::Defines defines,
               ttm::KernelDescriptor::RuntimeArgs runtime_args,
               ttm::KernelDescriptor::CommonRuntimeArgs common_runtime_args,
               ttm::KernelDescriptor::ConfigDescriptor config,
               ttm::KernelDescriptor::NamedCompileTimeArgs named_compile_time_args) {
                new (self) ttm::KernelDescriptor{};
                self->kernel_source = std::move(kernel_source);
                self->core_ranges = std::move(core_ranges);
                self->compile_time_args = std::move(compile_time_args);
                self->named_compile_time_args = std::move(named_compile_time_args);
                self->defines = std::move(defines);
                self->runtime_args = std::move(runtime_args);
                self->common_runtime_args = std::move(common_runtime_args);
                self->config = std::move(config);
            },
            "kernel_source"_a, "core_ranges"_a = CoreRangeSet{},
            "compile_time_args"_a = ttm::KernelDescriptor::CompileTimeArgs{},
            "defines"_a = ttm::KernelDescriptor::Defines{}, "runtime_args"_a = ttm::KernelDescriptor::RuntimeArgs{},
            "common_runtime_args"_a = ttm::KernelDescriptor::CommonRuntimeArgs{},
            "config"_a = ttm::KernelDescriptor::ConfigDescriptor{ttm::ReaderConfigDescriptor{}},
            "named_compile_time_args"_a = ttm::KernelDescriptor::NamedCompileTimeArgs{})
        .def_rw("kernel_source", &ttm::KernelDescriptor::kernel_source, "Absolute path of the kernel source file.")
        .def_rw("core_ranges", &ttm::KernelDescriptor::core_ranges, "Cores the kernel runs on (CoreRangeSet).")
        .def_rw("compile_time_args", &ttm::KernelDescriptor::compile_time_args, "list[int] (uint32).")
        .def_rw("named_compile_time_args", &ttm::KernelDescriptor::named_compile_time_args,
                "list[tuple[str, int]]: compile-time args by name (uint32). Reading returns a copy.")
        .def_rw("defines", &ttm::KernelDescriptor::defines, "list[tuple[str, str]]: preprocessor defines.")
        .def_rw("runtime_args", &ttm::KernelDescriptor::runtime_args,
                "list[tuple[CoreCoord, list[int]]]: per-core runtime args (uint32). Reading returns a copy; assign "
                "the whole list to change it.")
        .def_rw("common_runtime_args", &ttm::KernelDescriptor::common_runtime_args,
                "list[int] (uint32): runtime args shared by all cores.")
        .def_rw("config", &ttm::KernelDescriptor::config,
                "ReaderConfigDescriptor | WriterConfigDescriptor | ComputeConfigDescriptor. Reading returns a copy; "
                "assign a whole config to change it.")
        .def_prop_ro("is_compute", &ttm::KernelDescriptor::is_compute, "True for a compute kernel.")
        .def_prop_ro("is_reader", &ttm::KernelDescriptor::is_reader, "True for a reader (RISCV_1) kernel.")
        .def_prop_ro(
            "is_writer",
            [](const ttm::KernelDescriptor& k) { return std::holds_alternative<ttm::WriterConfigDescriptor>(k.config); },
            "True for a writer (RISCV_0) kernel.")
        .def(
            "runtime_args_of",
            [](const ttm::KernelDescriptor& k, const CoreCoord& c) -> std::optional<std::vector<uint32_t>> {
                const auto* a = k.runtime_args_of(c);
                return a ? std::optional<std::vector<uint32_t>>(*a) : std::nullopt;
            },
            "core"_a, "Runtime args of `core` (list[int]), or None when the kernel has none for it.")
        .def("__repr__", [](const ttm::KernelDescriptor& k) {
            const char* kind = k.is_compute() ? "compute" : (k.is_reader() ? "reader" : "writer");
            return std::string("KernelDescriptor(") + kind + ", '" + k.kernel_source + "')";
        });
    nb::bind_vector<std::vector<ttm::KernelDescriptor>, nb::rv_policy::reference_internal>(m, "KernelDescriptorList", "Mutable list of KernelDescriptor.");

    nb::class_<ttm::SemaphoreDescriptor>(m, "SemaphoreDescriptor",
                                        "A semaphore (one 32-bit L1 word per core of core_ranges, set to "
                                        "initial_value at program start), as ttnn.SemaphoreDescriptor.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](ttm::SemaphoreDescriptor* self, uint32_t id, const CoreRangeSet& core_ranges, uint32_t initial_value) {
                new (self) ttm::SemaphoreDescriptor{id, core_ranges, initial_value};
            },
            "id"_a, "core_ranges"_a, "initial_value"_a = 0u)
        .def_rw("id", &ttm::SemaphoreDescriptor::id, "Semaphore id (the argument of get_semaphore).")
        .def_rw("core_ranges", &ttm::SemaphoreDescriptor::core_ranges, "Cores holding the semaphore (CoreRangeSet).")
        .def_rw("initial_value", &ttm::SemaphoreDescriptor::initial_value, "Value before the program starts.");
    nb::bind_vector<std::vector<ttm::SemaphoreDescriptor>, nb::rv_policy::reference_internal>(
        m, "SemaphoreDescriptorList", "Mutable list of SemaphoreDescriptor.");

    nb::class_<ttm::ProgramDescriptor>(m, "ProgramDescriptor", "A whole program, as ttnn.ProgramDescriptor.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](ttm::ProgramDescriptor* self, std::vector<ttm::KernelDescriptor> kernels, std::vector<ttm::CBDescriptor> cbs,
               std::string program_factory, std::vector<ttm::SemaphoreDescriptor> semaphores) {
                new (self) ttm::ProgramDescriptor{};
                self->kernels = std::move(kernels);
                self->cbs = std::move(cbs);
                self->semaphores = std::move(semaphores);
                self->program_factory = std::move(program_factory);
            },
            "kernels"_a, "cbs"_a, "program_factory"_a = "", "semaphores"_a = std::vector<ttm::SemaphoreDescriptor>{})
        .def_rw("kernels", &ttm::ProgramDescriptor::kernels, "list[KernelDescriptor].")
        .def_rw("cbs", &ttm::ProgramDescriptor::cbs, "list[CBDescriptor].")
        .def_rw("semaphores", &ttm::ProgramDescriptor::semaphores, "list[SemaphoreDescriptor].")
        .def_rw("program_factory", &ttm::ProgramDescriptor::program_factory,
                "Name of the op program factory that built it (not a tt-metal field; '' for hand-built programs).")
        .def("__repr__", [](const ttm::ProgramDescriptor& p) {
            return "ProgramDescriptor(" + p.program_factory + ", " + std::to_string(p.kernels.size()) + " kernels, " +
                   std::to_string(p.cbs.size()) + " cbs, " + std::to_string(p.semaphores.size()) + " semaphores)";
        });

    nb::class_<tt_metal_mirror::ArchParams>(m, "ArchParams", "Architecture parameters of an emulated chip.")
        .def_ro("name", &tt_metal_mirror::ArchParams::name, "\"wormhole_b0\" | \"blackhole\".")
        .def_ro("grid_x", &tt_metal_mirror::ArchParams::grid_x, "Worker grid columns.")
        .def_ro("grid_y", &tt_metal_mirror::ArchParams::grid_y, "Worker grid rows.")
        .def(
            "worker_noc_coord",
            [](const tt_metal_mirror::ArchParams& a, uint32_t x, uint32_t y) {
                const CoreCoord c = a.worker_noc_coord(CoreCoord{x, y});
                return std::make_pair(c.x, c.y);
            },
            "x"_a, "y"_a,
            "(x, y) NOC coordinates kernels address the worker at logical (x, y) by (sources: arch_params.cpp). "
            "Raises IndexError outside the grid.")
        .def_ro("kernel_config_base", &tt_metal_mirror::ArchParams::kernel_config_base,
                "L1 byte where the kernel-config region (semaphores) starts.")
        .def_ro("l1_size", &tt_metal_mirror::ArchParams::l1_size, "Bytes of worker L1.")
        .def_ro("l1_unreserved_base", &tt_metal_mirror::ArchParams::l1_unreserved_base,
                "First L1 byte free for circular buffers.")
        .def_ro("num_dram_banks", &tt_metal_mirror::ArchParams::num_dram_banks, "DRAM banks.")
        .def_ro("dram_alignment", &tt_metal_mirror::ArchParams::dram_alignment, "DRAM page alignment, bytes.")
        .def_ro("l1_alignment", &tt_metal_mirror::ArchParams::l1_alignment, "L1 alignment, bytes.")
        .def_ro("dram_bank_size", &tt_metal_mirror::ArchParams::dram_bank_size, "Bytes emulated per DRAM bank.")
        .def_static("by_name", &tt_metal_mirror::ArchParams::by_name, "name"_a,
                    "\"wormhole_b0\"/\"wormhole\"/\"n150\" or \"blackhole\"/\"p150\"; ValueError otherwise.")
        .def_static("wormhole_b0", &tt_metal_mirror::ArchParams::wormhole_b0, "Wormhole B0 parameters.")
        .def_static("blackhole", &tt_metal_mirror::ArchParams::blackhole, "Blackhole parameters.")
        .def("free_l1_bytes", &tt_metal_mirror::ArchParams::free_l1_bytes,
             "Bytes of L1 above l1_unreserved_base: what circular buffers may take on one core.")
        .def_static("from_env", &tt_metal_mirror::ArchParams::from_env,
                    "Parameters of $LAYERNORM_FUSED_RM_ARCH (any name by_name accepts), default Wormhole B0.")
        .def("__repr__", [](const tt_metal_mirror::ArchParams& a) {
            return "ArchParams(" + a.name + ", grid " + std::to_string(a.grid_x) + "x" + std::to_string(a.grid_y) +
                   ", l1_size " + std::to_string(a.l1_size) + ", l1_unreserved_base " +
                   std::to_string(a.l1_unreserved_base) + ")";
        });

    m.def("dest_tile_capacity",
          nb::overload_cast<const ttm::ComputeConfigDescriptor&>(&tt_metal_mirror::dest_tile_capacity), "config"_a,
          "Tiles DEST holds for `config` (ComputeConfigDescriptor): 8 / 16 with a 16-bit DEST (half- / full-sync), "
          "4 / 8 with fp32_dest_acc_en.");
}

}  // namespace layernorm_fused_rm::bindings
