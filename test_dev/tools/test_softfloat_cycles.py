# SPDX-License-Identifier: Apache-2.0
"""tools/softfloat_cycles: the measured cycles per fp32 soft-float operation that the device model cites.

The device model's kSoftfloatAddCycles / kSoftfloatMulCycles / kSoftfloatDivCycles (_C.model.SOFTFLOAT_CYCLES) must be
the figures derived from the committed table (results.csv); the pipeline timing of measure.py is checked on a trace
timed by hand from the BabyRISCV README's rules; re-measuring needs a RISC-V GCC and Unicorn (skipped without)."""
import csv
import importlib.util
import shutil
from pathlib import Path

import pytest

from layernorm_fused_rm import _C

TOOL = Path(__file__).resolve().parents[2] / "tools" / "softfloat_cycles"


def _measure_module():
    spec = importlib.util.spec_from_file_location("softfloat_measure", TOOL / "measure.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _table():
    with (TOOL / "results.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_model_constants_follow_the_measured_table():
    rows = _table()
    assert {r["routine"] for r in rows} == {"__addsf3", "__subsf3", "__mulsf3", "__divsf3"}
    assert all(int(r["calls"]) >= 1000 for r in rows)
    assert _C.model.SOFTFLOAT_CYCLES == _measure_module().model_figures(rows)


def test_timing_of_a_hand_made_trace():
    """A load from local data RAM (2-cycle latency) feeding an ALU op, a mul (2 cycles), a load from L1 (8) feeding a
    taken branch, a division (6 cycles floor, 33 ceiling), the return; the caller's call adds 1 cycle (3 if
    mispredicted). Floor: load 1, alu 3 (waits for the load), mul 4-5, L1 load 6, branch 14 (waits), div 15-20,
    ret 21: 22. Ceiling: everything 2 later until the branch (16, + 2 bubble), div 19-51, ret 52 + 2 bubble: 55."""
    m = _measure_module()
    local, l1 = m.STACK_TOP - 32, 0x20000
    trace = [(0x100, "load", 5, 2, 0, local, 0), (0x104, "alu", 6, 5, 0, 0, 0), (0x108, "mul", 7, 6, 0, 0, 0),
             (0x10C, "load", 8, 3, 0, l1, 0), (0x110, "branch", 0, 8, 0, 0, 0), (0x200, "div", 10, 7, 9, 0, 5),
             (0x204, "jalr", 0, 1, 0, 0, 0)]
    t = m.timing(trace)
    assert (t["cycles_floor"], t["cycles_ceiling"]) == (22, 55)
    assert (t["instructions"], t["mul"], t["div"], t["load"], t["load_l1"], t["branch"], t["taken"], t["jump"]) == \
        (7, 1, 1, 2, 1, 1, 1, 1)
    # A divisor of 1 takes 2 cycles in both cases (BabyRISCV README).
    trace[5] = (0x200, "div", 10, 7, 9, 0, 1)
    assert m.timing(trace)["cycles_floor"] == 22 - 4


def test_measurement_reproduces_the_table():
    """Re-runs the committed measurement (same seed and calls) and compares it with results.csv."""
    m = _measure_module()
    if shutil.which(m.CC) is None:
        pytest.skip(f"{m.CC} not installed (Debian: apt-get install gcc-riscv64-unknown-elf); CI has no RISC-V GCC")
    pytest.importorskip("unicorn", reason="the Unicorn emulator (pip install unicorn) is not installed")
    rows = _table()
    got = m.measure(int(rows[0]["calls"]), seed=1)
    assert [(g["routine"], g["operands"]) for g in got] == [(r["routine"], r["operands"]) for r in rows]
    for g, r in zip(got, rows):
        for k, v in r.items():
            if k not in ("routine", "operands"):
                assert float(g[k]) == pytest.approx(float(v), abs=0.01), (r["routine"], r["operands"], k)
