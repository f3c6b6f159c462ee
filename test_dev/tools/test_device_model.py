# SPDX-License-Identifier: Apache-2.0
"""device model (C++ _C.model, python device_model): arithmetic on hand-computed cases, analytic counts against
the descriptor's and the descriptor's against the emulator's counters, selection, and
its calibration within the error it prints. No timing: nothing here measures speed."""

from __future__ import annotations

import math

import pytest
import torch
import ttnn

from layernorm_fused_rm import _C, device_model as dm
from layernorm_fused_rm._op import create_program_descriptor

FACTORIES = {"resident": _C.program_factory_name(), "streaming": _C.STREAMING_PROGRAM_FACTORY,
             "wsplit": _C.WSPLIT_PROGRAM_FACTORY}


def test_noc_cycles_by_hand():
    # Wormhole flit 32 B: 8192 B = 256 data flits + 1 header; 100 B = 4 data flits + 1 header.
    assert dm.noc_cycles([(3, 8192), (2, 100)], 32) == 3 * 257 + 2 * 5
    # Blackhole flit 64 B: 100 B = 2 data flits + 1 header.
    assert dm.noc_cycles([(2, 100)], 64) == 2 * 3


def test_program_time_by_hand():
    core = dm.CoreWork(read_txns=[(10, 64)], write_txns=[(1, 2048)], tile_steps=1, exchanges=[dm.Exchange(1, 50, 20)])
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
    # One round across a group of 8 x 8 cores: multicast then semaphore, each NIU 5 + 9 per hop x 14 hops + NIU 5.
    assert _C.model.exchange_flight_cycles("wormhole_b0", 8, 8) == 2 * (10 + 9 * 14)
    assert _C.model.exchange_flight_cycles("blackhole", 2, 1) == 2 * (10 + 9)
    # The distributed combine, each fp32 operation at its measured cycles (tools/softfloat_cycles/results.csv: add 80,
    # mul 113, div 123; test_softfloat_constants_follow_the_measured_table checks them): ceil(32 / S) owned rows x
    # (S partial updates x (4 add + 3 mul: 659 cycles) + 1 division per row (123)).
    assert _C.model.SOFTFLOAT_CYCLES == {"add": 80, "mul": 113, "div": 123}
    assert _C.model.wsplit_combine_cycles(64) == 1 * (64 * 659 + 123)
    assert _C.model.wsplit_combine_cycles(5) == 7 * (5 * 659 + 123)
    assert _C.model.wsplit_combine_cycles(2) == 16 * (2 * 659 + 123)
    ops = (_C.model.COMBINE_OPS, _C.model.ROW_OPS)
    assert [(o["add"], o["mul"], o["div"]) for o in ops] == [(4, 3, 0), (0, 0, 1)]
    # The precise kernel's combine is compute (combine_offset and combine_finish in the precise W-split kernel,
    # counted by hand per tile-row, G = ceil(S / 32) groups of 32 slots): float32 10 + 33 steps for G = 1, each group
    # past the first 7 + 12 more; bfloat16 3 more (x0 brought in, sub, add).
    assert _C.model.wsplit_combine_steps(32, True) == 43 and _C.model.wsplit_combine_steps(2, True) == 43
    assert _C.model.wsplit_combine_steps(64, True) == 43 + 19 and _C.model.wsplit_combine_steps(33, False) == 46 + 19
    assert _C.model.wsplit_combine_steps(4, False) == 46


