# SPDX-License-Identifier: Apache-2.0
"""device_model: its arithmetic on hand-computed cases, its descriptor counts against the emulator's counters, and
its calibration within the error it prints. No timing: nothing here measures speed."""

from __future__ import annotations

import math

import pytest
import torch
import ttnn

from layernorm_fused_rm import _C, device_model as dm
from layernorm_fused_rm._op import create_program_descriptor


def test_noc_cycles_by_hand():
    # Wormhole flit 32 B: 8192 B = 256 data flits + 1 header; 100 B = 4 data flits + 1 header.
    assert dm.noc_cycles([(3, 8192), (2, 100)], 32) == 3 * 257 + 2 * 5
    # Blackhole flit 64 B: 100 B = 2 data flits + 1 header.
    assert dm.noc_cycles([(2, 100)], 64) == 2 * 3


def test_program_time_by_hand():
    core = dm.CoreWork(read_txns=[(10, 64)], write_txns=[(1, 2048)], tile_steps=1, exchanges=[(50, 20)])
    # WH: reads 10 x (1 + 2) = 30 cycles, writes 1 + 64 = 65, compute 1 x 100, exchange 70: core = 100 + 70.
    small = dm.program_time(dm.ProgramWork("x", "wormhole_b0", 1, core, 0), 100)
    assert small["us"] == pytest.approx(0.170) and small["bound"] == "compute"
    assert (small["exchange_us"], small["combine_us"]) == (pytest.approx(0.070), pytest.approx(0.020))
    assert (small["noc_read_us"], small["noc_write_us"]) == (pytest.approx(0.030), pytest.approx(0.065))
    # 258e3 bytes at 258 GB/s = 1 us: the chip DRAM floor wins.
    big = dm.program_time(dm.ProgramWork("x", "wormhole_b0", 1, core, 258_000), 100)
    assert big["us"] == pytest.approx(1.0) and big["bound"] == "dram"
    # BH: 1.35 GHz; reads 10 x (1 + 1), writes 1 + 32: core = 100 + 70 cycles.
    bh = dm.program_time(dm.ProgramWork("x", "blackhole", 1, core, 0), 100)
    assert bh["us"] == pytest.approx(170 / 1350)
    assert bh["noc_read_us"] == pytest.approx(20 / 1350)


def test_exchange_by_hand():
    # A group of 8 x 8 cores: multicast then semaphore, each NIU 5 + 9 per hop x 14 hops + NIU 5; the combine of
    # 64 partials x 32 rows, 12 soft-float operations of 20 cycles each.
    assert dm._exchange("wormhole_b0", 8, 8, 64) == (2 * (10 + 9 * 14), 64 * 32 * 12 * 20)
    assert dm._exchange("blackhole", 2, 1, 2) == (2 * (10 + 9), 2 * 32 * 12 * 20)


def test_unfused_chain_by_hand():
    # 1x1x32x64 bf16 on Wormhole: 1 tile-row, Wt = 2, every op on 1 core, compute-bound at C = 1000 cycles:
    # tilize 2 steps; layer_norm 2 x 7 + 2 statistics steps; untilize 2 steps -> 20 steps = 20 us.
    ops = dm.unfused_works("wormhole_b0", [1, 1, 32, 64], 2, 64, 1 << 20)
    assert [o.name for o in ops] == ["layout", "ln", "layout"]
    assert [o.busiest.tile_steps for o in ops] == [2, 16, 2]
    assert ops[0].busiest.read_txns == [(32, 128)] and ops[0].busiest.write_txns == [(2, 2048)]
    assert ops[1].busiest.read_txns == [(2, 2048), (4, 64)]
    assert sum(dm.program_time(o, 1000)["us"] for o in ops) == pytest.approx(20.0)
    # The large-tensor path (3 reads) once 6 tile-row CBs exceed free L1: W = 4096 bf16 = 128 tiles of 2 KiB.
    assert dm.upstream_single_pass_fits(125, 2, 1_536_000) and not dm.upstream_single_pass_fits(128, 2, 1_536_000)
    big = dm.unfused_works("wormhole_b0", [1, 1, 32, 4096], 2, 64, 1_400_000)
    assert big[1].name == "ln_large" and big[1].busiest.read_txns[0] == (3 * 128, 2048)


def _tensors(shape):
    W = shape[-1]
    g = torch.Generator().manual_seed(1)
    conv = lambda t: ttnn.from_torch(t.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)  # noqa: E731
    return conv(torch.randn(shape, generator=g)), conv(torch.randn([W], generator=g)), conv(torch.randn([W], generator=g))


