# SPDX-License-Identifier: Apache-2.0
"""The W-split program (issue 12, item 2): every tile-row split over S cores that exchange per-slice statistics
(round 1), each combine the rows they own and send them back (round 2). Accuracy against torch float64 with the
stage-7 bounds, and against the row-resident program (not bit-identical: the row sums are reduced per slice and
combined by the two-pass sum form); every row's own statistics on every core; DRAM bytes = the minimum; the default
choice of S and cores; validation of a forced S."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C
from _compare import bf16_ulp, report
from test_stage7_kernel_correctness import SHAPES

WSPLIT = _C.WSPLIT_PROGRAM_FACTORY
RESIDENT = _C.program_factory_name()


def _host(t):
    return ttnn.from_torch(t.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)


def _inputs(shape, seed):
    g = torch.Generator().manual_seed(seed)
    w = shape[-1]
    x = (torch.randn(shape, generator=g) * 2 + 0.5).to(torch.bfloat16)
    return x, torch.randn(w, generator=g).to(torch.bfloat16), torch.randn(w, generator=g).to(torch.bfloat16)


def _run(x, gamma, beta, **kw):
    y, stats = ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta), return_stats=True, **kw)
    return ttnn.to_torch(y), stats


def _wt(shape):
    return (shape[-1] + 31) // 32


CASES = [(s, S) for s in SHAPES + [[1, 1, 33, 100]] for S in (2, 4, 8, 16) if _wt(s) % S == 0]
CASES += [([1, 1, 32, 2048], 64), ([1, 1, 64, 4096], 64)]


@pytest.mark.parametrize("shape,S", CASES, ids=lambda v: "x".join(map(str, v)) if isinstance(v, list) else f"S{v}")
def test_forced_wsplit_meets_the_row_resident_bounds(shape, S):
    x, gamma, beta = _inputs(shape, sum(shape) + S)
    y, stats = _run(x, gamma, beta, program_factory=WSPLIT, wsplit_cores_per_row=S)
    ref = layernorm_fused_rm.golden(x, gamma, beta, 1e-5)
    r = report(y, ref)
    assert y.dtype == torch.bfloat16 and torch.isfinite(y.double()).all()
    # The stage-7 gate's bounds (test_stage7_kernel_correctness._check).
    assert r["pcc"] >= 0.9999, r
    assert r["max_ulp_at_scale"] <= 4.0, r
    rows = x.numel() // shape[-1]
    tile_rows = (rows + 31) // 32
    assert stats["cores_used"] == S * min(tile_rows, 64 // S), stats["cores_used"]
    # Against the row-resident program (streaming where rows do not fit it): a different reduction order, within 2
    # bf16 ULPs of the output scale.
    y_rr, _ = _run(x, gamma, beta, program_factory=RESIDENT if shape[-1] <= 2048 else _C.STREAMING_PROGRAM_FACTORY)
    diff = float((y.double() - y_rr.double()).abs().max())
    assert diff <= 2 * float(bf16_ulp(ref.abs().max())), (diff, r)


def test_decode_row_uses_the_whole_grid_and_reads_each_byte_once():
    # Forced: the staged gates fix the default program of such shapes (select_program_factory's comment).
    shape = [1, 1, 32, 4096]
    x, gamma, beta = _inputs(shape, 7)
    y, stats = _run(x, gamma, beta, program_factory=WSPLIT)
    assert stats["cores_used"] >= 32, stats["cores_used"]
    assert stats["cores_used"] == 64
    r = report(y, layernorm_fused_rm.golden(x, gamma, beta, 1e-5))
    assert r["pcc"] >= 0.9999 and r["max_ulp_at_scale"] <= 4.0, r
    # Each row read once, each core reading its own slice of gamma and beta: the minimum.
    assert stats["dram_bytes_read_per_tensor"] == {"input": 32 * 4096 * 2, "gamma": 4096 * 2, "beta": 4096 * 2}
    assert stats["dram_bytes_written"] == 32 * 4096 * 2
    desc = layernorm_fused_rm.create_program_descriptor(_host(x), _host(gamma), _host(beta), program_factory=WSPLIT)
    assert desc.program_factory == WSPLIT
    assert len(desc.semaphores) == 4  # round 1 and round 2, each by tile-row parity


def test_decode_row_on_blackhole_uses_32_cores(monkeypatch):
    monkeypatch.setenv(layernorm_fused_rm._op.ARCH_ENV, "blackhole")
    shape = [1, 1, 32, 4096]
    x, gamma, beta = _inputs(shape, 8)
    y, stats = _run(x, gamma, beta, program_factory=WSPLIT)
    # 13 x 10 grid, but a multicast rectangle may not straddle the NOC columns 8, 9 between logical columns 6 and 7:
    # S = 64 has no such rectangle, S = 32 does (4 x 8).
    assert stats["arch"] == "blackhole" and stats["cores_used"] == 32
    r = report(y, layernorm_fused_rm.golden(x, gamma, beta, 1e-5))
    assert r["pcc"] >= 0.9999 and r["max_ulp_at_scale"] <= 4.0, r


def test_several_tile_rows_per_group_alternate_the_two_semaphores():
    # 4 x 2 grid, S = 4: 2 groups, 5 tile-rows each (both parities, each used more than once); last tile-row partial.
    shape = [1, 1, 300, 256]
    x, gamma, beta = _inputs(shape, 9)
    y, stats = _run(x, gamma, beta, program_factory=WSPLIT, wsplit_cores_per_row=4, core_grid=ttnn.CoreGrid(y=2, x=4))
    assert stats["cores_used"] == 8
    r = report(y, layernorm_fused_rm.golden(x, gamma, beta, 1e-5))
    assert r["pcc"] >= 0.9999 and r["max_ulp_at_scale"] <= 4.0, r


def test_without_gamma_and_beta():
    x, _, _ = _inputs([1, 1, 32, 200], 10)
    y = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), program_factory=WSPLIT, wsplit_cores_per_row=7))
    r = report(y, layernorm_fused_rm.golden(x, None, None, 1e-5))
    assert r["pcc"] >= 0.9999 and r["max_ulp_at_scale"] <= 4.0, r


def test_selection_rule():
    """The W-split forced without wsplit_cores_per_row takes the S of the model's fastest W-split candidate."""
    def chosen(shape, dtype=ttnn.bfloat16):
        t = ttnn.from_torch(torch.zeros(shape), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
        g = ttnn.from_torch(torch.zeros(shape[-1]), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
        p = layernorm_fused_rm._op._Prepared(t, g, g, 1e-5, None, None)
        s = _C.wsplit_cores_per_row(p.attrs, p.tensor_args())
        ws = [c for c in _C.model.candidates(p.attrs, p.tensor_args()) if c["factory"] == WSPLIT]
        assert s == (min(ws, key=lambda c: c["us"])["split"] if ws else 0)
        if s:  # the forced program takes the same S
            d = layernorm_fused_rm.create_program_descriptor(t, g, g, program_factory=WSPLIT)
            assert d.kernels[2].compile_time_args[3] == s
        return s

    # By hand, 1x1x32x4096 on Wormhole (one tile-row, compute-bound): S = 64 (8 x 8) takes 2 x 8 + 4 + 2 = 22 tile
    # steps (x 332 cycles), a combine of 64 x 7 x 20 cycles and 2 flights of 2 x (10 + 9 x 14): 16.8 us; S = 32 takes
    # 42 steps, 32 x 7 x 20 and 2 x 2 x (10 + 9 x 10): 18.8 us; fewer cores take longer still.
    assert chosen([1, 1, 32, 4096]) == 64
    for shape in ([1, 1, 96, 1024], [1, 1, 2048, 512], [1, 1, 2048, 4096]):
        assert chosen(shape) >= 2
    assert chosen([1, 1, 32, 32]) == 0  # Wt = 1: nothing to split
    assert chosen([1, 1, 32, 4096], ttnn.float32) == (0 if _C.wsplit_unusable(
        _C.OperationAttributes(), _C.TensorArgs(_C.TensorDesc(shape=[32, 4096], dtype=_C.DType.FLOAT32)), 0) else 64)
    x = ttnn.from_torch(torch.zeros(1, 1, 32, 32), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)
    with pytest.raises(ValueError, match="found no cores per tile-row S for W = 32"):
        layernorm_fused_rm.create_program_descriptor(x, program_factory=WSPLIT)


@pytest.mark.parametrize(
    "kw,fragment",
    [
        (dict(program_factory=WSPLIT, wsplit_cores_per_row=3), "wsplit_cores_per_row must be a divisor >= 2 of Wt"),
        (dict(wsplit_cores_per_row=2), "wsplit_cores_per_row = 2 needs program_factory"),
        (dict(program_factory=WSPLIT, wsplit_cores_per_row=128), "no rectangle of that many cores fits"),
    ],
)
def test_forced_split_is_validated(kw, fragment):
    x, gamma, beta = _inputs([1, 1, 32, 4096], 11)
    if kw.get("wsplit_cores_per_row") == 128:
        x, gamma, beta = _inputs([1, 1, 32, 8192], 11)
    with pytest.raises(ValueError, match=fragment):
        ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta), **kw)