def test_steps_follow_the_compute_kernel_family():
    # compute_kernel_of: bf16 with a 16-bit DEST the FPU kernels, bf16 with fp32 DEST the shifted ones, float32 the
    # precise ones; the W-split runs its precise kernel for both fp32-DEST families, counted per family (bf16: x - x0
    # by the FPU, 2 bf16 parts per row sum; float32: x - x0 on the SFPU, 3 parts). Each family costs its own steps.
    bf16, fp32 = _C.DataFormat.Float16_b, _C.DataFormat.Float32
    fpu, fp32_dest = _C.ComputeConfigDescriptor(fp32_dest_acc_en=False), _C.ComputeConfigDescriptor(fp32_dest_acc_en=True)
    kind = _C.model.steps_kind
    assert [kind(p, bf16, fpu) for p in ("row_resident", "streaming", "wsplit")] == ["row_resident", "streaming",
                                                                                     "wsplit"]
    assert [kind(p, bf16, fp32_dest) for p in ("row_resident", "streaming", "wsplit")] == [
        "row_resident_shifted", "streaming_shifted", "wsplit_shifted"]
    assert [kind(p, fp32, fp32_dest) for p in ("row_resident", "streaming", "wsplit")] == [
        "row_resident_precise", "streaming_precise", "wsplit_precise"]
    # The fp32-DEST kernels do more tile operations than the FPU ones (no pack per operation: every SFPU operation
    # and every unpack into DEST is a step).
    for p in ("row_resident", "streaming", "wsplit"):
        k = kind(p, bf16, fp32_dest)
        assert _C.model.steps_per_tile(k) > _C.model.steps_per_tile(p)
        assert _C.model.steps_per_tile_row(k) > _C.model.steps_per_tile_row(p)
    with pytest.raises(ValueError, match="wsplit_precise"):
        _C.model.steps_per_tile_row("nope")


def _attrs_args(shape, dtype=None, gamma=True, beta=True, arch="wormhole_b0", fp32_dest=True, **kw):
    dt = dtype or _C.DType.BFLOAT16
    d = lambda s: _C.TensorDesc(shape=s, dtype=dt)  # noqa: E731
    W = shape[-1]
    cc = _C.ComputeConfigDescriptor(fp32_dest_acc_en=fp32_dest)
    a = _C.OperationAttributes(arch=arch, output_dtype=dt, compute_config=cc, **kw)
    return a, _C.TensorArgs(d(shape), d([W]) if gamma else None, d([W]) if beta else None)


@pytest.mark.parametrize("fp32_dest", [False, True], ids=["fpu_kernel", "precise_kernel"])
def test_wsplit_work_by_hand(fp32_dest):
    # 1x1x64x4096 bf16, S = 8 on Wormhole: Wt = 128, slices of 16 tiles (512 columns, 1024 B), 2 tile-rows over
    # 8 groups of 8 cores -> 16 cores, 1 tile-row each. A 16-bit DEST runs the FPU W-split kernel, fp32 DEST the
    # precise one (slice means as fp32 hi + lo).
    a, t = _attrs_args([1, 1, 64, 4096], fp32_dest=fp32_dest)
    w = _C.model.program_work(a, t, _C.WSPLIT_PROGRAM_FACTORY, 8)
    assert (w.name, w.cores, w.split) == ("wsplit", 16, 8)
    assert w.busiest.read_txns == [(32, 1024), (2, 1024)]  # its 32 slice sticks, its gamma and beta slices
    # FPU kernel: round 1 its slot (256 B) to 7 peers; round 2 its 4 owned rows' (mean, var) pairs, 32 B, to 7 peers;
    # 2 x 7 semaphore increments. Precise kernel (tile exchange): its row of the 3 slot tiles, 2 runs of 64 B each, to
    # 7 peers (42 writes), 7 semaphore increments, one round.
    # Steps per tile of the precise kernel on bfloat16 input, from layernorm_fused_rm_precise_wsplit.cpp: tilize_rows
    # 1; stats_pass 0 (sum_shifted): one sub_tiles_bcast_cols per tile, accumulated into DEST 1; stats_pass 1:
    # shifted (FPU), sub_dst, add_square_dst (square_tile on the first) 3; output_resident_from (staging chunk of 16
    # tiles: sections of 2): shifted, normalize_col_dst, gamma and beta unary_bcast, mul_add_dst 5 per tile, the two
    # unary_bcast operands 2 per section: 10 per tile, 8 sections x 2, 13 per tile-row, and the combine's 46
    # (test_exchange_by_hand). The FPU kernel (layernorm_fused_rm_wsplit.cpp): tilize, reduce, subtract, square,
    # reduce, subtract, * inv_std, * gamma, + beta: 9 per tile; x 1 / w_i, x 1.0, + eps, rsqrt: 4 per tile-row.
    steps, sections, row_steps = (10, 8 * 2, 13 + 46) if fp32_dest else (9, 0, 4)
    if fp32_dest:
        assert w.busiest.write_txns == [(32, 1024), (7 * 6, 64), (7, 4)]
    else:
        assert w.busiest.write_txns == [(32, 1024), (7, 256), (7, 32), (2 * 7, 4)]
    # 16 tiles x the kernel's steps per tile, the output sections, the statistics per tile-row; no tilize of gamma
    # and beta: the reader places their slices as tiles (reader_ct_args affine_flags: affine_flag::pretiled), so no NOC
    # transaction either besides the two slice reads above.
    assert w.busiest.tile_steps == 16 * steps + sections + row_steps
    ex = w.busiest.exchanges
    flight = _C.model.exchange_flight_cycles("wormhole_b0", 8, 1)
    if fp32_dest:  # one round, no soft float
        assert [(e.count, e.flight_cycles, e.combine_cycles) for e in ex] == [(1, flight, 0)]
    else:  # soft-float cycles per tile-row: 4 owned rows x (8 partials x 659 + a division 123)
        assert [(e.count, e.flight_cycles, e.combine_cycles) for e in ex] == [(1, flight, 4 * (8 * 659 + 123)),
                                                                              (1, flight, 0)]
    # DRAM: input once, output once, gamma and beta once per group (2 groups).
    assert w.dram_bytes == 64 * 4096 * 2 * 2 + 2 * 2 * 4096 * 2


