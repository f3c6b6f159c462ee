// SPDX-License-Identifier: Apache-2.0
//
// Device operation of ttnn.layernorm_fused_rm. `validate` is the one home of every value rule of the op: the
// Python package only converts ttnn objects into these descriptions (and raises TypeError for wrong Python
// types); the entry point create_program_descriptor (cpp/layernorm_fused_rm.cpp) calls validate once per call.
#include "device/layernorm_fused_rm_device_operation.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "arch/arch_params.hpp"
#include "device/layernorm_fused_rm_device_model.hpp"
#include "device/layernorm_fused_rm_program_factory.hpp"
#include "device/layernorm_fused_rm_utils.hpp"

namespace layernorm_fused_rm {

const char* to_string(Layout v) {
    switch (v) {
        case Layout::ROW_MAJOR: return "ROW_MAJOR";
        case Layout::TILE: return "TILE";
        case Layout::INVALID: return "INVALID";
    }
    return "Layout(?)";
}

const char* to_string(DType v) {
    switch (v) {
        case DType::BFLOAT16: return "BFLOAT16";
        case DType::FLOAT32: return "FLOAT32";
        case DType::BFLOAT8_B: return "BFLOAT8_B";
        case DType::UINT32: return "UINT32";
        case DType::INT32: return "INT32";
        case DType::UINT16: return "UINT16";
        case DType::UINT8: return "UINT8";
        case DType::BFLOAT4_B: return "BFLOAT4_B";
        case DType::FP8_E4M3: return "FP8_E4M3";
        case DType::INT8: return "INT8";
        case DType::INVALID: return "INVALID";
    }
    return "DType(?)";
}

const char* to_string(BufferType v) {
    switch (v) {
        case BufferType::DRAM: return "DRAM";
        case BufferType::L1: return "L1";
        case BufferType::L1_SMALL: return "L1_SMALL";
        case BufferType::TRACE: return "TRACE";
    }
    return "BufferType(?)";
}

const char* to_string(TensorMemoryLayout v) {
    switch (v) {
        case TensorMemoryLayout::INTERLEAVED: return "INTERLEAVED";
        case TensorMemoryLayout::HEIGHT_SHARDED: return "HEIGHT_SHARDED";
        case TensorMemoryLayout::WIDTH_SHARDED: return "WIDTH_SHARDED";
        case TensorMemoryLayout::BLOCK_SHARDED: return "BLOCK_SHARDED";
        case TensorMemoryLayout::ND_SHARDED: return "ND_SHARDED";
    }
    return "TensorMemoryLayout(?)";
}

namespace {

constexpr const char* kOp = "ttnn.layernorm_fused_rm: ";

std::string device_str(const TensorDesc& t) {
    std::ostringstream os;
    if (t.on_device) {
        os << "device " << t.device_id;
    } else {
        os << "host";
    }
    return os.str();
}

// A float as Python's repr prints it ("0.0", "-1e-05", "nan", "inf"): the shortest digits that read back to the
// same float (std::to_chars), with ".0" added to an integral value. Messages show eps the way the caller wrote it.
std::string float_repr(float v) {
    if (std::isnan(v)) {
        return "nan";
    }
    if (std::isinf(v)) {
        return v > 0 ? "inf" : "-inf";
    }
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, res.ptr);
    if (s.find_first_of(".e") == std::string::npos) {
        s += ".0";
    }
    return s;
}

const char* fidelity_name(MathFidelity f) {
    switch (f) {
        case MathFidelity::LoFi: return "LoFi";
        case MathFidelity::HiFi2: return "HiFi2";
        case MathFidelity::HiFi3: return "HiFi3";
        case MathFidelity::HiFi4: return "HiFi4";
        case MathFidelity::Invalid: return "Invalid";
    }
    return "MathFidelity(?)";
}

[[noreturn]] void fail(const std::string& msg) { throw std::invalid_argument(kOp + msg); }

bool is_float_dtype(DType d) { return d == DType::BFLOAT16 || d == DType::FLOAT32; }

// `what` names the memory config in messages ("input_tensor", "gamma", "memory_config (output)").
void validate_memory_config(const std::string& what, const MemoryConfig& mc, const char* sharded_note) {
    if (mc.memory_layout != TensorMemoryLayout::INTERLEAVED) {
        fail(what + " memory layout must be INTERLEAVED (" + sharded_note + "), got " + to_string(mc.memory_layout));
    }
    if (mc.buffer_type != BufferType::DRAM && mc.buffer_type != BufferType::L1) {
        fail(what + " buffer type must be DRAM or L1, got " + to_string(mc.buffer_type));
    }
}

void validate_input(const TensorDesc& in) {
    if (in.layout != Layout::ROW_MAJOR) {
        fail(std::string("input_tensor layout must be ROW_MAJOR, got ") + to_string(in.layout));
    }
    if (!is_float_dtype(in.dtype)) {
        fail(std::string("input_tensor dtype must be BFLOAT16 or FLOAT32, got ") + to_string(in.dtype));
    }
    if (in.shape.empty()) {
        fail("input_tensor rank must be at least 1, got rank 0 (shape [])");
    }
    for (size_t i = 0; i < in.shape.size(); ++i) {
        if (in.shape[i] == 0) {
            fail("input_tensor dimensions must all be > 0, got 0 at dim " + std::to_string(i) + " of shape " +
                 shape_str(in.shape));
        }
    }
    validate_memory_config("input_tensor", in.memory_config, "sharded inputs are not supported");
}

void validate_affine(const char* name, const TensorDesc& p, const TensorDesc& in, bool convert) {
    const uint32_t W = in.shape.back();
    if (convert) {
        // The caller converts either float dtype and either layout once (operation_attributes_t::convert_affine).
        if (!is_float_dtype(p.dtype)) {
            fail(std::string(name) + " dtype must be BFLOAT16 or FLOAT32, got " + to_string(p.dtype));
        }
        if (p.layout != Layout::ROW_MAJOR && p.layout != Layout::TILE) {
            fail(std::string(name) + " layout must be ROW_MAJOR or TILE, got " + to_string(p.layout));
        }
    } else {
        if (p.layout != Layout::ROW_MAJOR) {
            fail(std::string(name) + " layout must be ROW_MAJOR, got " + to_string(p.layout));
        }
        if (p.dtype != in.dtype) {
            fail(std::string(name) + " dtype must equal input_tensor's (" + to_string(in.dtype) + "; the Python API "
                 "converts gamma/beta of the other float dtype once), got " + to_string(p.dtype));
        }
    }
    if (p.shape.empty() || volume(p.shape) != W) {
        fail(std::string(name) + " must have volume W = " + std::to_string(W) +
             " (the input_tensor's last dim), got shape " + shape_str(p.shape) + " with volume " +
             std::to_string(p.shape.empty() ? 0 : volume(p.shape)));
    }
    if (p.shape.back() != W) {
        fail(std::string(name) + " last dim must be W = " + std::to_string(W) + " (shape [W], [1, W], [1, 1, W] or "
             "[1, 1, 1, W]), got shape " + shape_str(p.shape));
    }
    validate_memory_config(name, p.memory_config, "sharded is not supported");
    if (p.on_device != in.on_device || (p.on_device && p.device_id != in.device_id)) {
        fail(std::string(name) + " must be on the same device as input_tensor: expected " + device_str(in) +
             ", got " + device_str(p));
    }
}

void validate_compute_config(const ComputeConfigDescriptor& cc, DType input_dtype) {
    switch (cc.math_fidelity) {
        case MathFidelity::LoFi:
        case MathFidelity::HiFi2:
        case MathFidelity::HiFi3:
        case MathFidelity::HiFi4: break;
        default:
            fail(std::string("compute_kernel_config.math_fidelity must be LoFi, HiFi2, HiFi3 or HiFi4, got ") +
                 fidelity_name(cc.math_fidelity));
    }
    if (input_dtype == DType::FLOAT32 && !cc.fp32_dest_acc_en) {
        fail("FLOAT32 input_tensor needs compute_kernel_config.fp32_dest_acc_en = True (a 16-bit DEST and the "
             "19-bit source registers would truncate it), got fp32_dest_acc_en = False");
    }
}

void validate_core_grid(const std::optional<CoreCoord>& grid, const tt_metal_mirror::ArchParams& arch) {
    if (!grid) {
        return;
    }
    const std::string given = "got x=" + std::to_string(grid->x) + ", y=" + std::to_string(grid->y);
    if (grid->x < 1 || grid->y < 1) {
        fail("core_grid must have x >= 1 and y >= 1, " + given);
    }
    if (grid->x > arch.grid_x || grid->y > arch.grid_y) {
        fail("core_grid must fit the " + arch.name + " worker grid (x <= " + std::to_string(arch.grid_x) +
             ", y <= " + std::to_string(arch.grid_y) + "), " + given);
    }
}

// The output the caller allocated must be what compute_output_specs says.
void validate_output(const spec_return_value_t& spec, const TensorDesc& output) {
    if (output.shape != spec.shape) {
        fail("output shape must equal the input_tensor shape " + shape_str(spec.shape) + ", got " +
             shape_str(output.shape));
    }
    if (output.dtype != spec.dtype) {
        fail(std::string("output dtype must be ") + to_string(spec.dtype) + ", got " + to_string(output.dtype));
    }
    if (output.layout != spec.layout) {
        fail(std::string("output layout must be ") + to_string(spec.layout) + ", got " + to_string(output.layout));
    }
    validate_memory_config("output", output.memory_config, "sharded output is not supported");
}

// L1 of the row-resident program when it is forced (select_program_factory only offers programs that fit), and of
// the streaming program always (the fallback when nothing else fits; its CBs hold chunks of at most 8 tiles).
void validate_l1(const operation_attributes_t& attrs, const tensor_args_t& tensor_args,
                 const tt_metal_mirror::ArchParams& arch) {
    const TensorDesc& in = tensor_args.input;
    const uint32_t W = in.shape.back();
    const uint64_t have = arch.free_l1_bytes();
    const bool has_gamma = tensor_args.gamma.has_value();
    const bool has_beta = tensor_args.beta.has_value();
    const uint64_t need_resident =
        row_resident_cb_bytes(W, in.dtype, attrs.compute_config, has_gamma, has_beta, attrs.output_dtype);
    if (attrs.program_factory == LayerNormFusedRMProgramFactory::name && need_resident > have) {
        std::ostringstream os;
        os << kOp << "input_tensor last dim W = " << W << " is too large for the row-resident program ("
           << LayerNormFusedRMProgramFactory::name << "): its circular buffers need " << need_resident
           << " bytes of L1 (row CBs of Wt = " << tiles_of_width(W) << " tiles of "
           << tile_size(data_format_of(in.dtype)) << " B, scaler, eps and 3 statistics tiles), expected at most "
           << have << " bytes free on "
           << arch.name << " (l1_size " << arch.l1_size << " - l1_unreserved_base " << arch.l1_unreserved_base
           << "); leave program_factory empty to use the streaming program";
        throw std::runtime_error(os.str());
    }
    const uint64_t need_streaming = LayerNormFusedRMStreamingProgramFactory::cb_bytes(
        W, data_format_of(in.dtype), data_format_of(attrs.output_dtype), attrs.compute_config, has_gamma, has_beta);
    if (need_streaming > have) {
        std::ostringstream os;
        os << kOp << "input_tensor last dim W = " << W << ": even the streaming program's circular buffers need "
           << need_streaming << " bytes of L1, expected at most " << have << " bytes free on " << arch.name;
        throw std::runtime_error(os.str());
    }
}

// W-split arguments: wsplit_cores_per_row and wsplit_chunk_tiles only with the W-split program forced; then the
// W-split's predicate (LayerNormFusedRMWSplitProgramFactory::unusable: input dtype, S >= 2 dividing Wt, a rectangle in
// the grid, a chunk dividing the slice, slices within L1) on the given S or, when none is given, on the dtype and the
// S the factory chooses.
void validate_wsplit(const operation_attributes_t& attrs, const tensor_args_t& tensor_args) {
    using F = LayerNormFusedRMWSplitProgramFactory;
    const bool forced = attrs.program_factory == F::name;
    const uint32_t S = attrs.wsplit_cores_per_row;
    if (S != 0 && !forced) {
        fail("wsplit_cores_per_row = " + std::to_string(S) + " needs program_factory = \"" + F::name + "\", got \"" +
             attrs.program_factory + "\"");
    }
    if (attrs.wsplit_chunk_tiles != 0 && !forced) {
        fail("wsplit_chunk_tiles = " + std::to_string(attrs.wsplit_chunk_tiles) + " needs program_factory = \"" +
             F::name + "\", got \"" + attrs.program_factory + "\"");
    }
    if (!forced) {
        return;
    }
    if (S != 0) {
        if (const std::string why = F::unusable(attrs, tensor_args, S); !why.empty()) {
            fail(why);
        }
        return;
    }
    if (const std::string why = F::unusable(attrs, tensor_args, 0); !why.empty()) {
        fail(why);
    }
    if (F::choose_cores_per_row(attrs, tensor_args) == 0) {
        const uint32_t W = tensor_args.input.shape.back();
        fail("the W-split program found no cores per tile-row S for W = " + std::to_string(W) + " (Wt = " +
             std::to_string(tiles_of_width(W)) + "): give wsplit_cores_per_row, a divisor >= 2 of Wt");
    }
}

}  // namespace

