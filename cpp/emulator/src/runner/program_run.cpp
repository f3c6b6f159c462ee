// SPDX-License-Identifier: Apache-2.0
//
// Room "runner": one program run (see program_run.hpp): the cores every kernel occupies, circular-buffer placement
// on each (cb/), the JIT build of every kernel (jit/), one fiber per kernel per core run by the scheduler
// (sched/), then the counters (RunStats) and the end-of-run warnings.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <string>

#include "jit/jit.hpp"
#include "runner/program_run.hpp"

namespace tensix_emu {

namespace {
std::string kernel_label(const KernelDescriptor& k, const CoreCoord& c) {
    const char* role = k.is_compute() ? "compute" : k.is_reader() ? "reader" : "writer";
    return std::string(role) + " " + std::filesystem::path(k.kernel_source).filename().string() + " @ core (" +
           std::to_string(c.x) + "," + std::to_string(c.y) + ")";
}
}  // namespace

RunStats DeviceImpl::run(const ProgramDescriptor& program, const RunOptions& options) {
    std::lock_guard<std::mutex> run_lock(run_mutex);
    // Kernel libraries of this run: declared before `run`, so they are unloaded only after its fibers are gone.
    std::vector<std::shared_ptr<jit_cache::LoadedLibrary>> libraries;
    Run run(*this, program);

    // Cores: every core any kernel runs on.
    std::map<std::pair<uint32_t, uint32_t>, Core*> core_map;
    for (const auto& k : program.kernels) {
        for (const auto& c : k.core_ranges.cores()) {
            if (c.x >= arch.grid_x || c.y >= arch.grid_y) {
                throw EmulatorError("kernel '" + k.kernel_source + "' is placed on core (" + std::to_string(c.x) + "," +
                                    std::to_string(c.y) + ") outside the " + std::to_string(arch.grid_x) + "x" +
                                    std::to_string(arch.grid_y) + " " + arch.name + " grid");
            }
            auto key = std::make_pair(c.x, c.y);
            if (!core_map.count(key)) {
                auto core = std::make_unique<Core>();
                core->coord = c;
                core->cbs.coord = c;
                core->index = c.y * arch.grid_x + c.x;
                core->l1 = l1.core(core->index);
                core_map[key] = core.get();
                run.cores.push_back(std::move(core));
            }
        }
    }

    // Circular buffers, placed one after another from the unreserved base as tt-metal's CB allocator does.
    for (auto& core : run.cores) {
        core->cbs.place(program.cbs, arch);
        run.stats.l1_high_water = std::max(run.stats.l1_high_water, core->cbs.end);
    }
    run.stats.cores_used = static_cast<uint32_t>(run.cores.size());

    // The NOC's view of every core: NOC coordinates, L1, semaphores (kernel-config region, initial values set).
    std::map<const NocNode*, Core*> core_of_node;
    for (auto& core : run.cores) {
        NocNode& n = core->noc_node;
        n.coord = core->coord;
        n.noc = arch.worker_noc_coord(core->coord);
        n.l1 = core->l1;
        n.cb_end = core->cbs.end;
        run.noc.add_node(n, program.semaphores);
        core_of_node[&n] = core.get();
    }
    run.noc.on_semaphore_change = [&run, &core_of_node](NocNode& n) {
        run.sched.wake_locked(core_of_node.at(&n)->fibers);
    };

    // JIT every kernel (compile errors surface before any fiber starts), the program's kernels side by side: each
    // compile is a host compiler process, and jit_kernel holds its process-wide lock only around the cache index
    // (jit.cpp). Results are taken in kernel order, so the first failing kernel's CompileError is the one thrown
    // (every future is waited for first: std::async's futures join in their destructors).
    std::vector<std::future<JitResult>> builds;
    for (const auto& k : program.kernels) {
        builds.push_back(std::async(std::launch::async, [&k, &program] { return jit_kernel(k, program.cbs); }));
    }
    std::vector<emu_kernel_entry_fn> entries;
    for (auto& b : builds) {
        JitResult jr = b.get();
        (jr.cache_hit ? run.stats.jit_cache_hits : run.stats.jit_compiles) += 1;
        entries.push_back(jr.entry);
        libraries.push_back(jr.library);
    }

    // How the FPU reads a TF32 SrcB under a BF16 SrcA (RunOptions::optimistic_srcb, math/fidelity.hpp point 1).
    const char* optimistic_env = std::getenv("LAYERNORM_FUSED_RM_EMU_OPTIMISTIC");
    const bool optimistic = options.optimistic_srcb || (optimistic_env && std::string(optimistic_env) == "1");
    // One fiber per kernel per core.
    for (size_t ki = 0; ki < program.kernels.size(); ++ki) {
        const auto& k = program.kernels[ki];
        for (const auto& c : k.core_ranges.cores()) {
            Core& core = *core_map.at({c.x, c.y});
            auto ctx = std::make_unique<KernelContext>(run.sched, run.noc, core, k, kernel_label(k, c), optimistic);
            ctx->entry = entries[ki];
            ctx->core_key = {c.x, c.y};
            ctx->slot = static_cast<uint32_t>(core.fibers.size());
            core.fibers.push_back(ctx.get());
            run.sched.fibers.push_back(ctx.get());
            run.kernels.push_back(std::move(ctx));
        }
    }
    run.sched.tracing = options.trace;
    run.stats.host_threads = run.sched.run(options);
    if (run.sched.aborted) {
        if (run.sched.deadlock) {
            throw DeadlockError(run.sched.error);
        }
        throw EmulatorError(run.sched.error);
    }

    for (const auto& k : run.kernels) {
        run.stats.tiles_computed += k->tiles_packed();
        const CoreKey key{k->core().coord.x, k->core().coord.y};
        if (k->tiles_packed() > 0 || run.stats.tiles_computed_per_core.count(key) == 0) {
            run.stats.tiles_computed_per_core[key] += k->tiles_packed();
        }
        if (k->tile_ops() > 0) {
            run.stats.tile_ops_per_core[key] += k->tile_ops();
        }
    }
    const NocCounters& noc = run.noc.counters();
    run.stats.dram_bytes_read = noc.dram_bytes_read;
    run.stats.dram_bytes_written = noc.dram_bytes_written;
    run.stats.noc_transactions = noc.transactions;
    run.stats.dram_bytes_read_per_buffer = noc.dram_bytes_read_per_buffer;
    run.stats.dram_bytes_written_per_buffer = noc.dram_bytes_written_per_buffer;
    for (const auto& core : run.cores) {
        const CoreKey key{core->coord.x, core->coord.y};
        const auto it = noc.transactions_per_core.find(key);
        run.stats.l1_high_water_per_core[key] = core->cbs.end;
        run.stats.noc_transactions_per_core[key] = it == noc.transactions_per_core.end() ? 0 : it->second;
    }
    run.stats.kernels_run = static_cast<uint32_t>(run.kernels.size());
    // Pages left in CBs at the end: a warning with counts (a persistent CB never popped, or a leak).
    for (const auto& core : run.cores) {
        core->cbs.leftover_warnings(run.stats.warnings);
    }
    if (options.trace) {
        // Block events are stored when the wait ends: put every event in clock order (stable: a Block begins at
        // the clock of the call that blocked, after that call's own event).
        run.stats.trace = std::move(run.sched.trace);
        std::stable_sort(run.stats.trace.begin(), run.stats.trace.end(),
                         [](const TraceEvent& a, const TraceEvent& b) { return a.ts < b.ts; });
    }
    return run.stats;
}

}  // namespace tensix_emu
