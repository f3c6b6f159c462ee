# SPDX-License-Identifier: Apache-2.0
"""A device-time model (a FLOOR, not a promise) of this op's programs and of upstream's unfused chain.

What it estimates: microseconds of device kernel time on Wormhole n150 ("wormhole_b0") and Blackhole p150
("blackhole") of one program, from per-core work: DRAM bytes, NOC transactions and their bytes, tile compute steps,
and exchanges of partial statistics between cores. Upstream's ``to_layout(TILE) -> ttnn.layer_norm ->
to_layout(ROW_MAJOR)`` is counted the same way, one program per op, the three op times added.

The model itself lives in C++, one source of truth, bound as ``_C.model`` (cpp/device/layernorm_fused_rm_device_model.hpp:
the formula, its assumptions, what it leaves out, the arch constants with their sources, NOC occupancy, program time,
the W-split's exchange (one round of tiles and a combine in tile steps with fp32 DEST; two rounds and a soft-float
combine with a 16-bit DEST), and the work of the op's three programs computed analytically
from the arguments; ``select_program_factory`` picks the program with the lowest modelled time that fits L1, near-ties
within the calibration error (``_C.model.MODEL_ERROR``) going to a one-read program over streaming: the first of
``_C.model.candidates``). This module adds what only the bench and the calibration need: the work of upstream's
programs (from their published structure), the calibration figures and the fit of the one fitted constant (cycles per
tile step, a literal in C++ that test_dev/tools/test_device_model.py refits from CALIBRATION), and
``work_from_descriptor``: the same counts derived from a built program descriptor, the second derivation the tests
hold the analytic one to.

Model, per program (all terms in the arch's AI clock cycles, then /clock -> us)::

    t = max( total DRAM bytes / chip DRAM bandwidth,                               (chip DRAM floor)
             max over cores of [ max(NOC read occupancy, NOC write occupancy, compute)  (overlapped pipeline)
                                 + exchanges ] )                                     (serial sync points)

Assumptions (why it is a floor): perfect overlap of reader, compute and writer; no dispatch or launch time; no DRAM
latency (only its bandwidth); no NOC congestion beyond the chip DRAM bandwidth; Blackhole takes Wormhole's cycles
per tile step. Left out: dispatch, kernel launch, runtime-arg upload, DRAM latency, NOC congestion, the RISC-V cost
of issuing transactions, math fidelity and the cost difference of fp32 and bf16 operations (every tile step costs the
same; the kernel families differ in their counted steps: _C.model.steps_kind), L1 bank conflicts.
"""

from __future__ import annotations

import math
from typing import Any

from . import _C

M = _C.model

FLOOR_NOTE = ("model_us is a FLOOR with stated assumptions, not a promise: perfect reader/compute/writer overlap, "
              "no dispatch or launch time, no DRAM latency or NOC congestion, one fitted cycles-per-tile-step, "
              "every tile step (the W-split's SFPU combine included) at that cost, the 16-bit-DEST W-split's "
              "soft-float combine at cycles per fp32 operation measured on Debian's libgcc in an emulator "
              "(tools/softfloat_cycles), not on silicon")

TILE = 32  # tile side (32x32 tiles, faces 16x16)

# The C++ model's pieces, under the names the bench and the tests use.
CoreWork = M.CoreWork
ProgramWork = M.ProgramWork
Exchange = M.Exchange
noc_cycles = M.noc_cycles
program_time = M.program_time
SOFTFLOAT_CYCLES: dict[str, int] = dict(M.SOFTFLOAT_CYCLES)  # per fp32 operation: add (and sub), mul, div
STEPS: dict[str, int] = dict(M.all_steps_per_tile())
ARCHS = ("wormhole_b0", "blackhole")


def op_arguments(input_tensor, gamma=None, beta=None, eps: float = 1e-5, **kwargs) -> tuple[Any, Any]:
    """(attrs, tensor_args) of a ``layernorm_fused_rm`` call with these arguments (keywords as its: memory_config,
    compute_kernel_config, core_grid, program_factory, dtype, wsplit_cores_per_row), not validated. Raises TypeError
    as the op does for an argument of the wrong Python type."""
    from ._op import _Prepared

    p = _Prepared(input_tensor, gamma, beta, eps, kwargs.pop("memory_config", None),
                  kwargs.pop("compute_kernel_config", None), **kwargs)
    return p.attrs, p.tensor_args()


