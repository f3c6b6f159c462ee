# SPDX-License-Identifier: Apache-2.0
"""`python -m layernorm_fused_rm bench`: JSON structure and invariants that fail when the bench's arithmetic or
its reading of the descriptor and RunStats is wrong. A benchmark is not a test: nothing here checks speed."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from layernorm_fused_rm import _C, bench

# Tiny set: row-resident shapes that run (one of 33 rows: tile-rows round up; 1x1x256x64: 8 tile-rows split
# over cores), a W-split shape that runs (1x1x32x4096: the model takes S = 64 on Wormhole, 32 on Blackhole, for
# either dtype), a streaming shape that runs (W = 4192: too wide for row-resident L1, and Wt = 131 is prime, so no
# W-split) and one above the --max-elements budget; fp32 rows are run or rejected, whatever the op accepts (the
# model takes the W-split for some: 2x1x96x128, S = 4 on Wormhole).
SHAPES = ["1x1x64x64", "2x1x96x128", "1x1x33x64", "1x1x256x64", "1x1x32x4096", "1x1x32x4192", "1x1x64x4096"]
MAX_ELEMENTS = 140_000  # 1x1x32x4192 (134144) runs; 1x1x64x4096 (262144) does not
ARGS = ["bench", "--quick", "--json", "--arch", "wormhole_b0", "blackhole", "--dtype", "bf16", "fp32",
        "--max-elements", str(MAX_ELEMENTS), "--shapes", *SHAPES]

ROW_KEYS = {
    "arch", "dtype", "shape", "elements", "grid", "grid_cores", "l1_size", "status", "message", "program_factory",
    "cores_used", "cores_in_program", "tile_rows", "tile_rows_per_core_max", "tile_rows_per_core_mean", "dram",
    "unfused", "l1_cb_bytes_per_core", "l1_high_water", "l1_high_water_source", "l1_high_water_analytic",
    "problems", "throughput_elements_per_s", "descriptor_build_us", "run", "targets",
    "model_us", "model_us_unfused", "split", "model_choice", "model",
}
DRAM_KEYS = {
    "minimum_bytes", "reads_per_stick", "analytic_read", "analytic_written", "analytic_bytes", "analytic_ratio", "measured_read",
    "measured_written", "measured_bytes", "measured_ratio", "ratio", "ratio_source",
}


@pytest.fixture(scope="module")
def result():
    proc = subprocess.run([sys.executable, "-m", "layernorm_fused_rm", *ARGS], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout)  # one JSON object, nothing else on stdout


def _e(dtype):
    return {"bf16": 2, "fp32": 4}[dtype]


def _wsplit(r):
    """Whether the row runs the W-split (the default for float32 where the model prefers it)."""
    return r["program_factory"] == _C.WSPLIT_PROGRAM_FACTORY


def _readers_of_gamma(r):
    """Cores (row-resident, streaming) or groups of split cores (W-split) that each read gamma and beta once."""
    return r["cores_used"] // r["split"] if _wsplit(r) else r["cores_used"]


def test_top_level(result):
    assert result["command"] == "bench"
    assert result["max_elements"] == MAX_ELEMENTS
    assert result["repeats"] == bench.QUICK_REPEATS and result["builds"] == bench.QUICK_BUILDS
    assert result["failed"] == 0
    assert isinstance(result["definitions"], dict) and "dram.minimum_bytes" in result["definitions"]
    rows = result["rows"]
    assert len(rows) == 2 * 2 * len(SHAPES)
    combos = {(r["arch"], r["dtype"], "x".join(map(str, r["shape"]))) for r in rows}
    assert combos == {(a, d, s) for a in ("wormhole_b0", "blackhole") for d in ("bf16", "fp32") for s in SHAPES}


def test_every_row_has_every_field_and_a_known_status(result):
    for r in result["rows"]:
        assert set(r) == ROW_KEYS, sorted(set(r) ^ ROW_KEYS)
        assert r["status"] in ("run", "not run", "rejected"), r["status"]
        params = _C.ArchParams.by_name(r["arch"])
        assert r["grid"] == [params.grid_x, params.grid_y]
        assert r["grid_cores"] == params.grid_x * params.grid_y
        assert r["elements"] == math.prod(r["shape"])
        if r["status"] == "rejected":
            assert r["message"].startswith("rejected: ") and len(r["message"]) > len("rejected: ") + 10
            assert r["dram"] is None and r["program_factory"] is None
        else:
            assert set(r["dram"]) == DRAM_KEYS
            assert r["program_factory"]
            assert r["descriptor_build_us"] > 0


def test_status_follows_the_element_budget(result):
    for r in result["rows"]:
        if r["status"] == "rejected":
            continue
        if r["elements"] <= MAX_ELEMENTS:
            assert r["status"] == "run", r
            assert r["throughput_elements_per_s"] > 0
            assert r["dram"]["ratio_source"] == "measured"
            assert r["l1_high_water_source"] == "measured"
            assert r["run"]["program_cache_hit"] is True  # timed calls follow the warm-up
            assert r["run"]["jit_compiles"] == 0
        else:
            assert r["status"] == "not run", r
            assert r["message"].startswith("not run: ")
            assert r["throughput_elements_per_s"] == "not run"
            assert r["dram"]["measured_bytes"] == "not run" and r["run"] is None
            assert r["dram"]["ratio_source"] == "analytic"
            assert r["dram"]["ratio"] == r["dram"]["analytic_ratio"]


def test_bf16_shapes_run_on_all_three_programs(result):
    """bf16 rows under the budget run, on the row-resident, the W-split and the streaming program: the
    measured-vs-analytic checks below then cover all three."""
    ran = {(r["arch"], "x".join(map(str, r["shape"]))): r for r in result["rows"]
           if r["dtype"] == "bf16" and r["status"] == "run"}
    for arch in ("wormhole_b0", "blackhole"):
        for s in ("1x1x64x64", "2x1x96x128", "1x1x33x64", "1x1x256x64", "1x1x32x4096", "1x1x32x4192"):
            assert (arch, s) in ran
        programs = [ran[(arch, s)]["program_factory"] for s in ("1x1x64x64", "1x1x32x4096", "1x1x32x4192")]
        assert programs == [_C.program_factory_name(), _C.WSPLIT_PROGRAM_FACTORY, _C.STREAMING_PROGRAM_FACTORY]
        assert [ran[(arch, s)]["dram"]["reads_per_stick"] for s in ("1x1x64x64", "1x1x32x4096", "1x1x32x4192")] == [
            1, 1, 3]


def test_measured_dram_equals_analytic_and_minimum_formula(result):
    for r in result["rows"]:
        if r["status"] == "rejected":
            continue
        d, e = r["dram"], _e(r["dtype"])
        W = r["shape"][-1]
        n = r["elements"] // W
        # minimum = input once + output once + gamma and beta once per core used (W-split: per group of cores)
        assert d["minimum_bytes"] == 2 * n * W * e + _readers_of_gamma(r) * 2 * W * e
        assert d["analytic_written"] == n * W * e
        assert d["analytic_read"] >= d["reads_per_stick"] * n * W * e + _readers_of_gamma(r) * 2 * W * e
        assert d["analytic_bytes"] == d["analytic_read"] + d["analytic_written"]
        assert d["analytic_ratio"] == pytest.approx(d["analytic_bytes"] / d["minimum_bytes"], rel=1e-12)
        if r["status"] == "run":
            assert d["measured_written"] == n * W * e  # the output is written exactly once
            assert (d["measured_read"], d["measured_written"]) == (d["analytic_read"], d["analytic_written"])
            assert d["measured_ratio"] == pytest.approx(d["analytic_ratio"], rel=1e-12)
            assert d["ratio"] == d["measured_ratio"]
            assert d["ratio"] >= 1.0


def test_work_split_and_cores(result):
    for r in result["rows"]:
        if r["status"] == "rejected":
            continue
        n = r["elements"] // r["shape"][-1]
        assert r["tile_rows"] == -(-n // 32)
        assert 1 <= r["cores_used"] <= r["grid_cores"]
        assert r["cores_used"] <= r["tile_rows"] * (r["split"] if _wsplit(r) else 1)
        assert r["cores_used"] <= r["cores_in_program"] <= r["grid_cores"]
        assert r["tile_rows_per_core_mean"] * _readers_of_gamma(r) == pytest.approx(r["tile_rows"])
        assert r["tile_rows_per_core_mean"] <= r["tile_rows_per_core_max"] <= r["tile_rows"]
        assert r["problems"] == []
        if r["status"] == "run":
            assert r["run"]["cores_used"] == r["cores_in_program"]
        t = r["targets"]  # issue 12's
        assert t["dram_ratio_le_1_05"] == (r["dram"]["ratio"] <= 1.05)
        assert t["model_lt_unfused"] == (r["model_us"] < r["model_us_unfused"])
        assert t["cores_ge_32"] == ((r["cores_used"] >= 32) if r["arch"] == "wormhole_b0" and r["shape"] == [
            1, 1, 32, 4096] else None)
        tenth = r["shape"] in ([1, 1, 32, 4096], [1, 1, 32, 8192], [1, 1, 32, 32768])
        assert t["model_le_tenth_unfused"] == ((10 * r["model_us"] <= r["model_us_unfused"]) if tenth else None)


def test_l1(result):
    for r in result["rows"]:
        if r["status"] == "rejected":
            continue
        params = _C.ArchParams.by_name(r["arch"])
        assert params.l1_unreserved_base + r["l1_cb_bytes_per_core"] <= r["l1_high_water_analytic"] <= r["l1_size"]
        if r["status"] == "run":
            assert r["l1_high_water"] == r["l1_high_water_analytic"]


def test_unfused_chain_arithmetic(result):
    for r in result["rows"]:
        u, e = r["unfused"], _e(r["dtype"])
        shape = r["shape"]
        W, H = shape[-1], shape[-2]
        B = math.prod(shape[:-2])
        rm = r["elements"] * e
        tiled = B * (-(-H // 32) * 32) * (-(-W // 32) * 32) * e
        assert u["tile_rows"] == B * -(-H // 32)
        assert u["cores"] == min(r["grid_cores"], u["tile_rows"])
        assert u["bytes"] == 2 * rm + 4 * tiled + 2 * u["cores"] * (-(-W // 32) * 32) * e
        assert u["bytes"] == sum(s["read"] + s["written"] for s in u["steps"].values())
        assert u["minimum_bytes"] == 2 * rm + 2 * u["cores"] * W * e
        if r["status"] == "run":
            assert u["ratio"] > r["dram"]["ratio"]  # the fused op avoids two tiled round trips
    # By hand, 1x1x33x64 bf16: RM 4224 B, tiled 64x64x2 = 8192 B, 2 tile-rows on 2 cores.
    r = next(r for r in result["rows"] if r["shape"] == [1, 1, 33, 64] and r["dtype"] == "bf16")
    assert r["unfused"]["bytes"] == 2 * 4224 + 4 * 8192 + 2 * 2 * 64 * 2
    assert r["unfused"]["minimum_bytes"] == 2 * 4224 + 2 * 2 * 64 * 2


def test_model_fields(result):
    """Issue 12 item 5: every row carries the modelled times, the split and the model's choice; the op runs the
    first (fastest) modelled candidate; the JSON says the model is a floor and carries its calibration and sources."""
    m = result["model"]
    assert "FLOOR" in m["note"] and "not a promise" in m["note"]
    assert len(m["calibration"]["figures"]) >= 2
    for f in m["calibration"]["figures"]:
        assert abs(f["error"]) <= m["calibration"]["max_abs_error"] + 1e-12
    assert all(v["source"] for a in ("wormhole_b0", "blackhole") for v in m["constants"][a].values())
    for r in result["rows"]:
        assert r["model_us_unfused"] > 0
        assert [o["program"] for o in r["model"]["unfused"]] in (["layout", "ln", "layout"],
                                                                 ["layout", "ln_large", "layout"])
        if r["status"] == "rejected":
            continue
        assert r["model_us"] > 0 and r["split"] >= 1
        cands = r["model"]["candidates"]
        key = r["program_factory"] + (f" S={r['split']}" if _wsplit(r) else "")
        assert key in cands and cands[key]["us"] == r["model_us"]
        # The op runs the first candidate: the lowest modelled time, or a one-read program within the model's error of
        # a faster streaming one, or the row-resident program before a W-split within that error taken on each of the
        # two, a factor (1 + e) / (1 - e).
        best = next(iter(cands))
        assert key == best and r["model_choice"] == r["program_factory"]
        lowest = min(cands, key=lambda k: cands[k]["us"])
        low = cands[lowest]
        e = _C.model.MODEL_ERROR
        assert best == lowest or (lowest.startswith(_C.STREAMING_PROGRAM_FACTORY) and
                                  r["model_us"] <= low["us"] * (1 + e)) or (
            best == _C.program_factory_name() and lowest.startswith(_C.WSPLIT_PROGRAM_FACTORY) and
            r["model_us"] <= low["us"] * (1 + e) / (1 - e))
        assert r["model"]["chosen"] == cands[best]


def test_descriptor_facts_of_a_wsplit_program_equal_the_emulators():
    """W-split (forced, S = 4): every core reads and writes its slice of the sticks, gamma and beta once per group;
    the bench's analytic DRAM bytes equal the emulator's and the minimum counts gamma and beta once per group."""
    import torch
    import ttnn

    from layernorm_fused_rm import create_program_descriptor

    shape, S = [1, 1, 64, 512], 4
    conv = lambda t: ttnn.from_torch(t.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)  # noqa
    g = torch.Generator().manual_seed(3)
    x, gamma, beta = conv(torch.randn(shape, generator=g)), conv(torch.randn(512, generator=g)), conv(
        torch.randn(512, generator=g))
    kw = {"program_factory": _C.WSPLIT_PROGRAM_FACTORY, "wsplit_cores_per_row": S}
    desc = create_program_descriptor(x, gamma, beta, **kw)
    facts = bench.descriptor_facts(desc, _C.ArchParams.by_name("wormhole_b0"), shape, 2, 2, 2, 2)
    _, stats = ttnn.layernorm_fused_rm(x, gamma, beta, return_stats=True, **kw)
    assert facts["problems"] == [] and facts["split"] == S and facts["cores_used"] == 2 * S
    assert (facts["analytic_read"], facts["analytic_written"]) == (stats["dram_bytes_read"],
                                                                   stats["dram_bytes_written"])
    assert facts["minimum_bytes"] == 64 * 512 * 2 * 2 + 2 * 2 * 512 * 2  # 2 groups, each gamma and beta once
    assert facts["analytic_read"] + facts["analytic_written"] == facts["minimum_bytes"]


def test_table_has_one_line_per_row_and_names_rejections():
    result = bench.run_bench(archs=["wormhole_b0"], dtypes=["bf16", "fp32"], shapes=[[1, 1, 32, 64]],
                             max_elements=0, repeats=1, builds=1)
    text = bench.format_table(result)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["arch", "dtype", "shape"]
    body = [ln for ln in lines[2:] if ln.startswith("wormhole_b0")]
    assert len(body) == 2
    for r, ln in zip(result["rows"], body):
        assert r["status"] in ("not run", "rejected")  # max_elements=0: nothing runs
        assert r["message"] in ln
    assert "to_layout(TILE) -> ttnn.layer_norm -> to_layout(ROW_MAJOR)" in text
    assert "FLOOR" in text and "not a promise" in text and "calibration error" in text


def test_parse_shape():
    assert bench.parse_shape("1x1x32x4096") == [1, 1, 32, 4096]
    assert bench.parse_shape("[8, 1, 128, 768]") == [8, 1, 128, 768]
    assert bench.parse_shape("4,128") == [4, 128]
    for bad in ("", "1xx", "0x32", "ax32"):
        with pytest.raises(ValueError):
            bench.parse_shape(bad)


def test_cli_rejects_bad_arguments():
    # The entry point itself once (a process of its own: exit status 2), the other rejections in this process
    # (argparse's error exits with SystemExit(2)); each extra process costs ~2.5 s of the suite's time importing ttnn.
    proc = subprocess.run([sys.executable, "-m", "layernorm_fused_rm", "bench", "--shapes", "1xq"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    from layernorm_fused_rm.__main__ import main

    for argv in (["bench", "--arch", "grayskull"], ["bench", "--dtype", "int8"], ["bench", "--repeats", "0"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2, argv