@pytest.mark.parametrize("shape", [[1, 1, 64, 64], [1, 1, 256, 96], [1, 1, 32, 4096], [1, 1, 64, 3000]])
def test_descriptor_counts_equal_the_emulators(shape):
    """The model's per-core NOC transactions and the program's DRAM bytes, counted from the descriptor, equal the
    emulator's counters of a run (row-resident and streaming programs, partial last chunk at W = 3000)."""
    x, gamma, beta = _tensors(shape)
    desc = create_program_descriptor(x, gamma, beta)
    work = dm.work_from_descriptor(desc, "wormhole_b0", shape, 2, 2, 2, 8)
    _, stats = ttnn.layernorm_fused_rm(x, gamma, beta, return_stats=True)
    per_core = stats["noc_transactions_per_core"]
    assert sum(n for n, _ in work.busiest.read_txns + work.busiest.write_txns) == max(per_core.values())
    assert work.dram_bytes == stats["dram_bytes_read"] + stats["dram_bytes_written"]
    assert work.busiest.read_bytes >= 32 * shape[-1] * 2  # at least its sticks once
    assert work.cores == len([v for v in per_core.values() if v > 0])


@pytest.mark.skipif(not hasattr(_C, "WSPLIT_PROGRAM_FACTORY"), reason="the W-split program is not in this build")
@pytest.mark.parametrize("shape,S", [([1, 1, 32, 4096], 2), ([1, 1, 32, 4096], 8), ([1, 1, 64, 3000], None),
                                     ([1, 1, 96, 256], 4)])
def test_wsplit_descriptor_counts_equal_the_emulators(shape, S):
    """W-split forced: per-core transactions (slice sticks, gamma/beta slices, output slice, 2 (S - 1) exchange
    messages per tile-row) and DRAM bytes equal the emulator's; S and one exchange per tile-row are modelled."""
    x, gamma, beta = _tensors(shape)
    kw = {"program_factory": _C.WSPLIT_PROGRAM_FACTORY}
    if S:
        kw["wsplit_cores_per_row"] = S
    desc = create_program_descriptor(x, gamma, beta, **kw)
    work = dm.work_from_descriptor(desc, "wormhole_b0", shape, 2, 2, 2, 8)
    _, stats = ttnn.layernorm_fused_rm(x, gamma, beta, return_stats=True, **kw)
    assert S is None or work.split == S
    # The writer's round 2 (each owner of rows multicasts its rows' statistics to the S - 1 peers and increments
    # their round-2 semaphore: 2 (S - 1) more transactions per tile-row on an owner) is not in the model yet.
    round2 = 2 * (work.split - 1) * len(work.busiest.exchanges)
    assert sum(n for n, _ in work.busiest.read_txns + work.busiest.write_txns) + round2 == max(
        stats["noc_transactions_per_core"].values())
    assert work.dram_bytes == stats["dram_bytes_read"] + stats["dram_bytes_written"]
    groups = work.cores // work.split
    assert len(work.busiest.exchanges) == -(-(-(-shape[-2] // 32)) // groups)  # one per tile-row of the busiest core


def test_calibration_within_its_printed_error():
    cal = dm.calibration()
    assert len(cal["figures"]) >= 2
    for f in cal["figures"]:
        assert f["model_us"] == pytest.approx(f["measured_us"] * (1 + f["error"]))
        assert abs(f["error"]) <= cal["max_abs_error"]
    assert cal["max_abs_error"] < 0.25  # the fit is not meaningless
    # Minimax fit of one constant on two figures: the errors balance in log space.
    e = [math.log(1 + f["error"]) for f in cal["figures"]]
    assert abs(abs(e[0]) - abs(e[1])) < 1e-3 and e[0] * e[1] < 0
    # By hand, tt-mlir#7717: 1 core, 90 tiles x 4 rms steps + 2 statistics steps, compute-bound on Wormhole.
    assert cal["figures"][0]["model_us"] == pytest.approx(362 * cal["cycles_per_tile_step"] / 1000)


def test_constants_cite_sources():
    c = dm.constants()
    for arch in ("wormhole_b0", "blackhole"):
        for k, v in c[arch].items():
            assert "tt-isa-documentation" in v["source"] or "tt-metal" in v["source"], (arch, k)
    assert "ESTIMATE" in c["softfloat_op_cycles"]["source"]
