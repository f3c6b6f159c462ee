// SPDX-License-Identifier: Apache-2.0
//
// Room "runner": one emulated chip (DeviceImpl: DRAM, per-core L1) and one program run on it (Run: the cores the
// program's kernels occupy, their circular buffers, one KernelContext fiber per kernel per core, the scheduler,
// the NOC, the counters). program_run.cpp is the run itself; device.cpp the public Device API.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "cb/circular_buffer.hpp"
#include "emu/emulator.hpp"
#include "memory/dram.hpp"
#include "memory/l1.hpp"
#include "noc/noc.hpp"
#include "runner/kernel_context.hpp"
#include "sched/scheduler.hpp"

namespace tensix_emu {

/// One Tensix core a program uses.
struct Core {
    uint32_t index = 0;  ///< y * grid_x + x
    CoreCoord coord;
    uint8_t* l1 = nullptr;  ///< host base of the core's L1
    CoreCBs cbs;
    NocNode noc_node;            ///< the core as the NOC reaches it (semaphores, writes landing in its L1)
    std::vector<Fiber*> fibers;  ///< the kernels running on this core
};

/// One emulated chip: the DRAM banks and the cores' L1, and one program at a time.
class DeviceImpl {
public:
    explicit DeviceImpl(const ArchParams& a) : arch(a), dram(a), l1(a.l1_size) {}

    ArchParams arch;
    Dram dram;
    L1Space l1;
    std::mutex run_mutex;  ///< one program at a time per device

    RunStats run(const ProgramDescriptor& program, const RunOptions& options);
};

/// The state of one program run.
class Run {
public:
    Run(DeviceImpl& dev, const ProgramDescriptor& prog) : dev(dev), prog(prog), noc(dev.arch, dev.dram, sched.m) {}

    DeviceImpl& dev;
    const ProgramDescriptor& prog;
    Scheduler sched;
    Noc noc;  ///< after sched: it locks sched.m
    RunStats stats;
    std::vector<std::unique_ptr<Core>> cores;
    std::vector<std::unique_ptr<KernelContext>> kernels;
};

}  // namespace tensix_emu