uint64_t row_resident_cb_bytes(uint32_t W, DType dtype, const ComputeConfigDescriptor& cc, bool has_gamma,
                               bool has_beta, std::optional<DType> output_dtype_opt) {
    const DType output_dtype = output_dtype_opt.value_or(dtype);
    return LayerNormFusedRMProgramFactory::cb_bytes(W, data_format_of(dtype), data_format_of(output_dtype), cc,
                                                    has_gamma, has_beta);
}

void LayerNormFusedRMDeviceOperation::validate(const operation_attributes_t& attrs, const tensor_args_t& tensor_args,
                                               const std::optional<tensor_return_value_t>& output) {
    const TensorDesc& in = tensor_args.input;
    validate_input(in);
    if (tensor_args.gamma) {
        validate_affine("gamma", *tensor_args.gamma, in, attrs.convert_affine);
    }
    if (tensor_args.beta) {
        validate_affine("beta", *tensor_args.beta, in, attrs.convert_affine);
    }
    // eps must stay a positive finite number where the kernels use it: the FPU and SFPU read a subnormal float32
    // as 0 (tt-isa-documentation WormholeB0/TensixTile/TensixCoprocessor/FloatBitPatterns.md), and the reader
    // rounds eps to bf16 for the eps tile (packed_bf16 in the program factory), which overflows above the largest
    // bfloat16.
    const float largest_bf16 = std::bit_cast<float>(0x7f7f0000u);
    if (!(attrs.eps >= std::numeric_limits<float>::min() && attrs.eps <= largest_bf16)) {
        fail("eps must be a finite number > 0, a normal float32 from 1.17549435e-38 (the FPU and SFPU read "
             "subnormals as 0) to 3.38953139e+38 (the largest bfloat16: the reader rounds eps to bf16), got " +
             float_repr(attrs.eps));
    }
    validate_memory_config("memory_config (output)", attrs.output_memory_config, "sharded output is not supported");
    if (!is_float_dtype(attrs.output_dtype)) {
        fail(std::string("dtype (output) must be BFLOAT16 or FLOAT32 (ttnn.bfloat16 or ttnn.float32), got ") +
             to_string(attrs.output_dtype));
    }
    validate_compute_config(attrs.compute_config, in.dtype);

    tt_metal_mirror::ArchParams arch;
    try {
        arch = tt_metal_mirror::ArchParams::by_name(attrs.arch);
    } catch (const std::exception& e) {
        fail("arch must be \"wormhole_b0\" or \"blackhole\", got \"" + attrs.arch + "\" (" + e.what() + ")");
    }
    validate_core_grid(attrs.core_grid, arch);
    const std::string& forced = attrs.program_factory;
    if (!forced.empty() && forced != LayerNormFusedRMProgramFactory::name &&
        forced != LayerNormFusedRMStreamingProgramFactory::name && forced != LayerNormFusedRMWSplitProgramFactory::name) {
        fail(std::string("program_factory must be \"\", \"") + LayerNormFusedRMProgramFactory::name + "\", \"" +
             LayerNormFusedRMStreamingProgramFactory::name + "\" or \"" + LayerNormFusedRMWSplitProgramFactory::name +
             "\", got \"" + forced + "\"");
    }
    validate_wsplit(attrs, tensor_args);
    validate_l1(attrs, tensor_args, arch);
    if (output) {
        validate_output(compute_output_specs(attrs, tensor_args), *output);
    }
}