def test_forced_wsplit_refuses_float32_input():
    x = ttnn.from_torch(torch.randn(1, 1, 32, 256), dtype=ttnn.float32, layout=ttnn.ROW_MAJOR_LAYOUT)
    with pytest.raises(ValueError, match="takes BFLOAT16 input_tensor only"):
        ttnn.layernorm_fused_rm(x, program_factory=WSPLIT, wsplit_cores_per_row=2)


def test_program_cache_hit_rewrites_the_addresses():
    layernorm_fused_rm.clear_program_cache()
    x1, g1, b1 = _inputs([1, 1, 32, 512], 12)
    x2, g2, b2 = _inputs([1, 1, 32, 512], 13)
    y1, s1 = _run(x1, g1, b1, program_factory=WSPLIT, wsplit_cores_per_row=4)
    y2, s2 = _run(x2, g2, b2, program_factory=WSPLIT, wsplit_cores_per_row=4)
    assert not s1["program_cache_hit"] and s2["program_cache_hit"]
    assert report(y2, layernorm_fused_rm.golden(x2, g2, b2, 1e-5))["max_ulp_at_scale"] <= 4.0


# (W, S, rows, core grid): S = 3 (R = 11: owners of 11, 11 and 10 rows), S = 9 (R = 4: 8 owners, core 8 owns none),
# S = 64 (R = 1: cores 32..63 own none); the small grids give one group several tile-rows (both parities, reused).
DISTRIBUTION = [(256, 2, 96, (2, 1)), (288, 3, 100, (3, 1)), (512, 4, 64, None), (288, 9, 64, None),
                (512, 16, 64, None), (2048, 64, 64, None)]