@pytest.mark.parametrize("dtype, fp32_dest", [("BFLOAT16", False), ("BFLOAT16", True), ("FLOAT32", True)],
                         ids=["bf16_fpu", "bf16_shifted", "fp32_precise"])
def test_selection_is_the_first_candidate_and_choose_cores_per_row_its_best_s(dtype, fp32_dest):
    """select_program_factory = the first of _C.model.candidates (the lowest modelled time that fits L1, ties by
    `better`) for every compute kernel family (bfloat16 with a 16-bit DEST: the W-split's FPU kernel; bfloat16 with
    fp32 DEST and float32: its precise kernel); the W-split's S is the first W-split candidate's."""
    for shape in ([1, 1, 32, 4096], [1, 1, 2048, 4096], [8, 1, 128, 768], [1, 1, 8192, 1024], [64, 128]):
        for arch in ("wormhole_b0", "blackhole"):
            a, t = _attrs_args(shape, dtype=getattr(_C.DType, dtype), arch=arch, fp32_dest=fp32_dest)
            cands = _C.model.candidates(a, t)
            times = [c["us"] for c in cands]
            # The first: the fastest, or a one-read near-tie of a streaming one, or the row-resident program before a
            # W-split that models within the model's error of it, the error taken on each: (1 + e) / (1 - e).
            assert times[1:] == sorted(times[1:])
            w0 = cands[1] if len(cands) > 1 else cands[0]
            e = _C.model.MODEL_ERROR
            assert times[0] == min(times) or (
                w0["factory"] == _C.STREAMING_PROGRAM_FACTORY and times[0] <= times[1] * (1 + e)) or (
                cands[0]["factory"] == _C.program_factory_name() and w0["factory"] == _C.WSPLIT_PROGRAM_FACTORY and
                times[0] <= times[1] * (1 + e) / (1 - e))
            ws = [c for c in cands if c["factory"] == _C.WSPLIT_PROGRAM_FACTORY]
            assert _C.select_program_factory(a, t) == cands[0]["factory"]
            assert _C.wsplit_cores_per_row(a, t) == (ws[0]["split"] if ws else 0)
            # every S the W-split predicate accepts is a candidate, and no other
            wt = _C.tiles_of_width(shape[-1])
            ok = {s for s in range(2, wt + 1) if wt % s == 0 and not _C.wsplit_unusable(a, t, s)}
            assert {c["split"] for c in ws} == ok
    # Ties: equal modelled times go to fewer cores, then row-resident before streaming before W-split.
    a, t = _attrs_args([1, 1, 32, 32], gamma=False, beta=False, fp32_dest=False)
    assert [c["factory"] for c in _C.model.candidates(a, t)] == [_C.program_factory_name(),
                                                                _C.STREAMING_PROGRAM_FACTORY]


