// SPDX-License-Identifier: Apache-2.0
//
// Python bindings of the op (cpp/device, cpp/layernorm_fused_rm.hpp): operation_attributes_t, tensor_args_t and
// the tensor descriptions, validate, compute_output_specs, select_program_factory and create_program_descriptor.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

#include "bindings/bindings.hpp"
#include "device/layernorm_fused_rm_device_operation.hpp"
#include "device/layernorm_fused_rm_program_factory.hpp"
#include "device/layernorm_fused_rm_utils.hpp"
#include "layernorm_fused_rm.hpp"

namespace nb = nanobind;
using namespace nb::literals;
namespace lf = layernorm_fused_rm;

namespace layernorm_fused_rm::bindings {

namespace {
template <typename E>
std::string enum_repr(E v) {
    return lf::to_string(v);
}

// One submodule per argument list of layernorm_fused_rm_kernel_args.hpp: _C.reader_rt_args.input_addr == 0, ...
// Python (the device path, the bench, the tests) indexes compile-time and runtime args by these names.
void bind_kernel_args(nb::module_& m) {
    using Arg = std::pair<const char*, unsigned>;
    auto add = [&m](const char* name, const char* doc, std::initializer_list<Arg> args) {
        nb::module_ sub = m.def_submodule(name, doc);
        for (const auto& [arg, index] : args) {
            sub.attr(arg) = index;
        }
    };
    {
        namespace a = lf::affine_flag;
        add("affine_flag", "Bits of the affine_flags compile-time args.",
            {{"gamma", a::gamma}, {"beta", a::beta}, {"pretiled", a::pretiled}});
    }
    {
        namespace a = lf::reader_ct_args;
        add("reader_ct_args", "Reader compile-time arg indices (TensorAccessorArgs of input, gamma, beta from "
            "input_accessor on).",
            {{"stick_bytes", a::stick_bytes}, {"Wt", a::Wt}, {"Bt", a::Bt}, {"passes", a::passes},
             {"chunk_bytes", a::chunk_bytes}, {"affine_flags", a::affine_flags}, {"last_tile_cols", a::last_tile_cols},
             {"tile_bytes", a::tile_bytes}, {"count", a::count}, {"input_accessor", a::input_accessor}});
    }
    {
        namespace a = lf::reader_rt_args;
        add("reader_rt_args", "Reader runtime arg indices (per core).",
            {{"input_addr", a::input_addr}, {"gamma_addr", a::gamma_addr}, {"beta_addr", a::beta_addr},
             {"num_sticks", a::num_sticks}, {"start_stick", a::start_stick}, {"scaler", a::scaler}, {"eps", a::eps},
             {"col_offset", a::col_offset}, {"count", a::count}});
    }
    {
        namespace a = lf::wsplit_writer_ct_args;
        add("wsplit_writer_ct_args", "W-split writer compile-time arg indices (TensorAccessorArgs of the output from "
            "output_accessor on).",
            {{"stick_bytes", a::stick_bytes}, {"Ws", a::Ws}, {"slice_bytes", a::slice_bytes}, {"S", a::S},
             {"exchange_pages", a::exchange_pages}, {"stats_tile_bytes", a::stats_tile_bytes},
             {"stats_fp32", a::stats_fp32}, {"full_slice_cols", a::full_slice_cols},
             {"last_slice_cols", a::last_slice_cols}, {"W", a::W}, {"tile_exchange", a::tile_exchange},
             {"chunk_tiles", a::chunk_tiles},
             {"count", a::count}, {"output_accessor", a::output_accessor}});
    }
    {
        namespace a = lf::wsplit_writer_rt_args;
        add("wsplit_writer_rt_args", "W-split writer runtime arg indices (per core; the S peers' NOC words follow).",
            {{"output_addr", a::output_addr}, {"num_sticks", a::num_sticks}, {"start_stick", a::start_stick},
             {"col_offset", a::col_offset}, {"slot", a::slot}, {"mcast_x0", a::mcast_x0}, {"mcast_y0", a::mcast_y0},
             {"mcast_x1", a::mcast_x1}, {"mcast_y1", a::mcast_y1}, {"peers", a::peers}, {"count", a::count}});
    }
    {
        namespace a = lf::compute_ct_args;
        add("compute_ct_args", "Compute compile-time arg indices (all four compute kernels).",
            {{"Wt", a::Wt}, {"block_w", a::block_w}, {"inv_w_bits", a::inv_w_bits}, {"affine_flags", a::affine_flags},
             {"partial", a::partial}, {"count", a::count}});
    }
    {
        namespace a = lf::wsplit_compute_ct_args;
        add("wsplit_compute_ct_args", "W-split compute compile-time arg indices after compute_ct_args.",
            {{"exchange_pages", a::exchange_pages}, {"chunk_tiles", a::chunk_tiles}, {"fp32_input", a::fp32_input},
             {"count", a::count}});
    }
    {
        namespace a = lf::wsplit_compute_rt_args;
        add("wsplit_compute_rt_args", "W-split compute runtime arg indices (per core); eps_bits read by the precise "
            "kernel only.",
            {{"num_blocks", a::num_blocks}, {"inv_w_slice_bits", a::inv_w_slice_bits},
             {"partial_last_tile", a::partial_last_tile}, {"eps_bits", a::eps_bits}, {"count", a::count}});
    }
    {
        namespace a = lf::compute_rt_args;
        add("compute_rt_args", "Compute runtime arg indices (per core); eps_bits in the precise kernels only.",
            {{"num_blocks", a::num_blocks}, {"eps_bits", a::eps_bits}, {"count", a::count},
             {"precise_count", a::precise_count}});
    }
    {
        namespace a = lf::writer_ct_args;
        add("writer_ct_args", "Writer compile-time arg indices (TensorAccessorArgs of the output at output_accessor).",
            {{"stick_bytes", a::stick_bytes}, {"Wt", a::Wt}, {"Bt", a::Bt}, {"chunk_bytes", a::chunk_bytes},
             {"count", a::count}, {"output_accessor", a::output_accessor}});
    }
    {
        namespace a = lf::writer_rt_args;
        add("writer_rt_args", "Writer runtime arg indices (per core).",
            {{"output_addr", a::output_addr}, {"num_sticks", a::num_sticks}, {"start_stick", a::start_stick},
             {"count", a::count}});
    }
}

}  // namespace

void bind_op(nb::module_& m) {
    // Every member of the ttnn enum of the same meaning, by name (the Python package converts by name).
    nb::enum_<lf::Layout>(m, "Layout", "Tensor layout, as ttnn.Layout.")
        .value("ROW_MAJOR", lf::Layout::ROW_MAJOR)
        .value("TILE", lf::Layout::TILE)
        .value("INVALID", lf::Layout::INVALID);
    nb::enum_<lf::DType>(m, "DType", "Tensor element type, as ttnn.DataType.")
        .value("BFLOAT16", lf::DType::BFLOAT16)
        .value("FLOAT32", lf::DType::FLOAT32)
        .value("BFLOAT8_B", lf::DType::BFLOAT8_B)
        .value("UINT32", lf::DType::UINT32)
        .value("INT32", lf::DType::INT32)
        .value("UINT16", lf::DType::UINT16)
        .value("UINT8", lf::DType::UINT8)
        .value("BFLOAT4_B", lf::DType::BFLOAT4_B)
        .value("FP8_E4M3", lf::DType::FP8_E4M3)
        .value("INT8", lf::DType::INT8)
        .value("INVALID", lf::DType::INVALID);
    nb::enum_<lf::BufferType>(m, "BufferType", "Where a buffer lives, as ttnn.BufferType.")
        .value("DRAM", lf::BufferType::DRAM)
        .value("L1", lf::BufferType::L1)
        .value("L1_SMALL", lf::BufferType::L1_SMALL)
        .value("TRACE", lf::BufferType::TRACE);
    nb::enum_<lf::TensorMemoryLayout>(m, "TensorMemoryLayout", "Interleaved or sharded, as ttnn.TensorMemoryLayout.")
        .value("INTERLEAVED", lf::TensorMemoryLayout::INTERLEAVED)
        .value("HEIGHT_SHARDED", lf::TensorMemoryLayout::HEIGHT_SHARDED)
        .value("WIDTH_SHARDED", lf::TensorMemoryLayout::WIDTH_SHARDED)
        .value("BLOCK_SHARDED", lf::TensorMemoryLayout::BLOCK_SHARDED)
        .value("ND_SHARDED", lf::TensorMemoryLayout::ND_SHARDED);
    m.def("to_string", [](lf::Layout v) { return enum_repr(v); }, "value"_a);
    m.def("to_string", [](lf::DType v) { return enum_repr(v); }, "value"_a);
    m.def("to_string", [](lf::BufferType v) { return enum_repr(v); }, "value"_a);
    m.def("to_string", [](lf::TensorMemoryLayout v) { return enum_repr(v); }, "value"_a);

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
            return "TensorDesc(shape=" + lf::shape_str(t.shape) + ", dtype=" + lf::to_string(t.dtype) + ", layout=" + lf::to_string(t.layout) +
                   ", address=" + std::to_string(t.address) + ", on_device=" + (t.on_device ? "True" : "False") +
                   ", device_id=" + std::to_string(t.device_id) + ")";
        });

    nb::class_<lf::operation_attributes_t>(m, "OperationAttributes", "operation_attributes_t of the op.")
        .def(
            "__init__",
            [](lf::operation_attributes_t* self, float eps, lf::MemoryConfig output_memory_config,
               lf::DType output_dtype, tt::tt_metal::ComputeConfigDescriptor compute_config, std::string arch,
               std::optional<CoreCoord> core_grid, std::string program_factory, bool convert_affine,
               uint32_t wsplit_cores_per_row, uint32_t wsplit_chunk_tiles) {
                new (self) lf::operation_attributes_t{eps,           output_memory_config, output_dtype,
                                                      compute_config, std::move(arch),      core_grid,
                                                      std::move(program_factory), convert_affine,
                                                      wsplit_cores_per_row, wsplit_chunk_tiles};
            },
            "eps"_a = 1e-5f, "output_memory_config"_a = lf::MemoryConfig{}, "output_dtype"_a = lf::DType::BFLOAT16,
            "compute_config"_a = tt::tt_metal::ComputeConfigDescriptor{}, "arch"_a = "wormhole_b0",
            "core_grid"_a = nb::none(), "program_factory"_a = "", "convert_affine"_a = false,
            "wsplit_cores_per_row"_a = 0u, "wsplit_chunk_tiles"_a = 0u)
        .def_rw("eps", &lf::operation_attributes_t::eps, "Epsilon added to the variance (float32).")
        .def_rw("output_memory_config", &lf::operation_attributes_t::output_memory_config, "MemoryConfig.")
        .def_rw("output_dtype", &lf::operation_attributes_t::output_dtype, "DType of the output.")
        .def_rw("compute_config", &lf::operation_attributes_t::compute_config, "ComputeConfigDescriptor.")
        .def_rw("arch", &lf::operation_attributes_t::arch, "\"wormhole_b0\" or \"blackhole\".")
        .def_rw("core_grid", &lf::operation_attributes_t::core_grid,
                "CoreCoord(x=columns, y=rows) of worker cores to split the tile-rows over (each >= 1, within the "
                "arch's grid), or None for the arch's whole grid.")
        .def_rw("program_factory", &lf::operation_attributes_t::program_factory,
                "\"\" (chosen by select_program_factory: the program with the lowest modelled time that fits L1) or a "
                "program factory name to force it.")
        .def_rw("convert_affine", &lf::operation_attributes_t::convert_affine,
                "False: gamma/beta are described in the input's dtype, ROW_MAJOR. True: described as given; the "
                "caller converts them (validate accepts BFLOAT16 or FLOAT32, ROW_MAJOR or TILE). The Python API sets "
                "it.")
        .def_rw("wsplit_cores_per_row", &lf::operation_attributes_t::wsplit_cores_per_row,
                "W-split program: cores per tile-row S (a divisor >= 2 of Wt); 0 = the model's best S.")
        .def_rw("wsplit_chunk_tiles", &lf::operation_attributes_t::wsplit_chunk_tiles,
                "W-split program: tiles per row-major staging chunk (c_0, c_4, c_5, c_16 hold one; a divisor of the "
                "slice width Ws = Wt / S); 0 = the widest that fits L1.");

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
    m.def("validate", &Op::validate, "attrs"_a, "tensor_args"_a, "output"_a = nb::none(),
          "Every value rule of the op (LayerNormFusedRMDeviceOperation::validate); `output` (TensorDesc or None) is "
          "checked against compute_output_specs. Raises ValueError (bad argument: the message names the argument, "
          "the expected and the given value) or RuntimeError (the row does not fit L1). create_program_descriptor "
          "calls it; a program-cache hit calls it directly.");
    m.def("compute_output_specs", &Op::compute_output_specs, "attrs"_a, "tensor_args"_a,
          "OutputSpec: the input's shape, attrs.output_dtype, ROW_MAJOR, attrs.output_memory_config.");
    m.def("select_program_factory", &Op::select_program_factory, "attrs"_a, "tensor_args"_a,
          "Name of the program factory that builds the program.");
    m.def("row_resident_cb_bytes", &lf::row_resident_cb_bytes, "W"_a, "dtype"_a,
          "compute_config"_a = tt::tt_metal::ComputeConfigDescriptor{}, "has_gamma"_a = true, "has_beta"_a = true,
          "output_dtype"_a = nb::none(),
          "L1 bytes the row-resident program's CBs need for rows of W elements (Wt = ceil(W/32)): 4 Wt tiles, "
          "2 Wt each for gamma and beta when given (else 2 pages each), 1 scaler tile (2 when W % 32 != 0), "
          "1 eps tile, 3 statistics tiles (Float32 when compute_config.fp32_dest_acc_en); 5 statistics tiles and "
          "fewer centered pages for FLOAT32 input (the precise kernels). ValueError for a dtype other than "
          "BFLOAT16 or FLOAT32.");
    m.def("tiles_of_width", &lf::tiles_of_width, "W"_a, "Tiles a row of W elements spans: Wt = ceil(W / 32).");
    m.def("tile_rows_of", &lf::tile_rows_of, "rows"_a, "Tile-rows (32-row blocks) `rows` rows span: ceil(rows / 32).");
    m.attr("TILE_WIDTH") = lf::TILE_WIDTH;
    m.attr("TILE_HEIGHT") = lf::TILE_HEIGHT;
    m.def("data_format_of", &lf::data_format_of, "dtype"_a,
          "DataFormat of a DType in CBs and DRAM (BFLOAT16 -> Float16_b, FLOAT32 -> Float32); ValueError for "
          "other dtypes.");
    m.def("create_program_descriptor", &lf::create_program_descriptor, "attrs"_a, "tensor_args"_a, "output"_a,
          "validate(attrs, tensor_args, output) once, then build the ProgramDescriptor. `output` is the output "
          "TensorDesc (address 0 when not allocated: override_runtime_arguments writes the addresses later). Raises "
          "what validate raises.");
    m.def("override_runtime_arguments", &lf::override_runtime_arguments, "program"_a, "tensor_args"_a, "output"_a,
          "Program-cache hit, as tt-metal's override_runtime_arguments: rewrites the buffer addresses of tensor_args "
          "and output (TensorDesc.address, bytes) into the runtime args of `program`, a ProgramDescriptor that "
          "create_program_descriptor returned for the same shapes and attributes, in place. Raises ValueError for a "
          "descriptor no program factory of this op built.");
    m.def("program_factory_name", []() { return std::string(lf::LayerNormFusedRMProgramFactory::name); },
          "Name of the row-resident program factory.");
    m.attr("STREAMING_PROGRAM_FACTORY") = lf::LayerNormFusedRMStreamingProgramFactory::name;
    m.attr("WSPLIT_PROGRAM_FACTORY") = lf::LayerNormFusedRMWSplitProgramFactory::name;
    m.def("wsplit_cores_per_row", &lf::LayerNormFusedRMWSplitProgramFactory::choose_cores_per_row, "attrs"_a,
          "tensor_args"_a,
          "Cores per tile-row S the W-split program takes when forced without wsplit_cores_per_row: the S with the "
          "lowest modelled time (_C.model) among those its predicate accepts (wsplit_unusable); 0 when none is.");
    m.def("wsplit_chunk_tiles", &lf::LayerNormFusedRMWSplitProgramFactory::chunk_tiles, "attrs"_a, "tensor_args"_a,
          "S"_a,
          "Tiles per row-major staging chunk Bc the W-split program takes with S cores per tile-row: "
          "attrs.wsplit_chunk_tiles when given, else the widest divisor of Ws = Wt / S whose circular buffers "
          "fit the arch's free L1; 0 when none does.");
    m.def(
        "wsplit_cb_bytes",
        [](const lf::operation_attributes_t& attrs, const lf::tensor_args_t& args, uint32_t S, uint32_t chunk) {
            if (args.input.shape.empty()) {
                throw std::invalid_argument("wsplit_cb_bytes: tensor_args.input.shape must not be empty");
            }
            return lf::LayerNormFusedRMWSplitProgramFactory::cb_bytes(
                args.input.shape.back(), S, lf::data_format_of(args.input.dtype), lf::data_format_of(attrs.output_dtype),
                attrs.compute_config, args.gamma.has_value(), args.beta.has_value(), chunk);
        },
        "attrs"_a, "tensor_args"_a, "S"_a, "chunk"_a = 0u,
        "Bytes of L1 the W-split program's 13 CBs take per core with S cores per tile-row and staging chunks of "
        "`chunk` tiles (0 = the whole slice Ws = Wt / S), for the input's W and dtype, attrs.output_dtype and "
        "attrs.compute_config (LayerNormFusedRMWSplitProgramFactory::cb_bytes: the sum over the CBs the descriptor "
        "allocates). ValueError for an empty input shape.");
    m.def("wsplit_unusable", &lf::LayerNormFusedRMWSplitProgramFactory::unusable, "attrs"_a, "tensor_args"_a, "S"_a,
          "Why the W-split program cannot run these arguments with S cores per tile-row (\"\" when it can; S = 0 "
          "checks only what does not depend on S, the input dtype): the predicate validation and selection share.");

    bind_kernel_args(m);

    m.def("set_kernel_root", &lf::set_kernel_root, "dir"_a,
          "Directory holding the kernel sources; kernel_source paths are built from it.");
    m.def("kernel_root", &lf::kernel_root, "Directory holding the kernel sources (str).");
}

}  // namespace layernorm_fused_rm::bindings