spec_return_value_t LayerNormFusedRMDeviceOperation::compute_output_specs(
    const operation_attributes_t& attrs, const tensor_args_t& tensor_args) {
    spec_return_value_t spec;
    spec.shape = tensor_args.input.shape;
    spec.dtype = attrs.output_dtype;
    spec.layout = Layout::ROW_MAJOR;
    spec.memory_config = attrs.output_memory_config;
    return spec;
}

std::string LayerNormFusedRMDeviceOperation::select_program_factory(
    const operation_attributes_t& attrs, const tensor_args_t& tensor_args) {
    if (!attrs.program_factory.empty()) {
        return attrs.program_factory;
    }
    // The program with the lowest modelled time that fits L1, near-ties within the model's error going to a one-read
    // program over streaming (model::candidates, layernorm_fused_rm_device_model.hpp). On a one-core grid no W-split exists and
    // this is the L1 rule: row-resident when its CBs fit (it models faster than streaming, or within the model's
    // error with a third of its input reads), else streaming.
    const std::vector<model::Candidate> cands = model::candidates(attrs, tensor_args);
    if (!cands.empty()) {
        return cands.front().factory;
    }
    return LayerNormFusedRMStreamingProgramFactory::name;  // validate refuses these (even the streaming CBs exceed L1)
}

}  // namespace layernorm_fused_rm
