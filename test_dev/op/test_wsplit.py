# SPDX-License-Identifier: Apache-2.0
"""The W-split program (issue 12, item 2): every tile-row split over S cores that exchange per-slice statistics
(round 1), each combine the rows they own and send them back (round 2). Accuracy against torch float64 with the
stage-7 bounds, and against the row-resident program (not bit-identical: the row sums are reduced per slice and
combined by the two-pass sum form); every row's own statistics on every core; DRAM bytes = the minimum; the default
choice of S and cores; validation of a forced S. float32 input runs the precise W-split kernel: the float32 target of
test_accuracy.py (3e-7 of each row's largest |output|), also on rows whose |mean| / std is large and on rows whose
first element is an outlier (each slice is centred on its first element x0 and the exchange carries each slice mean
as an fp32 pair x0 + mean of x - x0, combined relative to slice 0's mean). bfloat16 input with fp32 DEST (the op's
default config) runs the same precise kernel and meets the shifted kernels' bound."""

from __future__ import annotations

import struct

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C
from _compare import bf16_ulp, error_bound, report
from layernorm_fused_rm.accuracy import row_errors
from test_accuracy import FP32_TARGET
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


def test_decode_row_splits_over_64_cores_and_reads_each_byte_once():
    # Forced: the staged gates fix the default program of such shapes (select_program_factory's comment). The model's
    # S: 64 (test_selection_rule), all of Wormhole's 8 x 8 grid.
    shape = [1, 1, 32, 4096]
    x, gamma, beta = _inputs(shape, 7)
    y, stats = _run(x, gamma, beta, program_factory=WSPLIT)
    assert stats["cores_used"] == 64
    r = report(y, layernorm_fused_rm.golden(x, gamma, beta, 1e-5))
    assert r["pcc"] >= 0.9999 and r["max_ulp_at_scale"] <= 4.0, r
    # Each row read once, each core reading its own slice of gamma and beta: the minimum.
    assert stats["dram_bytes_read_per_tensor"] == {"input": 32 * 4096 * 2, "gamma": 4096 * 2, "beta": 4096 * 2}
    assert stats["dram_bytes_written"] == 32 * 4096 * 2
    desc = layernorm_fused_rm.create_program_descriptor(_host(x), _host(gamma), _host(beta), program_factory=WSPLIT)
    assert desc.program_factory == WSPLIT
    assert len(desc.semaphores) == 2  # the tile exchange's one round, by tile-row parity


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

    # By hand, 1x1x32x4096 on Wormhole (one tile-row, the precise kernel: fp32 DEST by default), tile steps per core
    # (device model): 10 per tile of the slice (Ws = 128 / S), 2 per output section of 2 tiles, 13 per tile-row, and the
    # combine on the compute core (wsplit_combine_steps: 46 for one group of 32 slots, 65 for two): S = 64 2 x 10 + 2 +
    # 13 + 65 = 100 steps (33.2 us), S = 32 40 + 4 + 13 + 46 = 103 (34.2 us), S = 16 80 + 8 + 13 + 46 = 147 (48.9 us);
    # the exchange is one round's flight (0.2-0.3 us). S = 64 is the fastest.
    assert chosen([1, 1, 32, 4096]) == 64
    for shape in ([1, 1, 96, 1024], [1, 1, 2048, 512], [1, 1, 2048, 4096]):
        assert chosen(shape) >= 2
    assert chosen([1, 1, 32, 32]) == 0  # Wt = 1: nothing to split
    assert chosen([1, 1, 32, 4096], ttnn.float32) >= 2
    # float32 pages: at W = 4096 (gamma and beta given) slices of 64 float32 tiles need about 1.9 MB of CBs
    # unchunked, more than Wormhole's free L1, and fit with the row-major staging in chunks (test_wsplit_chunked.py);
    # at W = 65536, S = 2 not even 1-tile chunks fit beside the 1024 resident tiles of c_1, c_6, c_7.
    def unusable(S, dtype, W=4096):
        t = ttnn.from_torch(torch.zeros(1, 1, 64, W), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
        g = ttnn.from_torch(torch.zeros(W), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
        p = layernorm_fused_rm._op._Prepared(t, g, g, 1e-5, None, None)
        return _C.wsplit_unusable(p.attrs, p.tensor_args(), S)

    assert unusable(2, ttnn.float32) == "" and unusable(2, ttnn.bfloat16) == ""
    assert "slices of 1024 tiles staged in chunks of 1 need" in unusable(2, ttnn.float32, 65536)
    assert unusable(4, ttnn.float32) == ""
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


def test_forced_float32_wsplit_needs_fp32_dest():
    x = ttnn.from_torch(torch.randn(1, 1, 32, 256), dtype=ttnn.float32, layout=ttnn.ROW_MAJOR_LAYOUT)
    cfg = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=False)
    with pytest.raises(ValueError, match="FLOAT32 input_tensor needs compute_kernel_config.fp32_dest_acc_en = True"):
        ttnn.layernorm_fused_rm(x, program_factory=WSPLIT, wsplit_cores_per_row=2, compute_kernel_config=cfg)


def _host32(t):
    return None if t is None else ttnn.from_torch(t.float(), dtype=ttnn.float32, layout=ttnn.ROW_MAJOR_LAYOUT)


def _run32(x, gamma, beta, S, **kw):
    y, stats = ttnn.layernorm_fused_rm(_host32(x), _host32(gamma), _host32(beta), program_factory=WSPLIT,
                                       wsplit_cores_per_row=S, return_stats=True, **kw)
    assert y.dtype == ttnn.float32
    return ttnn.to_torch(y).double(), stats


# float32 cases: a partial tile-row and a partial last tile (33 x 100), S up to 64 (S = 9: non-owner cores in the
# distributed combine), gamma / beta given or not, rows m + s * randn with |m| / s <= 1 (stage-7's 3 randn - 1, and
# test_accuracy's m = 0) and with a large mean against the spread (test_accuracy's m / s = 300 and 1e4): the slice
# means travel as fp32 pairs x0 + m and are combined relative to slice 0's mean, so the row mean keeps fp32 accuracy
# of the spread, not of |mean| (sent as one fp32 value each, such rows are off by ~1e-5 (m / s = 300) to ~1e-3 (1e4)
# of the row scale).
FP32_CASES = [
    ([1, 1, 33, 100], 4, True, -1.0, 3.0),
    ([1, 1, 32, 1024], 8, True, -1.0, 3.0),
    ([2, 2, 512], 16, False, -1.0, 3.0),
    ([33, 1024], 2, True, 0.0, 1.0),
    ([1, 1, 64, 4096], 64, False, 0.0, 1.0),
    ([2, 16384], 16, True, 0.0, 1.0),
    ([33, 1024], 4, True, 300.0, 1.0),
    ([33, 288], 9, False, 300.0, 1.0),
    ([1, 1, 33, 100], 4, False, 1e4, 1.0),
    ([2, 16384], 64, True, 1e4, 1.0),
]


@pytest.mark.parametrize("shape,S,affine,m,s", FP32_CASES,
                         ids=lambda v: "x".join(map(str, v)) if isinstance(v, list) else str(v))
def test_forced_float32_wsplit_meets_the_precise_bound(shape, S, affine, m, s):
    g = torch.Generator().manual_seed(sum(shape) + S)
    w = shape[-1]
    x = m + s * torch.randn(shape, generator=g)
    gamma = torch.randn(w, generator=g) if affine else None
    beta = torch.randn(w, generator=g) if affine else None
    y, stats = _run32(x, gamma, beta, S)
    ref = layernorm_fused_rm.golden(x, gamma, beta, 1e-5)
    # The float32 target of test_accuracy.py and the precise kernels' per-element bound (_compare.error_bound).
    assert float(row_errors(y, ref, "float32").max()) <= FP32_TARGET
    assert ((y - ref).abs() <= error_bound(x, gamma, beta)).all()
    rows = x.numel() // w
    assert stats["cores_used"] == S * min((rows + 31) // 32, 64 // S)
    # Each input byte read once, each output byte written once; gamma / beta once per group (each core its slice).
    groups = stats["cores_used"] // S
    expect = {"input": x.numel() * 4}
    if affine:
        expect.update(gamma=groups * w * 4, beta=groups * w * 4)
    assert stats["dram_bytes_read_per_tensor"] == expect
    assert stats["dram_bytes_written"] == x.numel() * 4


def test_float32_wsplit_64_slices():
    # S = 64 slices (the most on Wormhole), 16384 columns: the combine sums 64 partial M2s per row, two groups of 32
    # slots, each summed by sfpu_reduce's tree. Measured over seeds 1..8 of these inputs: 1.4e-7 to 2.2e-7 of the row
    # scale (the writer's soft-float combine before it, pairwise sums and a corrected mean: 1.1e-7 to 1.5e-7; its
    # compensated (Neumaier) sum earlier: 1.4e-7 to 2.2e-7); the streaming precise program: 1.7e-7 on seed 1.
    g = torch.Generator().manual_seed(1)
    x = torch.randn(1, 1, 32, 16384, generator=g)
    gamma, beta = torch.randn(16384, generator=g), torch.randn(16384, generator=g)
    y, stats = _run32(x, gamma, beta, 64)
    assert stats["cores_used"] == 64
    assert float(row_errors(y, layernorm_fused_rm.golden(x, gamma, beta, 1e-5), "float32").max()) <= FP32_TARGET


def test_float32_wsplit_program_configuration():
    # The precise W-split kernel's silicon assumptions, as the descriptor states them: HiFi4 whatever the caller
    # asked, the Float32 CBs copied or broadcast into DEST marked UnpackToDestFp32, c_24 (the bf16 parts of a
    # row-sum tile, read by reduce through SrcB) and c_26 (the partials m hi, m lo, M2, only packed) not marked;
    # float32 pages (c_27: 3, the inverse std and the mean's two parts); the writer told to run the tile exchange.
    x = _host32(torch.zeros(1, 1, 32, 512))
    cfg = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.LoFi, fp32_dest_acc_en=True)
    desc = layernorm_fused_rm.create_program_descriptor(x, program_factory=WSPLIT, wsplit_cores_per_row=4,
                                                        compute_kernel_config=cfg)
    (k,) = [k for k in desc.kernels if k.is_compute]
    assert k.kernel_source.endswith("/layernorm_fused_rm_precise_wsplit.cpp")
    assert k.config.math_fidelity == _C.MathFidelity.HiFi4
    fp32 = _C.UnpackToDestMode.UnpackToDestFp32
    assert [i for i, md in enumerate(k.config.unpack_to_dest_mode) if md == fp32] == [0, 1, 4, 5, 6, 7, 25, 27]
    cbs = {fd.buffer_index: (cb.total_size // fd.page_size, fd.data_format)
           for cb in desc.cbs for fd in cb.format_descriptors}
    f32, bf16 = _C.DataFormat.Float32, _C.DataFormat.Float16_b
    assert cbs[0] == (4, f32) and cbs[1] == (4, f32) and cbs[16] == (4, f32)
    assert cbs[24] == (3, bf16) and cbs[26] == (3, f32) and cbs[27] == (3, f32)
    assert cbs[25] == (2 * 5, f32)  # two halves of the S = 4 slots' hi, lo, M2 tiles and the weight and count tiles
    (wr,) = [k for k in desc.kernels if k.kernel_source.endswith("writer_layernorm_fused_rm_wsplit.cpp")]
    assert wr.compile_time_args[10] == 1  # wsplit_writer_ct_args::tile_exchange
    assert k.compile_time_args[_C.wsplit_compute_ct_args.fp32_input] == 1
    assert k.compile_time_args[_C.wsplit_compute_ct_args.exchange_pages] == 5
    assert len(desc.semaphores) == 2  # one round, by tile-row parity


BF16_OFFSETS = [(0.0, 1.0), (30.0, 1.0), (256.0, 8.0), (300.0, 1.0)]  # (m, s): rows m + s randn, |m| / s up to 300


@pytest.mark.parametrize("m,s", BF16_OFFSETS, ids=[f"m{m:g}s{s:g}" for m, s in BF16_OFFSETS])
def test_default_config_wsplit_meets_the_shifted_bound(m, s):
    # bfloat16 with fp32 DEST (the op's default, the shifted family) runs the precise W-split kernel: within the
    # shifted kernels' contract (README: 0.50 bf16 ULP of each row's largest |output|, PCC >= 0.999998) on offset rows,
    # for several S, and no worse than the row-resident shifted program (the FPU W-split kernel measured 13 ULPs on
    # 256 + 8 randn). 0.5 ULP is the output's own rounding; 1e-3 leaves room for fp32 roundings at a midpoint.
    g = torch.Generator().manual_seed(int(m) + 7)
    x = (m + s * torch.randn(33, 1024, generator=g)).to(torch.bfloat16)
    gamma, beta = torch.randn(1024, generator=g).to(torch.bfloat16), torch.randn(1024, generator=g).to(torch.bfloat16)
    ref = layernorm_fused_rm.golden(x, gamma, beta, 1e-5)
    y_rr, _ = _run(x, gamma, beta, program_factory=RESIDENT)
    shifted = float(row_errors(y_rr, ref, "bfloat16").max())
    for S in (2, 8, 32):
        y, _ = _run(x, gamma, beta, program_factory=WSPLIT, wsplit_cores_per_row=S)
        err = float(row_errors(y, ref, "bfloat16").max())
        assert err <= 0.5 + 1e-3 and err <= shifted + 1e-3, (S, err, shifted)
        assert report(y, ref)["pcc"] >= 0.999998


@pytest.mark.parametrize("fp32_dest", [True, False], ids=["fp32_dest", "fp16_dest"])
def test_bf16_wsplit_kernel_follows_the_config(fp32_dest):
    # bfloat16 input: fp32 DEST runs the precise W-split kernel (HiFi4; only the Float32 statistics CBs c_25, c_27
    # marked UnpackToDestFp32: bf16 CBs pass the source registers exactly; bf16 row CBs; 2 bf16 parts per row sum in
    # c_24; Float32 partials, 3 pages; the writer runs the tile exchange, the compute kernel combines and adds eps, a
    # runtime arg); a 16-bit DEST runs the FPU W-split kernel (the writer's soft-float exchange, two rounds).
    x = _host(torch.zeros(1, 1, 32, 512))
    cfg = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.LoFi, fp32_dest_acc_en=fp32_dest)
    desc = layernorm_fused_rm.create_program_descriptor(x, program_factory=WSPLIT, wsplit_cores_per_row=4,
                                                        compute_kernel_config=cfg)
    (k,) = [k for k in desc.kernels if k.is_compute]
    (wr,) = [k for k in desc.kernels if k.kernel_source.endswith("writer_layernorm_fused_rm_wsplit.cpp")]
    tiles = wr.compile_time_args[_C.wsplit_writer_ct_args.tile_exchange]
    cbs = {fd.buffer_index: (cb.total_size // fd.page_size, fd.data_format)
           for cb in desc.cbs for fd in cb.format_descriptors}
    bf16 = _C.DataFormat.Float16_b
    assert cbs[0] == (4, bf16) and cbs[1] == (4, bf16) and cbs[16] == (4, bf16)
    if not fp32_dest:
        assert k.kernel_source.endswith("/layernorm_fused_rm_wsplit.cpp") and tiles == 0
        assert len(desc.semaphores) == 4  # round 1 and round 2, each by tile-row parity
        return
    assert k.kernel_source.endswith("/layernorm_fused_rm_precise_wsplit.cpp") and tiles == 1
    assert k.config.math_fidelity == _C.MathFidelity.HiFi4
    fp32 = _C.UnpackToDestMode.UnpackToDestFp32
    assert [i for i, md in enumerate(k.config.unpack_to_dest_mode) if md == fp32] == [25, 27]
    f32 = _C.DataFormat.Float32
    assert cbs[24] == (2, bf16) and cbs[26] == (3, f32) and cbs[27] == (2, f32)
    assert k.compile_time_args[_C.wsplit_compute_ct_args.fp32_input] == 0
    eps = struct.unpack("<I", struct.pack("<f", 1e-5))[0]
    assert all(a[_C.wsplit_compute_rt_args.eps_bits] == eps for _, a in k.runtime_args)


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


OUTLIER_CASES = [(1024, 2), (1024, 8), (2048, 64)]


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
@pytest.mark.parametrize("W,S", OUTLIER_CASES, ids=[f"W{w}-S{s}" for w, s in OUTLIER_CASES])
def test_first_element_outlier(dtype, W, S):
    """The precise W-split kernel centres each slice on its own first element x0 and combines the slice means
    relative to slice 0's mean: rows whose first element is an outlier (1e4 in a row of randn; on odd rows also
    -3e3 first in the slice at W / 2) make x - x0 large for the rest of the slice and slot 0's x0 far from the row's
    mean. Against torch float64: float32 within the float32 target (3e-7 of the row scale) and the precise per-element
    bound; bfloat16 within the default config's bound (0.5 ULP + 1e-3 of the row scale, no worse than the row-resident
    shifted program). Combined relative to slot 0's x0 instead (the outlier itself), float32 measured up to 1.3e-6."""
    g = torch.Generator().manual_seed(W + S)
    x = torch.randn(33, W, generator=g)
    x[:, 0] = 1e4
    x[1::2, W // 2] = -3e3
    gamma, beta = torch.randn(W, generator=g), torch.randn(W, generator=g)
    if dtype == "float32":
        y, _ = _run32(x, gamma, beta, S)
        ref = layernorm_fused_rm.golden(x, gamma, beta, 1e-5)
        assert float(row_errors(y, ref, "float32").max()) <= FP32_TARGET
        assert ((y - ref).abs() <= error_bound(x, gamma, beta)).all()
        return
    x, gamma, beta = x.to(torch.bfloat16), gamma.to(torch.bfloat16), beta.to(torch.bfloat16)
    ref = layernorm_fused_rm.golden(x, gamma, beta, 1e-5)
    y, _ = _run(x, gamma, beta, program_factory=WSPLIT, wsplit_cores_per_row=S)
    y_rr, _ = _run(x, gamma, beta, program_factory=RESIDENT)
    err, shifted = float(row_errors(y, ref, "bfloat16").max()), float(row_errors(y_rr, ref, "bfloat16").max())
    assert err <= 0.5 + 1e-3 and err <= shifted + 1e-3, (err, shifted)
    assert report(y, ref)["pcc"] >= 0.999998
