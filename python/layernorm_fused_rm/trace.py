"""Pipeline trace of one ttnn.layernorm_fused_rm call on the host Tensix emulator.

``python -m layernorm_fused_rm trace SHAPE`` runs one call with ``EmuDevice.run(trace=True)`` and writes:

- ``trace_<shape>.json``: Chrome / Perfetto Trace Event Format (the "JSON Object Format" of Google's "Trace
  Event Format" document; opens in ui.perfetto.dev and chrome://tracing). One process per Tensix core
  (``pid`` = y * grid_x + x + 1, named "core (x,y)"), one thread per kernel of that core (``tid`` = the
  kernel's index on the core + 1, named by its RISC role and source file: reader / compute / writer).
  Each CB call is an instant event (``ph`` "i", thread scope) named by the call, e.g.
  ``cb_push_back(c_0, 4)``; each blocking wait (a cb_reserve_back with no free space, a cb_wait_front with
  no data, a semaphore wait) is a complete event (``ph`` "X") from the blocking call to the resume; each
  CB's occupancy (pages pushed and not popped) is a counter (``ph`` "C") on its core, named "c_<cb>".
- ``trace_<shape>.png``: CB occupancy over the clock for the busiest cores (most CB operations) and, under
  each, the intervals in which each kernel of the core waited.

Schedule: the traced run uses one host thread (``max_threads=1``), so it is deterministic: a kernel runs until
it blocks (CB full or empty) or ends, then the next ready kernel runs. That is one legal interleaving, the one
that runs each CB full or empty as soon as possible; silicon's overlap depends on its timing.

Clock: the emulator's logical clock (``_C.TraceEvent.ts``), a global sequence number of the run's CB
operations and semaphore waits in the order the run's mutex serialised them; one tick is written as 1 us
(``ts`` is in microseconds in the format). It orders events across cores and kernels; it is not a time:
the emulator's host wall time says nothing about silicon, and there is no per-event device-time model.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

CLOCK = ("emulator logical clock: global sequence number of CB operations (cb_reserve_back, cb_push_back, "
         "cb_wait_front, cb_pop_front) and semaphore waits, all cores, in serialised order; 1 tick written as 1 us; "
         "not a time")


@contextlib.contextmanager
def traced() -> Iterator[None]:
    """Within the block, ttnn.layernorm_fused_rm(..., return_stats=True) on the emulator also returns
    stats["trace"]: the run's ``_C.TraceEvent`` list in clock order. The run uses one host thread, so the
    interleaving (a kernel runs until it blocks or ends, then the next ready kernel) and the trace are the
    same at every run."""
    from ._op import _TRACE

    token = _TRACE.set({"trace": True, "max_threads": 1})
    try:
        yield
    finally:
        _TRACE.reset(token)


def run_traced(shape: list[int], dtype: str = "bf16", arch: str | None = None,
               program_factory: str | None = None) -> dict[str, Any]:
    """Runs one call on random input (seed 0) with gamma and beta, traced.

    Args:
        shape: the input shape, e.g. [1, 1, 64, 1024]. dtype: "bf16" or "fp32". arch: "wormhole_b0" or
            "blackhole" (None: $LAYERNORM_FUSED_RM_ARCH, default wormhole_b0). program_factory: None lets the op
            choose, else a name it accepts (``_C.program_factory_name()``, ``_C.STREAMING_PROGRAM_FACTORY``, ...).

    Returns:
        the call's stats dict (ttnn.layernorm_fused_rm return_stats) with "trace" and "grid_x" added.

    Raises:
        ValueError / RuntimeError from the op (invalid shape or program factory, L1 limit); EmulatorError.
    """
    import ttnn

    from . import _C
    from ._op import _arch_name
    from .bench import _arch_env, _tensors

    name = _arch_name(arch)
    with _arch_env(name):
        x, gamma, beta, _ = _tensors(shape, dtype, random=True)
        with traced():
            _, stats = ttnn.layernorm_fused_rm(x, gamma, beta, program_factory=program_factory, return_stats=True)
    stats["grid_x"] = _C.ArchParams.by_name(name).grid_x
    return stats


def _role(kernel: str) -> str:
    """"reader reader.cpp @ core (0,0)" -> "reader reader.cpp"."""
    return kernel.split(" @ ")[0]


def trace_events(events: list, grid_x: int) -> dict[str, Any]:
    """The Trace Event Format JSON object (see the module docstring) of a run's ``_C.TraceEvent`` list."""
    out: list[dict[str, Any]] = []
    named: set[tuple[int, int]] = set()
    seen_cb: set[tuple[int, int]] = set()
    for e in events:
        x, y = e.core
        pid, tid = y * grid_x + x + 1, e.slot + 1
        if (pid, 0) not in named:
            named.add((pid, 0))
            out.append({"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "ts": 0,
                        "args": {"name": f"core ({x},{y})"}})
            out.append({"ph": "M", "name": "process_sort_index", "pid": pid, "tid": 0, "ts": 0,
                        "args": {"sort_index": pid}})
        if (pid, tid) not in named:
            named.add((pid, tid))
            out.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "ts": 0,
                        "args": {"name": _role(e.kernel)}})
        kind = e.kind.name
        if kind == "block":
            what = f"c_{e.cb}" if e.cb >= 0 else "semaphore"
            out.append({"ph": "X", "name": f"wait {what}", "cat": "wait", "pid": pid, "tid": tid, "ts": e.ts,
                        "dur": e.end - e.ts, "args": {"call": e.call}})
            continue
        call = {"reserve": "cb_reserve_back", "push": "cb_push_back", "wait_front": "cb_wait_front",
                "pop": "cb_pop_front"}[kind]
        out.append({"ph": "i", "s": "t", "name": f"{call}(c_{e.cb}, {e.pages})", "cat": "cb", "pid": pid,
                    "tid": tid, "ts": e.ts, "args": {"cb": e.cb, "pages": e.pages, "occupied": e.occupied,
                                                     "capacity": e.capacity}})
        if kind in ("push", "pop"):
            if (pid, e.cb) not in seen_cb:  # the counter starts empty
                seen_cb.add((pid, e.cb))
                out.append({"ph": "C", "name": f"c_{e.cb}", "pid": pid, "tid": 0, "ts": 0, "args": {"pages": 0}})
            out.append({"ph": "C", "name": f"c_{e.cb}", "pid": pid, "tid": 0, "ts": e.ts,
                        "args": {"pages": e.occupied}})
    return {"traceEvents": out, "displayTimeUnit": "ns", "otherData": {"clock": CLOCK}}


