# SPDX-License-Identifier: Apache-2.0
"""W-split staging in chunks (issue 12: every bench shape reads its input once). Only the tilized slice (c_1) and the
gamma / beta tiles (c_6, c_7, placed by the reader) stay resident for a tile-row; the row-major staging (c_0 input
sticks, the reader's c_4 / c_5 gamma / beta, c_16 output sticks) moves Bc tiles' width at a time: wsplit_chunk_tiles, by default the widest divisor of the
slice width Ws = Wt / S whose circular buffers fit L1 (Ws where the unchunked slice fits). Chunking changes where the
row-major bytes wait, not the math: every kernel family gives the unchunked result bit for bit, so the accuracy
bounds of test_wsplit.py carry over; they are checked again here on slices whose staging must be chunked. Blackhole
float32 1x1x128x65536 (S at most 32 there) ran the 3-read streaming program before; it now runs the W-split."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C, _op, device_model as dm
from _compare import error_bound, report
from layernorm_fused_rm.accuracy import row_errors
from test_accuracy import FP32_TARGET

WSPLIT = _C.WSPLIT_PROGRAM_FACTORY
STAGING = (0, 4, 5, 16)  # c_0, c_4, c_5, c_16: one chunk
RESIDENT = (1, 6, 7)  # c_1, c_6, c_7: the whole slice


def _host(t, dtype):
    if t is None:
        return None
    return ttnn.from_torch(t.to(torch.float32 if dtype == ttnn.float32 else torch.bfloat16), dtype=dtype,
                           layout=ttnn.ROW_MAJOR_LAYOUT)


def _pages(desc):
    return {fd.buffer_index: cb.total_size // fd.page_size for cb in desc.cbs for fd in cb.format_descriptors}


def _cb_bytes(desc):
    return sum(cb.total_size for cb in desc.cbs)


def _run(x, gamma, beta, dtype, cfg=None, **kw):
    h = lambda t: _host(t, dtype)  # noqa: E731
    y, stats = ttnn.layernorm_fused_rm(h(x), h(gamma), h(beta), program_factory=WSPLIT, return_stats=True,
                                       compute_kernel_config=cfg, **kw)
    return ttnn.to_torch(y), stats


def _cfg(fp32_dest):
    return ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=fp32_dest)


# 65 x 570: 3 tile-rows (the last partial), Wt = 18, S = 2: slices of Ws = 9 tiles, the last ending in a partial tile
# (570 = 17 x 32 + 26). Kernel families: float32 (precise kernel; also rows with |mean| / std = 1e4, where the slice
# sum m1 would take stale columns past W if the reader did not zero them), bfloat16 with fp32 DEST (precise kernel)
# and with a 16-bit DEST (FPU kernel, whose gamma + beta path differs when chunked); gamma / beta given or not.
BIT_CASES = [
    (ttnn.float32, True, 0.0, (True, True), (3,)),
    (ttnn.float32, True, 1e4, (True, True), (3,)),
    (ttnn.float32, True, 0.0, (False, False), (3,)),
    (ttnn.bfloat16, True, 0.0, (True, True), (1,)),
    (ttnn.bfloat16, False, 0.0, (True, True), (3, 1)),
    (ttnn.bfloat16, False, 0.0, (True, False), (3,)),
    (ttnn.bfloat16, False, 0.0, (False, True), (3,)),
]


@pytest.mark.parametrize("dtype,fp32_dest,m,affine,chunks", BIT_CASES,
                         ids=lambda v: str(v).replace("DataType.", "").replace(" ", ""))
def test_chunked_staging_equals_the_whole_slice_bit_for_bit(dtype, fp32_dest, m, affine, chunks):
    g = torch.Generator().manual_seed(5)
    shape, w = [1, 1, 65, 570], 570
    x = m + torch.randn(shape, generator=g)
    gamma = torch.randn(w, generator=g) if affine[0] else None
    beta = torch.randn(w, generator=g) if affine[1] else None
    whole, stats = _run(x, gamma, beta, dtype, _cfg(fp32_dest), wsplit_cores_per_row=2, wsplit_chunk_tiles=9)
    for bc in chunks:
        y, st = _run(x, gamma, beta, dtype, _cfg(fp32_dest), wsplit_cores_per_row=2, wsplit_chunk_tiles=bc)
        assert torch.equal(y, whole), (bc, float((y.double() - whole.double()).abs().max()))
        # The same DRAM bytes: each input byte read once, gamma / beta once per group, each output byte written once.
        assert st["dram_bytes_read_per_tensor"] == stats["dram_bytes_read_per_tensor"]
        assert st["dram_bytes_read_per_tensor"]["input"] == x.numel() * (4 if dtype == ttnn.float32 else 2)
        assert st["dram_bytes_written"] == stats["dram_bytes_written"]
    h = lambda t: _host(t, dtype)  # noqa: E731
    desc = layernorm_fused_rm.create_program_descriptor(h(x), h(gamma), h(beta), program_factory=WSPLIT,
                                                        wsplit_cores_per_row=2, wsplit_chunk_tiles=chunks[0],
                                                        compute_kernel_config=_cfg(fp32_dest))
    pages = _pages(desc)
    assert pages[0] == pages[16] == chunks[0] and pages[1] == 9
    for cb, given in ((4, affine[0]), (5, affine[1])):
        assert pages[cb] == (chunks[0] if given else 1) and pages[cb + 2] == (9 if given else 1)


@pytest.mark.parametrize("dtype,fp32_dest,affine,chunk", [
    (ttnn.bfloat16, True, (True, True), 0), (ttnn.bfloat16, True, (False, True), 3), (ttnn.float32, True, (True, True), 0),
    (ttnn.float32, True, (True, False), 1), (ttnn.bfloat16, False, (True, True), 0), (ttnn.bfloat16, False, (False, False), 3),
], ids=lambda v: str(v).replace("DataType.", "").replace(" ", ""))
def test_cb_bytes_are_what_the_descriptor_allocates_and_the_emulator_places(dtype, fp32_dest, affine, chunk):
    # LayerNormFusedRMWSplitProgramFactory::cb_bytes (the L1 fit check and the chunk rule) against the descriptor's CBs
    # and the emulator's L1 high-water (CBs placed from the unreserved base, every size a multiple of the alignment).
    g = torch.Generator().manual_seed(3)
    x = torch.randn(1, 1, 65, 570, generator=g)
    gamma = torch.randn(570, generator=g) if affine[0] else None
    beta = torch.randn(570, generator=g) if affine[1] else None
    h = lambda t: _host(t, dtype)  # noqa: E731
    run_kw = dict(wsplit_cores_per_row=2, wsplit_chunk_tiles=chunk) if chunk else dict(wsplit_cores_per_row=2)
    kw = dict(program_factory=WSPLIT, compute_kernel_config=_cfg(fp32_dest), **run_kw)
    desc = layernorm_fused_rm.create_program_descriptor(h(x), h(gamma), h(beta), **kw)
    attrs, args = dm.op_arguments(h(x), h(gamma), h(beta), **kw)
    need = _C.wsplit_cb_bytes(attrs, args, 2, chunk)
    assert need == _cb_bytes(desc)
    _, stats = _run(x, gamma, beta, dtype, _cfg(fp32_dest), **run_kw)
    base = _C.ArchParams.by_name("wormhole_b0").l1_unreserved_base
    assert set(stats["l1_high_water_per_core"].values()) == {base + need}
    # c_24 of the precise kernel (fp32 DEST): one bf16 page per part of a row-sum tile, 2 for bfloat16 input, 3 for
    # float32 (kParts, layernorm_fused_rm_precise_wsplit.cpp); the FPU kernel's: the slice's Ws = 9 tiles.
    assert _pages(desc)[24] == ((3 if dtype == ttnn.float32 else 2) if fp32_dest else 9)


def test_cb_bytes_by_hand():
    # bfloat16 65 x 570 with gamma and beta, fp32 DEST (the precise kernel), S = 2 unchunked: Ws = 9 bf16 tiles of
    # 2048 B in c_0, c_1, c_4..c_7, c_16; 2 scaler tiles (570 % 32 != 0), eps and 2 bf16 parts in c_24; Float32
    # tiles of 4096 B: c_25 2 x P with P = 5 (the tile exchange of one slot group: hi, lo, M2, weight and count
    # tiles), c_26 3, c_27 2. 3 parts of c_24 (an earlier count) would be 2048 B more.
    h = lambda t: _host(t, ttnn.bfloat16)  # noqa: E731
    v = torch.zeros(570)
    attrs, args = dm.op_arguments(h(torch.zeros(1, 1, 65, 570)), h(v), h(v), program_factory=WSPLIT,
                                  wsplit_cores_per_row=2)
    assert _C.wsplit_cb_bytes(attrs, args, 2) == 7 * 9 * 2048 + (2 + 1 + 2) * 2048 + (2 * 5 + 3 + 2) * 4096


@pytest.mark.parametrize("dtype,fp32_dest", [(ttnn.float32, True), (ttnn.bfloat16, False)], ids=["fp32", "fp16_dest"])
def test_chunked_staging_over_many_tile_rows_per_group(dtype, fp32_dest):
    # One group of 2 cores (a 2 x 1 grid) takes all 10 tile-rows of 300 x 570 (the last partial): the reader's chunks
    # of tile-row b + 1 queue behind the output chunks of b, and both exchange parities are used 5 times each.
    g = torch.Generator().manual_seed(6)
    x, gamma, beta = torch.randn(1, 1, 300, 570, generator=g), torch.randn(570, generator=g), torch.randn(570, generator=g)
    kw = dict(wsplit_cores_per_row=2, core_grid=ttnn.CoreGrid(y=1, x=2))
    whole, _ = _run(x, gamma, beta, dtype, _cfg(fp32_dest), wsplit_chunk_tiles=9, **kw)
    y, stats = _run(x, gamma, beta, dtype, _cfg(fp32_dest), wsplit_chunk_tiles=3, **kw)
    assert stats["cores_used"] == 2 and torch.equal(y, whole)


@pytest.mark.parametrize("shape,S,m", [([1, 1, 32, 4096], 2, 1e4), ([1, 1, 33, 4030], 2, 0.0)],
                         ids=["32x4096_m1e4", "33x4030"])
def test_float32_slices_too_wide_for_unchunked_staging_meet_the_precise_bound(shape, S, m):
    # Wormhole, float32, S = 2: slices of 64 (63) float32 tiles need about 1.9 MB of CBs unchunked, more than the
    # 1393312 B free; the default chunk is the widest divisor of Ws that fits (64: 32; 63: 21).
    g = torch.Generator().manual_seed(sum(shape))
    w = shape[-1]
    x = m + torch.randn(shape, generator=g)
    gamma, beta = torch.randn(w, generator=g), torch.randn(w, generator=g)
    h = lambda t: _host(t, ttnn.float32)  # noqa: E731
    desc = layernorm_fused_rm.create_program_descriptor(h(x), h(gamma), h(beta), program_factory=WSPLIT,
                                                        wsplit_cores_per_row=S)
    ws = -(-w // 32) // S
    pages = _pages(desc)
    assert pages[1] == ws and pages[0] == {64: 32, 63: 21}[ws]
    y, stats = _run(x, gamma, beta, ttnn.float32, wsplit_cores_per_row=S)
    ref = layernorm_fused_rm.golden(x, gamma, beta, 1e-5)
    y = y.double()
    assert float(row_errors(y, ref, "float32").max()) <= FP32_TARGET
    assert ((y - ref).abs() <= error_bound(x, gamma, beta)).all()
    groups = stats["cores_used"] // S  # gamma / beta once per group of S cores, each core its slice
    assert stats["dram_bytes_read_per_tensor"] == {"input": x.numel() * 4, "gamma": groups * w * 4,
                                                   "beta": groups * w * 4}


@pytest.mark.parametrize("fp32_dest", [True, False], ids=["fp32_dest", "fp16_dest"])
def test_bfloat16_chunked_slices_meet_the_bounds(fp32_dest):
    # bfloat16, S = 2, slices of 16 tiles forced into chunks of 4: the stage-7 bounds (test_wsplit.py), and with
    # fp32 DEST (the default config) the shifted kernels' 0.5 bf16 ULP of each row's largest |output| on offset rows.
    g = torch.Generator().manual_seed(13)
    shape, w = [1, 1, 33, 1024], 1024
    x = ((256.0 if fp32_dest else 0.5) + torch.randn(shape, generator=g) * 2).to(torch.bfloat16)
    gamma = torch.randn(w, generator=g).to(torch.bfloat16)
    beta = torch.randn(w, generator=g).to(torch.bfloat16)
    y, _ = _run(x, gamma, beta, ttnn.bfloat16, _cfg(fp32_dest), wsplit_cores_per_row=2, wsplit_chunk_tiles=4)
    ref = layernorm_fused_rm.golden(x, gamma, beta, 1e-5)
    r = report(y, ref)
    assert r["pcc"] >= 0.9999 and r["max_ulp_at_scale"] <= 4.0, r
    if fp32_dest:
        assert float(row_errors(y, ref, "bfloat16").max()) <= 0.5 + 1e-3
        assert r["pcc"] >= 0.999998, r


def _blackhole_wide(monkeypatch, **kw):
    monkeypatch.setenv(_op.ARCH_ENV, "blackhole")
    h = lambda t: _host(t, ttnn.float32)  # noqa: E731
    x, g = h(torch.zeros(1, 1, 128, 65536)), h(torch.zeros(65536))
    return x, g, layernorm_fused_rm.create_program_descriptor(x, g, g, **kw)


def test_blackhole_float32_65536_forced_at_32_cores_fits_l1(monkeypatch):
    # S = 32 (the most a Blackhole multicast rectangle allows here): Ws = 64 float32 tiles. Unchunked the CBs take
    # 1910784 B (c_0, c_1, c_4..c_7, c_16: 7 x 64 x 4096 B), more than the 1461120 B free; in chunks of 32 tiles the
    # staging CBs take half of that.
    free = _C.ArchParams.by_name("blackhole").free_l1_bytes()
    x, g, desc = _blackhole_wide(monkeypatch, program_factory=WSPLIT, wsplit_cores_per_row=32)
    pages = _pages(desc)
    assert all(pages[c] == 32 for c in STAGING) and all(pages[c] == 64 for c in RESIDENT)
    assert _cb_bytes(desc) <= free
    with pytest.raises(ValueError, match="slices of 64 tiles staged in chunks of 64 need 1910784 bytes"):
        layernorm_fused_rm.create_program_descriptor(x, g, g, program_factory=WSPLIT, wsplit_cores_per_row=32,
                                                     wsplit_chunk_tiles=64)


def test_blackhole_float32_65536_default_reads_the_input_once(monkeypatch):
    # The default selection: the W-split (it was the streaming program, reading every row 3 times: model 12118 us),
    # its reader's one pass; the model's DRAM bytes are the minimum (input and output once, gamma / beta once per
    # group of S cores).
    x, g, desc = _blackhole_wide(monkeypatch)
    assert desc.program_factory == WSPLIT
    assert desc.kernels[0].compile_time_args[_C.reader_ct_args.passes] == 1
    attrs, args = dm.op_arguments(x, g, g)
    best = dm.op_candidates(x, g, g)[0]
    assert best["factory"] == WSPLIT and best["split"] == 32
    work = _C.model.program_work(attrs, args, WSPLIT, 32)
    groups = work.cores // 32
    assert work.dram_bytes == 128 * 65536 * 4 * 2 + 2 * groups * 65536 * 4


def test_blackhole_float32_65536_default_run(monkeypatch):
    # The shape itself on the emulator (8M float32 elements on 64 cores; about 2 s): the float32 target, each input
    # byte read once.
    monkeypatch.setenv(_op.ARCH_ENV, "blackhole")
    g = torch.Generator().manual_seed(1)
    x = torch.randn(1, 1, 128, 65536, generator=g)
    gamma, beta = torch.randn(65536, generator=g), torch.randn(65536, generator=g)
    h = lambda t: _host(t, ttnn.float32)  # noqa: E731
    y, stats = ttnn.layernorm_fused_rm(h(x), h(gamma), h(beta), return_stats=True)
    assert stats["cores_used"] == 64 and stats["dram_bytes_written"] == x.numel() * 4
    ref = layernorm_fused_rm.golden(x, gamma, beta, 1e-5)
    assert float(row_errors(ttnn.to_torch(y).double(), ref, "float32").max()) <= FP32_TARGET
    assert stats["dram_bytes_read_per_tensor"] == {"input": x.numel() * 4, "gamma": 2 * 65536 * 4,
                                                   "beta": 2 * 65536 * 4}


def test_chunk_work_equals_the_descriptors_and_the_emulators():
    # The model's NOC transactions follow the chunk: 65 x 570 bf16, S = 2, chunks of 3 tiles: each of the busiest
    # core's 32 sticks per tile-row read and written as 3 transactions of 192 B, gamma and beta as 3 each.
    kw = dict(program_factory=WSPLIT, wsplit_cores_per_row=2, wsplit_chunk_tiles=3)
    g = torch.Generator().manual_seed(2)
    x, gamma, beta = torch.randn(1, 1, 65, 570, generator=g), torch.randn(570, generator=g), torch.randn(570, generator=g)
    h = lambda t: _host(t, ttnn.bfloat16)  # noqa: E731
    desc = layernorm_fused_rm.create_program_descriptor(h(x), h(gamma), h(beta), **kw)
    from_desc = dm.work_from_descriptor(desc, "wormhole_b0", [1, 1, 65, 570], 2, 2, 2)
    attrs, args = dm.op_arguments(h(x), h(gamma), h(beta), **kw)
    analytic = _C.model.program_work(attrs, args, WSPLIT, 2)
    assert sorted(analytic.busiest.read_txns) == sorted(from_desc.busiest.read_txns)
    assert sorted(analytic.busiest.write_txns) == sorted(from_desc.busiest.write_txns)
    # (chunks - 1, then the last chunk) x (32 sticks, then gamma and beta), all 192 B wide
    assert sorted(analytic.busiest.read_txns) == [(2, 192), (4, 192), (32, 192), (64, 192)]
    _, stats = ttnn.layernorm_fused_rm(h(x), h(gamma), h(beta), return_stats=True, **kw)
    modelled = sum(n for n, _ in from_desc.busiest.read_txns + from_desc.busiest.write_txns)
    assert max(stats["noc_transactions_per_core"].values()) == modelled


@pytest.mark.parametrize(
    "kw,error,fragment",
    [
        (dict(wsplit_chunk_tiles=2), ValueError, "wsplit_chunk_tiles = 2 needs program_factory"),
        (dict(program_factory=WSPLIT, wsplit_cores_per_row=2, wsplit_chunk_tiles=5), ValueError,
         "wsplit_chunk_tiles must be 0 or a divisor of the slice width Ws = Wt / S = 8 tiles"),
        (dict(program_factory=WSPLIT, wsplit_chunk_tiles=-1), ValueError, "wsplit_chunk_tiles must be >= 1"),
        (dict(program_factory=WSPLIT, wsplit_chunk_tiles=2.0), TypeError, "wsplit_chunk_tiles must be an int"),
    ],
)
def test_forced_chunk_is_validated(kw, error, fragment):
    x = _host(torch.zeros(1, 1, 32, 512), ttnn.bfloat16)
    with pytest.raises(error, match=fragment):
        ttnn.layernorm_fused_rm(x, **kw)


def test_chunk_rule():
    # chunk_tiles: the given chunk, else the widest divisor of Ws whose CBs fit (Ws when the slice fits unchunked);
    # 0 when S does not divide Wt.
    def chunk(shape, dtype, S, **kw):
        h = lambda t: _host(t, dtype)  # noqa: E731
        attrs, args = dm.op_arguments(h(torch.zeros(shape)), h(torch.zeros(shape[-1])), h(torch.zeros(shape[-1])),
                                      **kw)
        return _C.wsplit_chunk_tiles(attrs, args, S)

    assert chunk([1, 1, 32, 4096], ttnn.bfloat16, 2) == 64  # fits unchunked: as before
    assert chunk([1, 1, 32, 4096], ttnn.float32, 2) == 32
    assert chunk([1, 1, 32, 4096], ttnn.float32, 2, program_factory=WSPLIT, wsplit_chunk_tiles=8) == 8
    assert chunk([1, 1, 32, 4096], ttnn.float32, 3) == 0