def test_float32_wsplit_follows_the_predicate():
    # The W-split's one predicate decides for float32 too: candidates appear exactly when it accepts an S.
    a, t = _attrs_args([1, 1, 32, 4096], dtype=_C.DType.FLOAT32)
    offered = not _C.wsplit_unusable(a, t, 0)
    has = any(c["factory"] == _C.WSPLIT_PROGRAM_FACTORY for c in _C.model.candidates(a, t))
    assert has == offered


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


@pytest.mark.parametrize("shape,factory", [([1, 1, 64, 64], "resident"), ([1, 1, 256, 96], "resident"),
                                           ([1, 1, 32, 4096], "streaming"), ([1, 1, 64, 3000], "streaming")])
def test_descriptor_counts_equal_the_emulators(shape, factory):
    """The model's per-core NOC transactions and the program's DRAM bytes, counted from the descriptor, equal the
    emulator's counters of a run (row-resident and streaming programs, partial last chunk at W = 3000)."""
    x, gamma, beta = _tensors(shape)
    kw = {"program_factory": FACTORIES[factory]}
    desc = create_program_descriptor(x, gamma, beta, **kw)
    work = dm.work_from_descriptor(desc, "wormhole_b0", shape, 2, 2, 2)
    _, stats = ttnn.layernorm_fused_rm(x, gamma, beta, return_stats=True, **kw)
    per_core = stats["noc_transactions_per_core"]
    assert sum(n for n, _ in work.busiest.read_txns + work.busiest.write_txns) == max(per_core.values())
    assert work.dram_bytes == stats["dram_bytes_read"] + stats["dram_bytes_written"]
    assert work.busiest.read_bytes >= 32 * shape[-1] * 2  # at least its sticks once
    assert work.cores == len([v for v in per_core.values() if v > 0])


_CONFIGS = {  # compute kernel family: (input dtype, fp32_dest_acc_en)
    "fpu": (ttnn.bfloat16, False), "shifted": (ttnn.bfloat16, True), "precise": (ttnn.float32, True)}


def _masked_steps(kind, tiles):
    """Steps the model leaves out when W % 32 != 0 (layernorm_fused_rm_device_model.hpp, steps_per_tile), on the
    busiest core: the FPU kernels reduce the row's last tile with the partial scaler tile (no extra step); the shifted
    kernels' mean pass subtracts it into a scratch slot, masks it (mask_padding: the partial scaler's row 0 brought
    in, multiply) and adds it on the SFPU (4 steps instead of 1), and their variance / M2 pass masks it (2): 5, or 4
    when it is the only tile of its sum (`tiles` = 1: masked in place, not added); the precise kernels mask it in
    both statistics passes: 4."""
    if kind.endswith("_shifted"):
        return 4 if tiles == 1 else 5
    return 4 if kind.endswith("_precise") else 0


