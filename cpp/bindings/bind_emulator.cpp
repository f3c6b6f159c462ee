// SPDX-License-Identifier: Apache-2.0
//
// Python bindings of the host Tensix emulator (cpp/emulator): its errors (EmulatorError, DeadlockError,
// CompileError), EmuDevice, RunStats, the JIT's folders and tilize_reference.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <stdexcept>
#include <string>

#include "bindings/bindings.hpp"
#include "emu/emulator.hpp"
#include "emu/numerics_probe.hpp"

namespace nb = nanobind;
using namespace nb::literals;
namespace emu = tensix_emu;

namespace layernorm_fused_rm::bindings {

namespace {

PyObject* g_emulator_error = nullptr;
PyObject* g_deadlock_error = nullptr;
PyObject* g_compile_error = nullptr;

void translate_emulator_errors(const std::exception_ptr& p, void*) {
    try {
        std::rethrow_exception(p);
    } catch (const emu::DeadlockError& e) {
        PyErr_SetString(g_deadlock_error, e.what());
    } catch (const emu::CompileError& e) {
        PyErr_SetString(g_compile_error, e.what());
    } catch (const emu::EmulatorError& e) {
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

}  // namespace

void bind_emulator(nb::module_& m) {
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

    m.def("set_include_root", &emu::set_include_root, "dir"_a,
          "Folder containing the emulator's kernel API headers (api/...), used by the kernel JIT.");
    m.def("include_root", &emu::include_root, "Folder of the emulator's kernel API headers (str).");
    m.def("set_cache_dir", &emu::set_cache_dir, "dir"_a, "Where the emulator keeps JIT-compiled kernels.");
    m.def("cache_dir", &emu::cache_dir,
          "Where the emulator keeps JIT-compiled kernels (str): $LAYERNORM_FUSED_RM_JIT_CACHE, else "
          "$HOME/.cache/layernorm_fused_rm/jit, else the passwd home's; never /tmp. CompileError when none is known.");
    m.def(
        "jit_cache_stats",
        []() {
            const emu::JitCacheStats s = emu::jit_cache_stats();
            nb::dict d;
            d["loaded"] = s.loaded;
            d["max_loaded"] = s.max_loaded;
            d["hits_in_memory"] = s.hits_in_memory;
            d["hits_on_disk"] = s.hits_on_disk;
            d["compiles"] = s.compiles;
            d["rebuilds"] = s.rebuilds;
            d["evictions"] = s.evictions;
            return d;
        },
        "Kernel JIT counters since the process started (dict of int): loaded (libraries loaded now), max_loaded "
        "(LRU bound), hits_in_memory, hits_on_disk, compiles, rebuilds (compiles replacing a rejected cache "
        "entry), evictions.");
    m.def("set_jit_max_loaded", &emu::set_jit_max_loaded, "n"_a,
          "How many kernel libraries the process keeps loaded (LRU, n >= 1; default 256 or "
          "$LAYERNORM_FUSED_RM_JIT_MAX_LOADED). ValueError for n = 0.");

    m.def(
        "tilize_reference",
        [](nb::bytes data, uint32_t rows, uint32_t cols, tt::DataFormat format) {
            const uint32_t es = tt::datum_size(format);
            if (es == 0) {
                throw std::invalid_argument("tilize_reference: format must be Float16_b or Float32, got " +
                                            std::string(tt::to_string(format)));
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
            std::vector<uint8_t> out = emu::tilize_reference(data.c_str(), rows, cols, format);
            return nb::bytes(reinterpret_cast<const char*>(out.data()), out.size());
        },
        "data"_a, "rows"_a, "cols"_a, "format"_a,
        "Tilizes row-major `data` (bytes, rows x cols elements of `format`, both multiples of 32) into tiles in "
        "tile order, 4 faces of 16x16 each, as tilize_block lays them out in L1. Returns bytes of the same size.");

    nb::enum_<emu::TraceEvent::Kind>(m, "TraceKind", "Kind of a TraceEvent.")
        .value("reserve", emu::TraceEvent::Kind::Reserve)
        .value("push", emu::TraceEvent::Kind::Push)
        .value("wait_front", emu::TraceEvent::Kind::WaitFront)
        .value("pop", emu::TraceEvent::Kind::Pop)
        .value("block", emu::TraceEvent::Kind::Block);
    nb::class_<emu::TraceEvent>(m, "TraceEvent",
                                "One event of a traced emulator run (EmuDevice.run(trace=True)). ts: the logical "
                                "clock, a global sequence number of CB operations and semaphore waits (not time).")
        .def_ro("kind", &emu::TraceEvent::kind, "TraceKind.")
        .def_ro("ts", &emu::TraceEvent::ts, "Logical clock of the event (block: when the wait began).")
        .def_ro("end", &emu::TraceEvent::end, "block: logical clock when the kernel resumed; else == ts.")
        .def_ro("core", &emu::TraceEvent::core, "(x, y) logical core.")
        .def_ro("slot", &emu::TraceEvent::slot, "The kernel's index among its core's kernels.")
        .def_ro("kernel", &emu::TraceEvent::kernel, "The kernel's label.")
        .def_ro("cb", &emu::TraceEvent::cb, "CB index; -1 for a semaphore wait.")
        .def_ro("pages", &emu::TraceEvent::pages, "Pages of the call.")
        .def_ro("occupied", &emu::TraceEvent::occupied, "Pages pushed and not popped after the operation.")
        .def_ro("capacity", &emu::TraceEvent::capacity, "The CB's capacity, pages.")
        .def_ro("call", &emu::TraceEvent::call, "block: the blocking call and the CB state when it began.");

    nb::class_<emu::RunStats>(m, "RunStats", "Counters of one emulator run.")
        .def_ro("dram_bytes_read", &emu::RunStats::dram_bytes_read, "Bytes read from DRAM by kernels.")
        .def_ro("dram_bytes_written", &emu::RunStats::dram_bytes_written, "Bytes written to DRAM by kernels.")
        .def_ro("noc_transactions", &emu::RunStats::noc_transactions, "NOC transactions issued.")
        .def_ro("dram_bytes_read_per_buffer", &emu::RunStats::dram_bytes_read_per_buffer,
                "dict[int, int]: bytes read, keyed by buffer address.")
        .def_ro("dram_bytes_written_per_buffer", &emu::RunStats::dram_bytes_written_per_buffer,
                "dict[int, int]: bytes written, keyed by buffer address.")
        .def_ro("cores_used", &emu::RunStats::cores_used, "Cores that ran kernels.")
        .def_ro("tiles_computed", &emu::RunStats::tiles_computed, "Tiles packed by compute kernels.")
        .def_ro("l1_high_water", &emu::RunStats::l1_high_water, "Highest CB end address on any core, bytes.")
        .def_ro("jit_cache_hits", &emu::RunStats::jit_cache_hits, "Kernels found in the JIT cache.")
        .def_ro("jit_compiles", &emu::RunStats::jit_compiles, "Kernels compiled this run.")
        .def_ro("tiles_computed_per_core", &emu::RunStats::tiles_computed_per_core,
                "dict[tuple[int, int], int]: tiles packed by the compute kernel of each core, keyed by (x, y).")
        .def_ro("l1_high_water_per_core", &emu::RunStats::l1_high_water_per_core,
                "dict[tuple[int, int], int]: end of the last CB on each core (bytes, absolute L1 address).")
        .def_ro("noc_transactions_per_core", &emu::RunStats::noc_transactions_per_core,
                "dict[tuple[int, int], int]: NOC reads + writes issued by each core's kernels.")
        .def_ro("tile_ops_per_core", &emu::RunStats::tile_ops_per_core,
                "dict[tuple[int, int], int]: tile operations of each core's compute kernel (cores whose compute "
                "kernel operated on a tile): one per tile unpacked into DEST, tilized or untilized from a CB, per FPU "
                "binary or reduce call and per SFPU call; inits and packs not counted.")
        .def_ro("kernels_run", &emu::RunStats::kernels_run, "Kernel instances (kernels x cores) run.")
        .def_ro("host_threads", &emu::RunStats::host_threads, "Host threads of the pool that ran them.")
        .def_ro("warnings", &emu::RunStats::warnings, "list[str].")
        .def_ro("trace", &emu::RunStats::trace, "list[TraceEvent] in clock order when run(trace=True), else empty.");

    nb::class_<emu::Device>(m, "EmuDevice",
                                   "One emulated chip (host Tensix emulator): interleaved DRAM banks and a grid of "
                                   "Tensix cores. Not a ttnn device.")
        .def(
            "__init__",
            [](emu::Device* self, std::optional<std::string> arch) {
                new (self) emu::Device(arch ? emu::ArchParams::by_name(*arch)
                                                   : emu::ArchParams::from_env());
            },
            "arch"_a = nb::none(),
            "Emulated chip of the named arch (\"wormhole_b0\" or \"blackhole\"); None: $LAYERNORM_FUSED_RM_ARCH, "
            "default \"wormhole_b0\".")
        .def(nb::init<const emu::ArchParams&>(), "arch"_a, "Emulated chip with explicit ArchParams.")
        .def_prop_ro("arch", &emu::Device::arch, nb::rv_policy::reference_internal, "ArchParams of the chip.")
        .def("allocate_dram_buffer", &emu::Device::allocate_dram_buffer, "size_bytes"_a, "page_size"_a,
             "Allocates an interleaved DRAM buffer of size_bytes with page_size-byte pages (round-robin over banks). "
             "Returns its bank-local base address (int).")
        .def(
            "write_dram_buffer",
            [](emu::Device& d, uint32_t address, nb::bytes data) {
                const char* p = data.c_str();
                const size_t n = data.size();
                nb::gil_scoped_release release;
                d.write_dram_buffer(address, p, n);
            },
            "address"_a, "data"_a, "Writes `data` (bytes, whole pages in page order) to the buffer at `address`.")
        .def(
            "read_dram_buffer",
            [](const emu::Device& d, uint32_t address, uint64_t size) {
                std::string out(size, '\0');
                {
                    nb::gil_scoped_release release;
                    d.read_dram_buffer(address, out.data(), size);
                }
                return nb::bytes(out.data(), out.size());
            },
            "address"_a, "size"_a, "Reads `size` bytes (page order, unpadded) of the buffer at `address`.")
        .def("deallocate_dram_buffer", &emu::Device::deallocate_dram_buffer, "address"_a,
             "Frees the buffer at `address`.")
        .def(
            "run",
            [](emu::Device& d, const tt::tt_metal::ProgramDescriptor& program, double watchdog_seconds,
               uint32_t max_threads, bool optimistic_srcb, bool trace) {
                tt::tt_metal::ProgramDescriptor copy = program;  // Python may touch the original while the GIL is released
                emu::RunOptions options;
                options.watchdog_seconds = watchdog_seconds;
                options.max_threads = max_threads;
                options.optimistic_srcb = optimistic_srcb;
                options.trace = trace;
                nb::gil_scoped_release release;
                return d.run(copy, options);
            },
            "program"_a, "watchdog_seconds"_a = 300.0, "max_threads"_a = 0, "optimistic_srcb"_a = false,
            "trace"_a = false,
            "Runs `program` to completion (GIL released) and returns RunStats. Raises DeadlockError when every "
            "kernel is blocked, CompileError when a kernel does not compile, EmulatorError on any rule violation. "
            "watchdog_seconds: safety-net bound on the run (0 = none). max_threads: host threads running the "
            "kernels as fibers (0 = $LAYERNORM_FUSED_RM_EMU_THREADS or min(hardware threads, 4)). optimistic_srcb: "
            "the FPU reads a TF32 SrcB at full TF32 precision under a BF16 SrcA (default False: truncated to BF16, "
            "the pessimistic reading of the ISA's SrcAStyle; also set by $LAYERNORM_FUSED_RM_EMU_OPTIMISTIC=1). trace: record every CB "
            "operation and blocking wait into RunStats.trace (TraceEvent).");

    nb::module_ n = m.def_submodule(
        "emu_numerics",
        "The emulator's pure numeric models on arrays of FP32 bit patterns (list/array of uint32 in, list of "
        "uint32 out), for bit-exact tests: cpp/emulator/src/math/fidelity.hpp and sfpu_functions.hpp.");
    n.def("fpu_elwmul", &emu::probe::fpu_elwmul, "a"_a, "b"_a, "math_fidelity"_a, "fp32_dest"_a,
          "ELWMUL of SrcA a by SrcB b into a zeroed DEST element under math_fidelity (0 LoFi, 2 HiFi2, 3 HiFi3, "
          "4 HiFi4); DEST fp32 or BF16. ValueError for another fidelity or unequal lengths.");
    n.def("fpu_dot", &emu::probe::fpu_dot, "dst"_a, "a"_a, "b"_a, "n"_a, "math_fidelity"_a, "fp32_dest"_a,
          "MVMUL/GAPOOL sums: out[r] = dst[r] + sum_k a[r*n+k]*b[r*n+k], phase by phase into DEST.");
    n.def("sfpmad", &emu::probe::sfpmad, "a"_a, "b"_a, "c"_a, "arch"_a = "wormhole_b0",
          "SFPMAD a*b+c lanewise, bit-exact for arch (ISA SFPMAD.md, Miscellaneous/FMA/fma.c).");
    n.def("sfpu_sqrt", &emu::probe::sfpu_sqrt, "x"_a, "approximate"_a, "reciprocal"_a, "fp32_dest"_a,
          "arch"_a = "wormhole_b0",
          "rsqrt_tile (reciprocal=True) / sqrt_tile on DEST values as ckernel_sfpu_sqrt.h computes them.");
}

}  // namespace layernorm_fused_rm::bindings