@pytest.mark.parametrize("W,S,rows,grid", DISTRIBUTION, ids=[f"W{w}-S{s}" for w, s, _, _ in DISTRIBUTION])
def test_distributed_combine_gives_every_row_its_own_statistics(W, S, rows, grid):
    """Each core combines only the rows it owns and every core copies all 32 rows' statistics from the owners: rows
    with very different means and spreads, so a row normalized with another row's statistics, or a slice whose core
    got stale or missing statistics, is off by many ULPs. Checked per row and per slice (each slice is one core's
    output) against torch float64, within the bound the row-resident program meets on the same input."""
    g = torch.Generator().manual_seed(W + S)
    off = torch.linspace(-3, 3, rows).reshape(rows, 1)[torch.randperm(rows, generator=g)]
    sd = torch.linspace(0.5, 4.0, rows).reshape(rows, 1)[torch.randperm(rows, generator=g)]
    x = (off + sd * torch.randn(rows, W, generator=g)).reshape(1, 1, rows, W).to(torch.bfloat16)
    kw = {"core_grid": ttnn.CoreGrid(x=grid[0], y=grid[1])} if grid else {}
    y = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), program_factory=WSPLIT, wsplit_cores_per_row=S, **kw))
    y_rr = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), program_factory=RESIDENT))
    ref = layernorm_fused_rm.golden(x, None, None, 1e-5).double().reshape(rows, W)
    row_ulp = bf16_ulp(ref.abs().amax(-1, keepdim=True))
    # [rows, S]: each core's slice of each row, in ULPs of the row's output scale
    per_slice = ((y.double().reshape(rows, W) - ref).abs() / row_ulp).reshape(rows, S, W // S).amax(-1)
    per_slice_rr = ((y_rr.double().reshape(rows, W) - ref).abs() / row_ulp).reshape(rows, S, W // S).amax(-1)
    assert float(per_slice.max()) <= 4.0, (per_slice.max(), per_slice_rr.max())
    assert float(per_slice_rr.max()) <= 4.0, per_slice_rr.max()
    r = report(y, ref.reshape(y.shape))
    assert r["pcc"] >= 0.9999, r