@pytest.mark.parametrize("config,shape,factory,S,extra", [
    # FPU kernels (16-bit DEST): odd Wt, a masked last tile (no extra step), 9 streaming chunks of 5, W-split S 2 / 8,
    # gamma alone, neither gamma nor beta, 2 tile-rows on one core (gamma / beta tilized once per core)
    ("fpu", [1, 1, 32, 96], "resident", 0, {}), ("fpu", [1, 1, 32, 1000], "resident", 0, {}),
    ("fpu", [1, 1, 32, 1440], "streaming", 0, {}), ("fpu", [1, 1, 32, 1000], "wsplit", 2, {}),
    ("fpu", [1, 1, 32, 256], "wsplit", 8, {}), ("fpu", [1, 1, 32, 160], "streaming", 0, {"beta": False}),
    ("fpu", [1, 1, 32, 64], "resident", 0, {"gamma": False, "beta": False}),
    ("fpu", [1, 1, 64, 64], "resident", 0, {"one_core": True}),
    # shifted kernels (bfloat16, fp32 DEST): odd output blocks, masked (Wt 3 and Wt 1), 5 streaming chunks of 5 (odd),
    # the W-split's staging in chunks of 1 tile (odd sections) and a masked slice of 1 tile, one of gamma / beta
    ("shifted", [1, 1, 32, 96], "resident", 0, {}), ("shifted", [1, 1, 32, 80], "resident", 0, {}),
    ("shifted", [1, 1, 32, 20], "resident", 0, {}), ("shifted", [1, 1, 32, 800], "streaming", 0, {}),
    ("shifted", [1, 1, 32, 1000], "streaming", 0, {}), ("shifted", [1, 1, 32, 512], "wsplit", 2, {"chunk": 1}),
    ("shifted", [1, 1, 32, 256], "wsplit", 8, {}), ("shifted", [1, 1, 32, 54], "wsplit", 2, {}),
    ("shifted", [1, 1, 32, 2048], "wsplit", 64, {}),  # two slot groups in the combine
    ("shifted", [1, 1, 32, 160], "streaming", 0, {"gamma": False}),
    ("shifted", [1, 1, 64, 64], "resident", 0, {"one_core": True, "beta": False}),
    # precise kernels (float32): pass B in 4 blocks of 8 and in 9 odd blocks of 5, masked, streaming chunks of 5, the
    # W-split chunked (4 tiles), S = 8, masked, without gamma and beta
    ("precise", [1, 1, 32, 1024], "resident", 0, {}), ("precise", [1, 1, 32, 1440], "resident", 0, {}),
    ("precise", [1, 1, 32, 80], "resident", 0, {}), ("precise", [1, 1, 32, 800], "streaming", 0, {}),
    ("precise", [1, 1, 32, 1000], "streaming", 0, {}), ("precise", [1, 1, 32, 512], "wsplit", 2, {"chunk": 4}),
    ("precise", [1, 1, 32, 256], "wsplit", 8, {}), ("precise", [1, 1, 32, 1000], "wsplit", 2, {}),
    ("precise", [1, 1, 32, 128], "wsplit", 2, {"gamma": False, "beta": False}),
    ("precise", [1, 1, 32, 1270], "wsplit", 40, {}),  # two slot groups, the second of 8 slots; masked
])
def test_steps_equal_the_emulators_tile_ops(config, shape, factory, S, extra):
    """Every compute kernel kind of our programs: the model's tile steps of the busiest core, counted by hand from the
    kernels (layernorm_fused_rm_device_model.hpp), equal the emulator's count of tile operations of that core's compute
    kernel (RunStats::tile_ops_per_core: every unpack into DEST, tilized tile, FPU and SFPU call), plus, when W % 32 !=
    0, the mask of the row's last tile, which the model leaves out (_masked_steps)."""
    dtype, fp32_dest = _CONFIGS[config]
    W = shape[-1]
    g = torch.Generator().manual_seed(1)
    tdt = torch.float32 if dtype == ttnn.float32 else torch.bfloat16
    conv = lambda t: ttnn.from_torch(t.to(tdt), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)  # noqa: E731
    x = conv(torch.randn(shape, generator=g))
    gamma = conv(torch.randn([W], generator=g)) if extra.get("gamma", True) else None
    beta = conv(torch.randn([W], generator=g)) if extra.get("beta", True) else None
    kw = {"program_factory": FACTORIES[factory],
          "compute_kernel_config": ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4,
                                                                    fp32_dest_acc_en=fp32_dest)}
    kw |= ({"wsplit_cores_per_row": S} if S else {}) | ({"wsplit_chunk_tiles": extra["chunk"]} if "chunk" in extra
                                                        else {})
    if extra.get("one_core"):  # both tile-rows on one core (a CoreGrid built here: nanobind objects at import leak)
        kw["core_grid"] = ttnn.CoreGrid(y=1, x=1)
    work = dm.op_work(x, gamma, beta, FACTORIES[factory], S, **kw)
    kind = work.name + ("" if config == "fpu" else "_" + config)
    _, stats = ttnn.layernorm_fused_rm(x, gamma, beta, return_stats=True, **kw)
    masked = _masked_steps(kind, -(-W // 32) // max(S, 1)) if W % 32 else 0
    assert max(stats["tile_ops_per_core"].values()) == work.busiest.tile_steps + masked


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
    work = dm.work_from_descriptor(desc, "wormhole_b0", shape, 2, 2, 2)
    _, stats = ttnn.layernorm_fused_rm(x, gamma, beta, return_stats=True, **kw)
    assert S is None or work.split == S
    # The model counts 2 rounds per tile-row (the distributed combine): round 1, one 256 B slot and one semaphore
    # increment to each of the S - 1 peers; round 2, an owner's result block and increment to each peer.
    r = len(work.busiest.exchanges) and work.busiest.exchanges[0].count
    modelled = sum(n for n, _ in work.busiest.read_txns + work.busiest.write_txns)
    assert max(stats["noc_transactions_per_core"].values()) == modelled
    assert work.dram_bytes == stats["dram_bytes_read"] + stats["dram_bytes_written"]
    groups = work.cores // work.split
    assert r == -(-(-(-shape[-2] // 32)) // groups)  # tile-rows of the busiest core


def _same_work(a, b):
    assert (a.name, a.arch, a.cores, a.split, a.dram_bytes) == (b.name, b.arch, b.cores, b.split, b.dram_bytes)
    ca, cb = a.busiest, b.busiest
    assert sorted(ca.read_txns) == sorted(cb.read_txns) and sorted(ca.write_txns) == sorted(cb.write_txns)
    assert ca.tile_steps == cb.tile_steps
    key = lambda e: (e.count, e.flight_cycles, e.combine_cycles)  # noqa: E731
    assert sorted(map(key, ca.exchanges)) == sorted(map(key, cb.exchanges))


@pytest.mark.parametrize("arch", ["wormhole_b0", "blackhole"])
@pytest.mark.parametrize("shape,factory,S,affine", [
    ([1, 1, 64, 64], "resident", 0, (True, True)),
    ([1, 1, 2080, 96], "resident", 0, (True, False)),  # 65 tile-rows: uneven split
    ([1, 1, 64, 3000], "streaming", 0, (True, True)),  # partial last chunk
    ([3, 1, 96, 4096], "streaming", 0, (False, True)),
    ([1, 1, 32, 4096], "wsplit", 0, (True, True)),  # the model's S
    ([1, 1, 96, 256], "wsplit", 4, (True, True)),
    ([1, 1, 4096, 1024], "wsplit", 2, (False, False)),  # more tile-rows than groups
    ([1, 1, 64, 3000], "wsplit", 2, (True, True)),  # partial last tile
    ([2, 1, 32, 8192], "wsplit", 16, (True, True)),
    ([1, 1, 64, 16374], "wsplit", 4, (True, True)),  # row-major staging in chunks (Ws = 128), partial last tile
])
def test_analytic_work_equals_the_descriptors(arch, shape, factory, S, affine):
    """Two derivations that must agree: the C++ analytic work (_C.model.program_work, from the arguments and the
    factories' helpers) and the work counted from the built descriptor (device_model.work_from_descriptor)."""
    a, t = _attrs_args(shape, gamma=affine[0], beta=affine[1], arch=arch, program_factory=FACTORIES[factory],
                       wsplit_cores_per_row=S)
    desc = _C.create_program_descriptor(a, t, _C.TensorDesc(shape=shape))
    from_desc = dm.work_from_descriptor(desc, arch, shape, 2, 2, 2)
    analytic = _C.model.program_work(a, t, FACTORIES[factory], S)
    _same_work(analytic, from_desc)
    assert dm.program_time(analytic) == dm.program_time(from_desc)


@pytest.mark.parametrize("shape,factory", [([1, 1, 64, 3040], "streaming"), ([1, 1, 64, 4096], "streaming"),
                                           ([1, 1, 64, 96], "resident"), ([1, 1, 64, 128], "resident"),
                                           ([1, 1, 64, 1024], "resident"), ([1, 1, 64, 1440], "resident")])
def test_precise_analytic_work_equals_the_descriptors(shape, factory):
    # float32 (precise kernels): odd and even output widths (Wt 95 streams in chunks of 5, 128 in chunks of 8; Wt 3
    # and 4 row-resident), so the per-chunk reloads and the output sections are counted the same both ways, and a
    # streaming chunk is no longer bounded by DEST. The row-resident precise kernel sums pass B in blocks of the
    # streaming chunk's width (compute block_w: Wt 32 in 4 blocks of 8, Wt 45 in 9 of 5), each counted as a chunk.
    a, t = _attrs_args(shape, dtype=_C.DType.FLOAT32, program_factory=FACTORIES[factory])
    desc = _C.create_program_descriptor(a, t, _C.TensorDesc(shape=shape, dtype=_C.DType.FLOAT32))
    from_desc = dm.work_from_descriptor(desc, "wormhole_b0", shape, 4, 4, 4)
    analytic = _C.model.program_work(a, t, FACTORIES[factory], 0)
    _same_work(analytic, from_desc)
    reader, compute = desc.kernels[0], desc.kernels[1]
    bt = reader.compile_time_args[_C.reader_ct_args.Bt]
    wt = -(-shape[-1] // 32)
    assert bt == ({3040: 5, 4096: 8} if factory == "streaming" else {w: -(-w // 32) for w in (96, 128, 1024, 1440)})[
        shape[-1]]
    block = compute.compile_time_args[_C.compute_ct_args.block_w]  # the chunk (streaming) or pass B block
    assert block == {3040: 5, 4096: 8, 96: 3, 128: 4, 1024: 8, 1440: 5}[shape[-1]]
    sections = wt if bt % 2 else wt // 2  # output sections of 2 tiles, 1 when the output width is odd
    per_chunk = _C.model.steps_per_chunk(analytic.name + "_precise") * (wt // block)
    affine = 0 if factory == "streaming" else 2 * wt  # the streaming reader places gamma / beta as tiles
    kind = analytic.name + "_precise"
    assert analytic.busiest.tile_steps == (wt * _C.model.steps_per_tile(kind) + _C.model.steps_per_tile_row(kind)
                                           + per_chunk + sections * _C.model.steps_per_output_section(kind) + affine)


@pytest.mark.parametrize("dtype,fp32_dest,e", [("BFLOAT16", False, 2), ("FLOAT32", True, 4)],
                         ids=["fpu_kernel", "precise_kernel_fp32"])
def test_wsplit_kernels_analytic_work_equals_the_descriptors(dtype, fp32_dest, e):
    # The cases above run bf16 with fp32 DEST (the precise W-split kernel); here the FPU W-split kernel (16-bit DEST)
    # and float32 input (the precise kernel, 4-byte elements).
    dt = getattr(_C.DType, dtype)
    for shape, S in (([1, 1, 96, 256], 4), ([2, 1, 32, 8192], 16)):
        a, t = _attrs_args(shape, dtype=dt, fp32_dest=fp32_dest, program_factory=FACTORIES["wsplit"],
                           wsplit_cores_per_row=S)
        desc = _C.create_program_descriptor(a, t, _C.TensorDesc(shape=shape, dtype=dt))
        analytic = _C.model.program_work(a, t, FACTORIES["wsplit"], S)
        _same_work(analytic, dm.work_from_descriptor(desc, "wormhole_b0", shape, e, e, e))
        precise = bool(desc.kernels[2].compile_time_args[_C.wsplit_writer_ct_args.tile_exchange])
        assert precise == fp32_dest


def test_float32_analytic_work_equals_the_descriptors():
    for shape, factory in (([1, 1, 64, 512], "resident"), ([1, 1, 64, 4096], "streaming")):
        a, t = _attrs_args(shape, dtype=_C.DType.FLOAT32, program_factory=FACTORIES[factory])
        desc = _C.create_program_descriptor(a, t, _C.TensorDesc(shape=shape, dtype=_C.DType.FLOAT32))
        _same_work(_C.model.program_work(a, t, FACTORIES[factory]), dm.work_from_descriptor(desc, "wormhole_b0",
                                                                                            shape, 4, 4, 4))


def test_fitted_constant_is_the_c_literal():
    """The C++ literal kCyclesPerTileStep is the fit of CALIBRATION: refitting here must give it back (so a change
    to the model or to the figures that moves the fit fails until the literal is updated)."""
    assert dm.fit_cycles_per_step() == pytest.approx(_C.model.CYCLES_PER_TILE_STEP, rel=1e-6)
    assert dm.CYCLES_PER_TILE_STEP == _C.model.CYCLES_PER_TILE_STEP


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
    assert "tools/softfloat_cycles/results.csv" in c["softfloat_cycles"]["source"]
    assert "BabyRISCV/README.md" in c["softfloat_cycles"]["source"]


def test_model_error_is_the_c_literal():
    """kModelError (near-tie width of the selection) is the calibration's largest |model / published - 1|."""
    assert _C.model.MODEL_ERROR == pytest.approx(dm.calibration()["max_abs_error"], rel=1e-6)


def test_precise_wsplit_exchange_is_flight_only_and_selection_takes_the_fastest():
    """The precise W-split kernel's exchange has no soft float (its combine is compute: wsplit_combine_steps), so its
    exchange term is the one round's flight: bfloat16 1x1x256x512 on Wormhole (default config), where the earlier
    soft-float exchange was 40 us of the W-split's 52 and the row-resident program ran by a rule for exchange-bound
    W-splits (now gone), runs the fastest W-split, faster than the row-resident program beyond the model's error. The
    FPU kernel's W-split keeps its soft-float combine (1x1x64x512 with a 16-bit DEST: the fastest runs)."""
    a, t = _attrs_args([1, 1, 256, 512])
    cands = _C.model.candidates(a, t)
    rr = next(c for c in cands if c["factory"] == _C.program_factory_name())
    assert cands[0]["factory"] == _C.WSPLIT_PROGRAM_FACTORY and cands[0]["us"] == min(c["us"] for c in cands)
    assert cands[0]["combine_us"] == 0 and cands[0]["exchange_us"] < 0.1 * cands[0]["compute_us"]
    assert cands[0]["us"] * (1 + _C.model.MODEL_ERROR) < rr["us"]
    assert _C.select_program_factory(a, t) == _C.WSPLIT_PROGRAM_FACTORY
    a, t = _attrs_args([1, 1, 64, 512], fp32_dest=False)
    cands = _C.model.candidates(a, t)
    assert cands[0]["factory"] == _C.WSPLIT_PROGRAM_FACTORY and cands[0]["us"] == min(c["us"] for c in cands)
    assert cands[0]["combine_us"] > 0


@pytest.mark.parametrize("shape,fp32_dest,arch", [([1, 1, 4096, 16384], True, "blackhole"),
                                                   ([1, 1, 8192, 32768], False, "blackhole")])
def test_near_ties_go_to_the_fewest_dram_bytes(shape, fp32_dest, arch):
    """Blackhole bfloat16 (the precise W-split kernel against the shifted streaming one; the FPU kernels with a 16-bit
    DEST): the streaming program models a few % faster than the W-split one but reads the input 3 times. Within the
    model's error the W-split program (1 read) is selected; a gap wider than the error would not be."""
    a, t = _attrs_args(shape, arch=arch, fp32_dest=fp32_dest)
    cands = _C.model.candidates(a, t)
    st = next(c for c in cands if c["factory"] == _C.STREAMING_PROGRAM_FACTORY)
    first = cands[0]
    assert first["factory"] == _C.WSPLIT_PROGRAM_FACTORY
    assert st["us"] < first["us"] <= st["us"] * (1 + _C.model.MODEL_ERROR)
    assert first["dram_chip_us"] < st["dram_chip_us"]
    assert _C.select_program_factory(a, t) == first["factory"]