def plot(events: list, path: str, title: str, max_cores: int = 3) -> list[tuple[int, int]]:
    """Writes a PNG (matplotlib, Agg): per core among the `max_cores` with the most CB operations, CB occupancy
    (pages) over the logical clock, and below it each kernel's blocking waits as bars. Returns those cores."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    per_core: dict[tuple[int, int], list] = defaultdict(list)
    for e in events:
        per_core[tuple(e.core)].append(e)
    cores = sorted(per_core, key=lambda c: (-len(per_core[c]), c))[:max_cores]
    t_end = max((e.end for e in events), default=1)
    fig, axes = plt.subplots(2 * len(cores), 1, figsize=(11, 3.2 * len(cores)), sharex=True,
                             gridspec_kw={"height_ratios": [3, 1] * len(cores)}, squeeze=False)
    for i, core in enumerate(cores):
        occ_ax, wait_ax = axes[2 * i][0], axes[2 * i + 1][0]
        series: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([0], [0]))
        kernels: dict[int, str] = {}
        waits: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for e in per_core[core]:
            kernels[e.slot] = _role(e.kernel)
            if e.kind.name in ("push", "pop"):
                ts, occ = series[e.cb]
                ts.append(e.ts)
                occ.append(e.occupied)
            elif e.kind.name == "block":
                waits[e.slot].append((e.ts, max(e.end - e.ts, 1)))
        for cb, (ts, occ) in sorted(series.items()):
            occ_ax.step(ts + [t_end], occ + [occ[-1]], where="post", label=f"c_{cb}", linewidth=1)
        occ_ax.set_ylabel("pages in CB")
        occ_ax.set_title(f"core {core}: CB occupancy", fontsize=9)
        occ_ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        slots = sorted(kernels)
        for row, slot in enumerate(slots):
            wait_ax.broken_barh(waits[slot], (row - 0.4, 0.8), color="tab:red")
        wait_ax.set_yticks(range(len(slots)), [kernels[s].split(" ")[0] for s in slots], fontsize=7)
        wait_ax.set_ylim(-0.6, len(slots) - 0.4)
        wait_ax.set_title("blocking waits", fontsize=8)
    axes[-1][0].set_xlabel("logical clock (global sequence number of CB operations; not time)")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return cores


def main(*, shape: list[int], dtype: str, arch: str | None, program_factory: str | None, out: str) -> int:
    """The ``trace`` subcommand: writes trace_<shape>.json and trace_<shape>.png into `out`, prints their paths."""
    stats = run_traced(shape, dtype, arch, program_factory)
    events = stats["trace"]
    os.makedirs(out, exist_ok=True)
    stem = os.path.join(out, "trace_" + "x".join(map(str, shape)))
    doc = trace_events(events, stats["grid_x"])
    doc["otherData"].update({"shape": list(shape), "dtype": dtype, "arch": stats["arch"],
                             "cores_used": stats["cores_used"], "kernels_run": stats["kernels_run"]})
    with open(stem + ".json", "w") as f:
        json.dump(doc, f)
    title = (f"layernorm_fused_rm {'x'.join(map(str, shape))} {dtype} {stats['arch']}: "
             f"{stats['cores_used']} cores, {len(events)} events")
    cores = plot(events, stem + ".png", title)
    print(f"{stem}.json: {len(doc['traceEvents'])} trace events ({CLOCK})")
    print(f"{stem}.png: CB occupancy and waits of cores {', '.join(map(str, cores))}")
    return 0
