# SPDX-License-Identifier: Apache-2.0
"""`python -m layernorm_fused_rm trace`: the Trace Event Format JSON is structurally valid (the fields of Google's
"Trace Event Format" document: ph, ts, pid, tid, name; "X" with dur; "C" with numeric args; "M" metadata) and
agrees with the run (every kernel has a track, pages pushed = pages popped per CB, counters = pushes - pops,
events in clock order per track, each wait begins at a blocking call of its kernel), and the PNG is a PNG."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict

import pytest
import ttnn

from layernorm_fused_rm import bench
from layernorm_fused_rm import trace as trace_mod

SHAPE = "1x1x64x1024"  # issue 14's Done-when example
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("trace")
    proc = subprocess.run([sys.executable, "-m", "layernorm_fused_rm", "trace", SHAPE, "--out", str(d)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return d


@pytest.fixture(scope="module")
def doc(out):
    with open(out / f"trace_{SHAPE}.json") as f:
        return json.load(f)


def test_trace_event_format_fields(doc):
    assert set(doc) >= {"traceEvents", "displayTimeUnit"}
    assert doc["displayTimeUnit"] in ("ms", "ns")
    assert "logical clock" in doc["otherData"]["clock"]
    phases = defaultdict(int)
    for e in doc["traceEvents"]:
        assert {"ph", "ts", "pid", "tid", "name"} <= set(e), e
        assert isinstance(e["name"], str) and isinstance(e["pid"], int) and isinstance(e["tid"], int), e
        assert isinstance(e["ts"], (int, float)) and e["ts"] >= 0, e
        phases[e["ph"]] += 1
        if e["ph"] == "X":
            assert isinstance(e["dur"], (int, float)) and e["dur"] >= 0, e
        elif e["ph"] == "C":
            assert e["args"] and all(isinstance(v, (int, float)) for v in e["args"].values()), e
        elif e["ph"] == "i":
            assert e["s"] in ("t", "p", "g"), e
        elif e["ph"] == "M":
            assert e["name"] in ("process_name", "process_sort_index", "thread_name") and e["args"], e
        else:
            pytest.fail(f"unexpected phase {e['ph']!r}")
    assert phases["i"] and phases["C"] and phases["M"]


def test_every_kernel_has_a_track(doc):
    meta = doc["otherData"]
    procs = {e["pid"]: e["args"]["name"] for e in doc["traceEvents"] if e["name"] == "process_name"}
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in doc["traceEvents"] if e["name"] == "thread_name"}
    assert len(procs) == meta["cores_used"]
    assert len(threads) == meta["kernels_run"]
    for pid in procs:
        roles = sorted(name.split(" ")[0] for (p, _), name in threads.items() if p == pid)
        assert roles == ["compute", "reader", "writer"], (procs[pid], roles)
    # every track has events of its own
    used = {(e["pid"], e["tid"]) for e in doc["traceEvents"] if e["ph"] == "i"}
    assert used == set(threads)


def test_pushes_equal_pops_and_counters(doc):
    pushed, popped, last, capacity = defaultdict(int), defaultdict(int), {}, {}
    for e in doc["traceEvents"]:
        if e["ph"] == "i":
            key = (e["pid"], e["args"]["cb"])
            capacity[key] = e["args"]["capacity"]
            if e["name"].startswith("cb_push_back"):
                pushed[key] += e["args"]["pages"]
            elif e["name"].startswith("cb_pop_front"):
                popped[key] += e["args"]["pages"]
        elif e["ph"] == "C":
            key = (e["pid"], int(e["name"].removeprefix("c_")))
            last[key] = e["args"]["pages"]
    assert pushed and set(pushed) == set(popped) == set(last)
    for key in pushed:
        assert pushed[key] == popped[key], key  # the run ends with every CB empty (no leftover warning)
        assert last[key] == 0, key
    for e in doc["traceEvents"]:
        if e["ph"] == "C" and e["ts"] > 0:
            assert 0 <= e["args"]["pages"] <= capacity[(e["pid"], int(e["name"].removeprefix("c_")))], e


def test_ordered_per_track_and_waits_start_at_a_blocking_call(doc):
    tracks = defaultdict(list)
    for e in doc["traceEvents"]:
        if e["ph"] in ("i", "X"):
            tracks[(e["pid"], e["tid"])].append(e)
    waits = 0
    for evs in tracks.values():
        ts = [e["ts"] for e in evs]
        assert ts == sorted(ts)
        calls = {e["ts"]: e["name"] for e in evs if e["ph"] == "i"}
        for e in evs:
            if e["ph"] == "X" and e["name"] != "wait semaphore":
                waits += 1
                cb = e["name"].removeprefix("wait ")
                assert calls[e["ts"]].split("(")[0] in ("cb_wait_front", "cb_reserve_back"), e
                assert calls[e["ts"]].split("(")[1].startswith(cb + ","), e
                assert e["dur"] > 0, e  # only another CB operation (a tick) can release a CB wait
        # no two CB operations of one kernel share a clock value
        assert len(calls) == sum(1 for e in evs if e["ph"] == "i")
    assert waits > 0  # a pipeline of 2-page CBs over 2 tile-rows blocks somewhere


def test_png(out):
    import matplotlib.image

    path = out / f"trace_{SHAPE}.png"
    assert path.read_bytes()[:8] == PNG_MAGIC
    img = matplotlib.image.imread(path)
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100


def test_trace_off_records_nothing():
    with bench._arch_env("wormhole_b0"):
        x, gamma, beta, _ = bench._tensors([1, 1, 32, 64], "bf16", random=True)
        _, stats = ttnn.layernorm_fused_rm(x, gamma, beta, return_stats=True)
        assert "trace" not in stats
        with trace_mod.traced():
            _, traced = ttnn.layernorm_fused_rm(x, gamma, beta, return_stats=True)
    kinds = {e.kind.name for e in traced["trace"]}
    assert {"reserve", "push", "wait_front", "pop"} <= kinds
    assert [e.ts for e in traced["trace"]] == sorted(e.ts for e in traced["trace"])


def test_wsplit_semaphore_waits_are_traced():
    """The W-split program's cores wait on semaphores (noc_semaphore_wait): those waits are Block events with
    cb = -1, on the tracks of kernels that exist, and the JSON names them "wait semaphore"."""
    from layernorm_fused_rm import _C

    stats = trace_mod.run_traced([1, 1, 32, 1024], "bf16", "wormhole_b0", _C.WSPLIT_PROGRAM_FACTORY)
    events = stats["trace"]
    sem = [e for e in events if e.kind.name == "block" and e.cb == -1]
    assert sem and all(e.end >= e.ts and "noc_semaphore_wait" in e.call for e in sem)
    doc = trace_mod.trace_events(events, stats["grid_x"])
    assert sum(1 for e in doc["traceEvents"] if e["name"] == "wait semaphore") == len(sem)
    assert len({(e.core, e.slot) for e in events}) == stats["kernels_run"]