def op_candidates(input_tensor, gamma=None, beta=None, **kwargs) -> list[dict[str, Any]]:
    """Every program the op can run for these (valid) arguments with its modelled time, best first: the list
    ``select_program_factory`` takes the first of (``_C.model.candidates``; program_factory= is ignored)."""
    return M.candidates(*op_arguments(input_tensor, gamma, beta, **kwargs))


def op_work(input_tensor, gamma, beta, factory: str, S: int = 0, **kwargs) -> ProgramWork:
    """The C++ model's analytic ProgramWork of program `factory` (W-split: S cores per tile-row, 0 = the model's best)
    for these (valid) arguments (``_C.model.program_work``)."""
    return M.program_work(*op_arguments(input_tensor, gamma, beta, **kwargs), factory, S)


def work_from_descriptor(desc, arch: str, shape: list[int], e_in: int, e_out: int, e_affine: int) -> ProgramWork:
    """ProgramWork of this op's program descriptor (desc.kernels = [reader, compute, writer]), counted from the
    descriptor: the cross-check of the C++ analytic ``_C.model.program_work`` (the two must agree).

    Busiest core: r = its tile-rows (compute runtime arg num_blocks). The reader (compile-time args Wt, Bt,
    chunk_bytes, passes, affine_flags) reads each of the 32 sticks of a tile-row in ceil(Wt / Bt) chunks, `passes`
    times (1, or 3 streaming); each given gamma / beta once per core, or once per tile-row when passes = 3. The writer
    writes each output stick of the tile-row in the same chunks. W-split (program factory name contains "WSplit"):
    S = writer compile-time arg S, the core's slice is reader Wt tiles of the row (in chunks of Bt: the staging chunk
    when its unchunked CBs would not fit L1; the writer writes the same chunks). Per tile-row the writer sends to each
    of the S - 1 peers of its group, whose rectangle the writer's multicast corners give: with the precise kernel
    (writer compile-time arg tile_exchange) _C.model.TILE_RUNS runs of TILE_RUN_BYTES (its row of the 3 slot tiles) and
    one semaphore increment, the combine being _C.model.wsplit_combine_steps tile steps of the compute kernel; with the
    FPU kernel, per exchange round (_C.model.EXCHANGE_ROUNDS) a message (round 1 its slot, _C.model.SLOT_BYTES; round
    2 an owner's result block, _C.model.result_block_bytes(S): 8 B per owned row) and a semaphore increment, plus
    the soft-float combine (_C.model.wsplit_combine_cycles). DRAM bytes of the whole program: input `passes`
    times, output once, gamma and beta once per group of S cores (per tile-row when streaming). Raises ValueError
    when no core has a tile-row.
    """
    reader, compute, writer = desc.kernels
    working = [args[_C.compute_rt_args.num_blocks] for _, args in compute.runtime_args]
    working = [b for b in working if b > 0]
    if not working:
        raise ValueError(f"desc: no core has a tile-row (compute runtime arg num_blocks), got {desc!r}")
    r, W = max(working), shape[-1]
    ct = reader.compile_time_args
    wt, bt, passes = ct[_C.reader_ct_args.Wt], ct[_C.reader_ct_args.Bt], ct[_C.reader_ct_args.passes]
    flags = ct[_C.reader_ct_args.affine_flags]
    affine = bool(flags & _C.affine_flag.gamma) + bool(flags & _C.affine_flag.beta)
    pretiled = bool(flags & _C.affine_flag.pretiled)  # gamma / beta placed as tiles by the reader: not tilized
    chunks = -(-wt // bt)
    wsplit = "WSplit" in desc.program_factory
    S = writer.compile_time_args[_C.wsplit_writer_ct_args.S] if wsplit else 1
    cols = min(W, wt * TILE)  # elements of the row this core owns (the whole row unless W-split)
    last = cols - (chunks - 1) * bt * TILE  # elements in the last chunk
    per_stick = lambda e: [(chunks - 1, bt * TILE * e), (1, last * e)]  # noqa: E731
    kind = "wsplit" if wsplit else ("streaming" if passes == 3 else "row_resident")
    # The precise W-split kernel's tile exchange (writer compile-time arg tile_exchange), combined by compute.
    tiles = wsplit and bool(writer.compile_time_args[_C.wsplit_writer_ct_args.tile_exchange])
    # The compute kernel's family, from its file name: layernorm_fused_rm{,_shifted,_precise}{,_streaming,_wsplit}.cpp
    source = compute.kernel_source.rsplit("/", 1)[-1]
    family = "_precise" if "_precise" in source else ("_shifted" if "_shifted" in source else "")
    if wsplit and family:  # one precise W-split kernel, counted per input format (compile-time arg fp32_input)
        family = "_precise" if compute.compile_time_args[_C.wsplit_compute_ct_args.fp32_input] else "_shifted"
    steps = kind + family
    # per chunk: the streaming chunks, or the precise row-resident kernel's pass B blocks (compute block_w tiles)
    blocks = wt // compute.compile_time_args[_C.compute_ct_args.block_w] if steps == "row_resident_precise" else chunks
    affine_times = r if passes == 3 else 1
    n = lambda k, txns: [(k * c, b) for c, b in txns if c and k]  # noqa: E731
    core = CoreWork(
        read_txns=n(passes * TILE * r, per_stick(e_in)) + n(affine * affine_times, per_stick(e_affine)),
        write_txns=n(TILE * r, per_stick(e_out)),
        # its kernel's steps (_C.model.core_tile_steps): r tile-rows of wt tiles, the chunks (or pass B blocks),
        # output blocks of bt tiles (row-resident bt = wt; W-split the staging chunk), gamma / beta tilized once per
        # core unless the reader placed them as tiles
        tile_steps=M.core_tile_steps(steps, r, wt, blocks, bt, affine, 0 if pretiled else affine * wt),
    )
    if wsplit:  # the group's rectangle, from the writer's multicast corners (NOC coordinates)
        wrt = _C.wsplit_writer_rt_args
        a = writer.runtime_args[0][1]
        gx, gy = abs(a[wrt.mcast_x1] - a[wrt.mcast_x0]) + 1, abs(a[wrt.mcast_y1] - a[wrt.mcast_y0]) + 1
        flight = M.exchange_flight_cycles(arch, gx, gy)
        msgs = r * (S - 1)
        if tiles:
            fp32_input = bool(compute.compile_time_args[_C.wsplit_compute_ct_args.fp32_input])
            core.tile_steps += r * M.wsplit_combine_steps(S, fp32_input)
            core.exchanges = [Exchange(r, flight, 0)]
            core.write_txns = core.write_txns + [(msgs * M.TILE_RUNS, M.TILE_RUN_BYTES), (msgs, M.SEMAPHORE_BYTES)]
        else:
            core.exchanges = [Exchange(r, flight, M.wsplit_combine_cycles(S)), Exchange(r, flight, 0)]
            core.write_txns = core.write_txns + [(msgs, M.SLOT_BYTES), (msgs, M.result_block_bytes(S)),
                                                 (M.EXCHANGE_ROUNDS * msgs, M.SEMAPHORE_BYTES)]
    rows = math.prod(shape) // W
    cores = len(working)
    # gamma and beta: the whole row once per group of S cores (each core its slice), per tile-row when streaming
    affine_rows = sum(working) if passes == 3 else cores // S
    dram = passes * rows * W * e_in + rows * W * e_out + affine * affine_rows * W * e_affine
    return ProgramWork(kind, arch, cores, core, dram, S)


def _tiled_op(arch: str, kind: str, tile_rows: int, Wt: int, grid: int, e: int, *, reads: int = 1,
              in_rm: bool = False, out_rm: bool = False, affine: bool = False) -> ProgramWork:
    """An upstream interleaved op splitting tile-rows over min(grid, tile_rows) cores: reads its input `reads`
    times (as 32 sticks of a tile-row when in_rm, else as tiles), writes its output once (sticks or tiles)."""
    cores = min(grid, tile_rows)
    r = -(-tile_rows // cores)
    tile_bytes = TILE * TILE * e
    stick = Wt * TILE * e
    rd = [(reads * TILE * r, stick)] if in_rm else [(reads * r * Wt, tile_bytes)]
    if affine:
        rd.append((2 * Wt, TILE * e))  # gamma, beta as [W/32, 32] row-major sticks, once per core
    wr = [(TILE * r, stick)] if out_rm else [(r * Wt, tile_bytes)]
    steps = r * Wt * STEPS[kind] + (r * 2 if kind != "layout" else 0)  # + per tile-row statistics steps
    dram = tile_rows * Wt * tile_bytes * (reads + 1) + (cores * 2 * Wt * TILE * e if affine else 0)
    return ProgramWork(kind, arch, cores, CoreWork(rd, wr, steps), dram)


def upstream_single_pass_fits(Wt: int, e: int, free_l1_bytes: int) -> bool:
    """Whether upstream's interleaved layer_norm keeps a tile-row resident (else its large-tensor path reads
    the input 3 times). ASSUMPTION: 6 tile-row-sized CBs must fit free L1, which reproduces issue 12's statement
    that the single-pass program fits about W 4000 bf16 on Wormhole (6 x 125 tiles x 2 KiB = 1.5 MB)."""
    return 6 * Wt * TILE * TILE * e <= free_l1_bytes


def unfused_works(arch: str, shape: list[int], e: int, grid: int, free_l1_bytes: int) -> list[ProgramWork]:
    """The three programs of to_layout(TILE) -> layer_norm -> to_layout(ROW_MAJOR), each splitting tile-rows over
    min(grid, tile-rows) cores (ASSUMPTION: upstream's interleaved tilize/untilize split by tile-rows)."""
    W, H = shape[-1], shape[-2] if len(shape) >= 2 else 1
    B = math.prod(shape[:-2]) if len(shape) > 2 else 1
    tile_rows, Wt = B * -(-H // TILE), -(-W // TILE)
    large = not upstream_single_pass_fits(Wt, e, free_l1_bytes)
    return [
        _tiled_op(arch, "layout", tile_rows, Wt, grid, e, in_rm=True),
        _tiled_op(arch, "ln_large" if large else "ln", tile_rows, Wt, grid, e, reads=3 if large else 1, affine=True),
        _tiled_op(arch, "layout", tile_rows, Wt, grid, e, out_rm=True),
    ]


# ---------------------------------------------------------------------------------------------------------------
# Calibration: published device times, each modelled from its published configuration.
CALIBRATION = [
    {
        "source": "tenstorrent/tt-mlir issue 7717 (GPT-OSS 20B decode): LayerNormDeviceOperation (rms_norm) "
                  "108 us on 1 core; input 32x2880 (hidden 2880), bf16 TILE DRAM-interleaved and Wormhole ASSUMED",
        "measured_us": 108.0,
        "work": lambda: _tiled_op("wormhole_b0", "rms", 1, 90, 1, 2, affine=True),
    },
    {
        "source": "tenstorrent/tt-metal issue 8060 (Llama2 decode): width-sharded RMSNorm 1x1x32x8192 bf16 on 32 "
                  "Wormhole cores (shard 32x256, block_w 8, HiFi2), device kernel duration 24886 ns",
        "measured_us": 24.886,
        "work": lambda: _sharded_rms_8060(),
    },
]


def _sharded_rms_8060() -> ProgramWork:
    """Upstream's sharded RMSNorm of 2024 (layernorm_op_multi_core_sharded.cpp, reader_mcast_sender_unary_
    sharded_ln.cpp): the input is in L1 (no DRAM); each core squares and reduces its 8 tiles into one partial
    tile; the sender core reads the 32 partial tiles (one per core), reduces them, multicasts the result; every
    core multiplies its 8 tiles by inv_rms and gamma. Busiest core = the sender."""
    tile = 2048
    core = CoreWork(read_txns=[(32, tile), (8, 64)], write_txns=[(1, tile)],
                    tile_steps=8 * STEPS["rms"] + 32 + 2)
    flight = M.exchange_flight_cycles("wormhole_b0", 8, 4)
    core.exchanges = [Exchange(2, flight, 0)]  # gather signal, multicast signal
    return ProgramWork("rms_sharded", "wormhole_b0", 32, core, 8192 * 2)


def fit_cycles_per_step() -> float:
    """The one fitted constant: cycles per tile step minimizing the largest |log(model / measured)| over
    CALIBRATION (ternary search; the error is unimodal in it)."""
    works = [(c["work"](), c["measured_us"]) for c in CALIBRATION]
    err = lambda C: max(abs(math.log(program_time(w, C)["us"] / m)) for w, m in works)  # noqa: E731
    lo, hi = 10.0, 5000.0
    for _ in range(200):
        m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        lo, hi = (lo, m2) if err(m1) <= err(m2) else (m1, hi)
    return (lo + hi) / 2


# The fitted constant as the C++ model holds it (a literal there; test_device_model refits it from CALIBRATION).
CYCLES_PER_TILE_STEP: float = M.CYCLES_PER_TILE_STEP


def calibration() -> dict[str, Any]:
    """Each calibration figure, the model's value with the fitted constant, and the relative error."""
    rows = []
    for c in CALIBRATION:
        t = program_time(c["work"](), CYCLES_PER_TILE_STEP)
        rows.append({"source": c["source"], "measured_us": c["measured_us"], "model_us": t["us"],
                     "error": t["us"] / c["measured_us"] - 1.0, "bound": t["bound"]})
    return {"cycles_per_tile_step": CYCLES_PER_TILE_STEP, "figures": rows,
            "max_abs_error": max(abs(r["error"]) for r in rows)}


def constants() -> dict[str, Any]:
    """Every constant with its source (for the bench JSON and the report)."""
    out: dict[str, Any] = {}
    for arch in ARCHS:
        c = M.arch_constants(arch)
        out[arch] = {k: {"value": c[k], "source": s} for k, s in c["sources"].items()}
    out["cycles_per_tile_step"] = {"value": CYCLES_PER_TILE_STEP,
                                   "source": "fitted to CALIBRATION (tt-mlir#7717, tt-metal#8060) by "
                                             "fit_cycles_per_step; a literal in the C++ model"}
    out["softfloat_cycles"] = {"value": dict(SOFTFLOAT_CYCLES),
                               "source": "measured: tools/softfloat_cycles/results.csv (libgcc __addsf3/__subsf3, "
                                         "__mulsf3, __divsf3 for rv32im, Debian GCC 12.2, run in Unicorn on the "
                                         "writer's operand ranges, timed with tt-isa-documentation WormholeB0/"
                                         "TensixTile/BabyRISCV/README.md; floor case, the mean over operand classes)"}
    out["combine"] = {"value": {"ops_per_partial_update": M.COMBINE_OPS, "exchange_rounds": M.EXCHANGE_ROUNDS,
                                "ops_per_owned_row": M.ROW_OPS,
                                "precise_steps_per_tile_row": {"float32": M.wsplit_combine_steps(32, True),
                                                               "bfloat16": M.wsplit_combine_steps(32, False)}},
                      "source": "the W-split's combine, counted from its source: FPU kernel (16-bit DEST), the "
                                "writer's soft-float combine, per tile-row ceil(32 / S) owned rows x (S partial "
                                "updates x 7 fp32 operations + 1 division) per core, two exchange rounds; precise "
                                "kernel (the fp32-DEST families), one exchange round of tile rows and a combine of "
                                "19 G + 24 (bfloat16: 27) tile steps on the compute core, G = ceil(S / 32) (shown for "
                                "S <= 32)"}
    out["steps_per_tile"] = {"value": dict(STEPS), "source": "counted from the compute kernels (module docstring)"}
    return out
