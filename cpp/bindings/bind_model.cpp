// SPDX-License-Identifier: Apache-2.0
//
// _C.model: the device-time model of the op's programs (cpp/device/layernorm_fused_rm_device_model.hpp), for
// python/layernorm_fused_rm/device_model.py (which models upstream's chain with the same pieces) and the bench.
#include <nanobind/nanobind.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>

#include "bindings/bindings.hpp"
#include "device/kernels/layernorm_fused_rm_kernel_args.hpp"
#include "device/layernorm_fused_rm_device_model.hpp"

namespace nb = nanobind;
using namespace nb::literals;
namespace md = layernorm_fused_rm::model;
namespace lf = layernorm_fused_rm;

namespace layernorm_fused_rm::bindings {

namespace {

nb::dict time_dict(const md::ProgramTime& t) {
    nb::dict d;
    d["program"] = t.program;
    d["us"] = t.us;
    d["bound"] = t.bound;
    d["cores"] = t.cores;
    d["split"] = t.split;
    d["noc_read_us"] = t.noc_read_us;
    d["noc_write_us"] = t.noc_write_us;
    d["compute_us"] = t.compute_us;
    d["exchange_us"] = t.exchange_us;
    d["combine_us"] = t.combine_us;
    d["dram_chip_us"] = t.dram_chip_us;
    return d;
}

// {"add", "mul", "div"} of soft-float figures (operation counts, or cycles per operation).
nb::dict softfloat_dict(uint32_t add, uint32_t mul, uint32_t div) {
    nb::dict d;
    d["add"] = add;
    d["mul"] = mul;
    d["div"] = div;
    return d;
}

nb::dict softfloat_dict(const md::SoftfloatOps& o) { return softfloat_dict(o.add, o.mul, o.div); }

uint64_t txn_bytes(const md::Txns& t) {
    uint64_t n = 0;
    for (const auto& [count, bytes] : t) {
        n += count * bytes;
    }
    return n;
}

}  // namespace

void bind_model(nb::module_& top) {
    nb::module_ m = top.def_submodule(
        "model", "Device-time model of the op's programs (a floor, not a promise): layernorm_fused_rm_device_model.hpp.");
    m.attr("CYCLES_PER_TILE_STEP") = md::kCyclesPerTileStep;
    m.attr("MODEL_ERROR") = md::kModelError;
    m.attr("SOFTFLOAT_CYCLES") =
        softfloat_dict(md::kSoftfloatAddCycles, md::kSoftfloatMulCycles, md::kSoftfloatDivCycles);
    m.attr("COMBINE_OPS") = softfloat_dict(md::kCombineOps);
    m.attr("ROW_OPS") = softfloat_dict(md::kRowOps);
    m.attr("EXCHANGE_ROUNDS") = md::kExchangeRounds;
    m.attr("SLOT_BYTES") = layernorm_fused_rm::wsplit_exchange::slot_bytes;
    m.def("result_block_bytes", &layernorm_fused_rm::wsplit_exchange::result_block_bytes, nb::arg("S"),
          "Bytes of a W-split owner's round-2 message for S cores per tile-row (the FPU kernel's exchange): 8 B per "
          "owned row, padded to 16 B (wsplit_exchange, layernorm_fused_rm_kernel_args.hpp).");
    m.attr("TILE_RUNS") = layernorm_fused_rm::wsplit_exchange::tile_runs;
    m.attr("TILE_RUN_BYTES") = layernorm_fused_rm::wsplit_exchange::tile_run_bytes;
    m.attr("SEMAPHORE_BYTES") = md::kSemaphoreBytes;

    m.def(
        "arch_constants",
        [](const std::string& arch) {
            const md::ArchConstants& a = md::arch_constants(arch);
            nb::dict d, sources;
            d["name"] = a.name;
            d["clock_ghz"] = a.clock_ghz;
            d["flit_bytes"] = a.flit_bytes;
            d["dram_gb_per_s"] = a.dram_gb_per_s;
            d["niu_cycles"] = a.niu_cycles;
            d["hop_cycles"] = a.hop_cycles;
            for (const auto& [k, v] : a.sources) {
                sources[k.c_str()] = v;
            }
            d["sources"] = sources;
            return d;
        },
        "arch"_a,
        "dict: clock_ghz (AI clock, GHz), flit_bytes, dram_gb_per_s (chip), niu_cycles, hop_cycles and `sources` "
        "(field -> document) of \"wormhole_b0\" or \"blackhole\"; ValueError for another arch.");
    m.def("steps_per_tile", &md::steps_per_tile, "kind"_a,
          "Tile steps per input tile of a program kind (all_steps_per_tile lists them: row_resident, streaming, wsplit, "
          "their _shifted / _precise kernel families, ln, ln_large, rms, layout); "
          "ValueError for another.");
    m.def("all_steps_per_tile", &md::all_steps_per_tile, "list of (kind, steps per tile).");
    m.def("steps_per_tile_row", &md::steps_per_tile_row, "kind"_a,
          "Tile steps per tile-row (row statistics) of a kind steps_per_tile knows; ValueError for another.");
    m.def("steps_per_chunk", &md::steps_per_chunk, "kind"_a,
          "Tile steps per chunk (streaming chunks, the precise row-resident kernel's pass B blocks; 0 for the kinds "
          "without chunks); ValueError for an unknown kind.");
    m.def("steps_per_output_section", &md::steps_per_output_section, "kind"_a,
          "Tile steps per output DEST section (2 tiles, 1 when the output block is odd) of the fp32-DEST kinds, 0 for "
          "the others; ValueError for an unknown kind.");
    m.def("affine_steps_saved", &md::affine_steps_saved, "kind"_a, "affine"_a,
          "Steps per tile fewer than steps_per_tile's (gamma and beta) with `affine` (0, 1, 2) of them given; "
          "ValueError for an unknown kind or affine > 2.");
    m.def("core_tile_steps", &md::core_tile_steps, "kind"_a, "r"_a, "tiles"_a, "chunks"_a, "out_block"_a, "affine"_a,
          "tilized_affine_tiles"_a,
          "Tile steps of one core: r tile-rows of `tiles` tiles, `chunks` chunks per tile-row, output blocks of "
          "`out_block` tiles, `affine` of gamma / beta given, + tilized_affine_tiles (layernorm_fused_rm_device_model"
          ".hpp); the mask of a partial last tile left out. ValueError for an unknown kind.");
    m.def("steps_kind", &md::steps_kind, "program"_a, "in_format"_a, "compute_config"_a,
          "Steps kind of one of the op's programs (row_resident, streaming, wsplit) for an input DataFormat and "
          "compute config: the program plus _shifted / _precise for its compute kernel family.");

    nb::class_<md::Exchange>(m, "Exchange", "`count` sync points of flight_cycles + combine_cycles each.")
        .def(nb::init<>())
        .def(
            "__init__",
            [](md::Exchange* self, uint64_t count, uint64_t flight, uint64_t combine) {
                new (self) md::Exchange{count, flight, combine};
            },
            "count"_a, "flight_cycles"_a, "combine_cycles"_a = 0)
        .def_rw("count", &md::Exchange::count)
        .def_rw("flight_cycles", &md::Exchange::flight_cycles)
        .def_rw("combine_cycles", &md::Exchange::combine_cycles)
        .def("__repr__", [](const md::Exchange& e) {
            return "Exchange(count=" + std::to_string(e.count) + ", flight_cycles=" + std::to_string(e.flight_cycles) +
                   ", combine_cycles=" + std::to_string(e.combine_cycles) + ")";
        });

    nb::class_<md::CoreWork>(m, "CoreWork",
                             "Work of one core: read_txns / write_txns as lists of (count, bytes per transaction), "
                             "tile_steps (32x32 tile compute steps), exchanges (list of Exchange).")
        .def(
            "__init__",
            [](md::CoreWork* self, md::Txns read, md::Txns write, uint64_t steps, std::vector<md::Exchange> ex) {
                new (self) md::CoreWork{std::move(read), std::move(write), steps, std::move(ex)};
            },
            "read_txns"_a = md::Txns{}, "write_txns"_a = md::Txns{}, "tile_steps"_a = 0,
            "exchanges"_a = std::vector<md::Exchange>{})
        .def_rw("read_txns", &md::CoreWork::read_txns, "list of (count, bytes); reading gives a copy.")
        .def_rw("write_txns", &md::CoreWork::write_txns, "list of (count, bytes); reading gives a copy.")
        .def_rw("tile_steps", &md::CoreWork::tile_steps)
        .def_rw("exchanges", &md::CoreWork::exchanges, "list of Exchange; reading gives a copy.")
        .def_prop_ro("read_bytes", [](const md::CoreWork& c) { return txn_bytes(c.read_txns); })
        .def_prop_ro("written_bytes", [](const md::CoreWork& c) { return txn_bytes(c.write_txns); });

    nb::class_<md::ProgramWork>(m, "ProgramWork",
                                "One program: name (kind), arch, cores with work, busiest (CoreWork), dram_bytes of "
                                "the whole program, split (cores per tile-row).")
        .def(
            "__init__",
            [](md::ProgramWork* self, std::string name, std::string arch, uint32_t cores, md::CoreWork busiest,
               uint64_t dram, uint32_t split) {
                new (self) md::ProgramWork{std::move(name), std::move(arch), cores, std::move(busiest), dram, split};
            },
            "name"_a, "arch"_a, "cores"_a, "busiest"_a, "dram_bytes"_a, "split"_a = 1)
        .def_rw("name", &md::ProgramWork::name)
        .def_rw("arch", &md::ProgramWork::arch)
        .def_rw("cores", &md::ProgramWork::cores)
        .def_rw("busiest", &md::ProgramWork::busiest, "CoreWork; reading gives a copy.")
        .def_rw("dram_bytes", &md::ProgramWork::dram_bytes)
        .def_rw("split", &md::ProgramWork::split);

    m.def("noc_cycles", &md::noc_cycles, "txns"_a, "flit_bytes"_a,
          "Link occupancy (cycles) of (count, bytes) transactions: 1 header flit + ceil(bytes / flit) each.");
    m.def(
        "program_time",
        [](const md::ProgramWork& p, double c) { return time_dict(md::program_time(p, c)); }, "work"_a,
        "cycles_per_step"_a = md::kCyclesPerTileStep,
        "dict of the modelled time (us) of a ProgramWork and its terms (us): program, us, bound, cores, split, "
        "noc_read_us, noc_write_us, compute_us, exchange_us, combine_us, dram_chip_us.");
    m.def("exchange_flight_cycles", &md::exchange_flight_cycles, "arch"_a, "gx"_a, "gy"_a,
          "Cycles of one exchange round's flight across a gx x gy group: multicast then semaphore increment.");
    m.def("wsplit_combine_cycles", &md::wsplit_combine_cycles, "S"_a,
          "Soft-float combine cycles per tile-row of one W-split core with the FPU kernel: ceil(32 / S) x (S x "
          "COMBINE_OPS + ROW_OPS), each operation at SOFTFLOAT_CYCLES of its kind.");
    m.def("wsplit_combine_steps", &md::wsplit_combine_steps, "S"_a, "fp32_input"_a,
          "Tile steps per tile-row of the precise W-split kernel's combine on the compute core: 19 G + 24 (float32 "
          "input) or 19 G + 27 (bfloat16), G = ceil(S / 32) slot groups (layernorm_fused_rm_device_model.hpp).");
    m.def("program_work", &md::program_work, "attrs"_a, "tensor_args"_a, "factory"_a, "S"_a = 0,
          "ProgramWork of one of the op's programs for validated arguments, analytically (no descriptor); S: W-split "
          "cores per tile-row (0: the factory's choice). ValueError for an unknown factory or an S with no layout.");
    m.def(
        "candidates",
        [](const lf::operation_attributes_t& a, const lf::tensor_args_t& t) {
            nb::list out;
            for (const md::Candidate& c : md::candidates(a, t)) {
                nb::dict d = time_dict(c.time);
                d["factory"] = c.factory;
                out.append(d);
            }
            return out;
        },
        "attrs"_a, "tensor_args"_a,
        "Every program that fits L1 for these arguments, best first (the order select_program_factory uses: modelled "
        "time, then fewer cores, then row-resident, streaming, W-split, then smaller S), each a program_time dict "
        "with its `factory`; select_program_factory takes the first.");
}

}  // namespace layernorm_fused_rm::bindings
