# SPDX-License-Identifier: Apache-2.0
"""``python -m layernorm_fused_rm bench``: what the op's program does with each shape, and what it costs.

A benchmark, not a test. For every (arch, dtype, shape) it builds the program descriptor the op would run
(with gamma and beta of W elements each, in the input's dtype) and reports:

program, cores, tile-rows per core
    ``program_factory`` of the descriptor; cores = cores whose compute runtime args give them at least one
    tile-row (compute runtime arg num_blocks = that core's number of 32-row blocks); max and mean of it over them.

DRAM bytes / minimum (fused)
    minimum = input once + output once + gamma and beta once per core used::

        minimum = N*W*e_in + N*W*e_out + C*(W*e_gamma + W*e_beta)

    N = rows (volume / W), e_* = bytes per element of each tensor (output in the input's dtype),
    C = cores with work (above). Gamma and beta are counted once per core because every core needs the whole
    row of them and cores do not share L1.
    analytic bytes, from the descriptor: every core's reader reads its sticks (reader runtime arg num_sticks, of
    W*e_in bytes each) P times, every core's writer writes its sticks once (writer runtime arg num_sticks, of
    W*e_out bytes each). P = reader compile-time arg passes over each tile-row: 1 for the row-resident
    program, which also reads gamma and beta once per core; 3 for the streaming program (mean, variance,
    normalize), which reads gamma and beta again for every 32-row block it normalizes (ceil(sticks / 32) times
    per core). test_bench checks this model against the measured bytes of both programs.
    measured bytes: ``dram_bytes_read + dram_bytes_written`` from the emulator's RunStats, when the shape ran.
    The ratio printed is the measured one when the shape ran, else the analytic one (column "src").

DRAM bytes / minimum (unfused chain), analytic only
    to_layout(TILE) -> ttnn.layer_norm -> to_layout(ROW_MAJOR), each op reading its input once and writing
    its output once. TILE layout pads H (the second-to-last dim) and W up to multiples of 32, so each tiled
    tensor holds T = B*ceil32(H)*ceil32(W)*e bytes (B = product of the leading dims). Upstream layer_norm
    splits tile-rows over the grid: C_u = min(grid cores, B*ceil32(H)/32) cores, each reading gamma and beta
    (ceil32(W) elements each) once. Total = N*W*e (read RM) + T (write tiled) + T (read tiled) +
    2*C_u*ceil32(W)*e (gamma, beta) + T (write tiled) + T (read tiled) + N*W*e (write RM), divided by that
    chain's own minimum N*W*e*2 + 2*C_u*W*e. Upstream layer_norm in ttnn 0.81 wants gamma as [W/32, 32]
    row-major; gamma in TILE layout would be padded to 32 rows and cost 32x more than counted here.

L1
    "L1 CBs" = the largest per-core sum of circular-buffer sizes in the descriptor; "L1 hw" = the emulator's
    l1_high_water (end address of the last CB on any core, absolute, CBs placed from l1_unreserved_base at
    l1_alignment as the emulator does); for shapes not run, the same end address computed from the descriptor.

Throughput, build time
    elements/s = N*W / median wall time of one ``ttnn.layernorm_fused_rm`` call on the host emulator (after one
    untimed warm-up call that JIT-compiles the kernels and fills the program cache; it includes the host
    upload and download). build us = median over several calls of ``layernorm_fused_rm.create_program_descriptor``
    (argument conversion, validation and the C++ program factory; no program cache).

Device-time model (model_us, model_us_unfused, split, model_choice)
    ``device_model`` (its docstring states the model, its assumptions and the source of every constant): the
    program the op runs, each program it can be forced to (the W-split with every S dividing Wt, when the build
    has it), and upstream's chain, counted from descriptors (upstream's from its published structure). A floor
    with stated assumptions, not a promise; the calibration error against published device times is printed.

Shapes whose element count exceeds ``--max-elements`` are not run (the emulator runs on the host's CPU cores):
their measured columns say "not run". Shapes or dtypes the op rejects appear as rows "rejected: <message>".
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from contextlib import contextmanager
from typing import Any, Iterator, TextIO

SHAPES: list[list[int]] = [
    [1, 1, 32, 4096],  # decode
    [1, 1, 32, 8192],
    [1, 1, 2048, 4096],  # prefill (issue 12 asks for it too: already here)
    [8, 1, 128, 768],  # BERT
    [1, 1, 8192, 1024],
    [1, 1, 32, 32768],  # wide
    [1, 1, 128, 65536],
    [1, 1, 32, 2048],  # issue 12: decode widths and a prefill block
    [1, 1, 32, 16384],
    [1, 1, 128, 8192],
]
DTYPES = ["bf16", "fp32"]
ARCHS = ["wormhole_b0", "blackhole"]
DEFAULT_MAX_ELEMENTS = 4 * 1024 * 1024
DEFAULT_REPEATS, QUICK_REPEATS = 3, 1
DEFAULT_BUILDS, QUICK_BUILDS = 25, 5

NOT_RUN = "not run"


def parse_shape(text: str) -> list[int]:
    """"1x1x32x4096", "1,1,32,4096" or "[1, 1, 32, 4096]" -> [1, 1, 32, 4096]."""
    t = text.strip().strip("[]()").replace(",", "x").replace(" ", "")
    try:
        shape = [int(d) for d in t.split("x")]
    except ValueError:
        raise ValueError(f"shape must look like 1x1x32x4096, got {text!r}") from None
    if not shape or any(d <= 0 for d in shape):
        raise ValueError(f"shape must be positive dims like 1x1x32x4096, got {text!r}")
    return shape


def _max_of(v: Any) -> Any:
    """A RunStats counter as one number: itself, or the max of a per-core list/dict."""
    if isinstance(v, dict):
        return max(v.values()) if v else 0
    if isinstance(v, (list, tuple)):
        return max(v) if v else 0
    return v


def _sum_of(v: Any) -> Any:
    if isinstance(v, dict):
        return sum(v.values())
    if isinstance(v, (list, tuple)):
        return sum(v)
    return v


@contextmanager
def _arch_env(arch: str) -> Iterator[None]:
    from ._op import ARCH_ENV

    old = os.environ.get(ARCH_ENV)
    os.environ[ARCH_ENV] = arch
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(ARCH_ENV, None)
        else:
            os.environ[ARCH_ENV] = old


def unfused_chain(shape: list[int], elem_bytes: int, grid_cores: int) -> dict[str, Any]:
    """Analytic DRAM traffic of to_layout(TILE) -> ttnn.layer_norm -> to_layout(ROW_MAJOR) (module docstring)."""
    from . import _C

    W = shape[-1]
    H = shape[-2] if len(shape) >= 2 else 1
    B = math.prod(shape[:-2]) if len(shape) > 2 else 1
    rm = math.prod(shape) * elem_bytes
    padded_w = _C.tiles_of_width(W) * _C.TILE_WIDTH  # TILE layout pads W and H to whole tiles
    tile_rows = B * _C.tile_rows_of(H)
    tiled = tile_rows * _C.TILE_HEIGHT * padded_w * elem_bytes
    cores = min(grid_cores, tile_rows)
    gamma_beta = 2 * cores * padded_w * elem_bytes
    total = rm + tiled + tiled + gamma_beta + tiled + tiled + rm
    minimum = 2 * rm + 2 * cores * W * elem_bytes
    return {
        "cores": cores,
        "tile_rows": tile_rows,
        "bytes": total,
        "minimum_bytes": minimum,
        "ratio": total / minimum,
        "steps": {
            "to_layout_tile": {"read": rm, "written": tiled},
            "layer_norm": {"read": tiled + gamma_beta, "written": tiled},
            "to_layout_row_major": {"read": tiled, "written": rm},
        },
    }


def descriptor_facts(desc, arch_params, shape: list[int], e_in: int, e_out: int, e_gamma: int, e_beta: int) -> dict:
    """Work split, analytic DRAM bytes and L1 of a descriptor (module docstring), from its runtime args and CBs."""
    from . import _C

    reader, compute, writer = desc.kernels  # the factory's contract: [reader, compute, writer]
    W = shape[-1]
    rows = math.prod(shape) // W
    blocks = {(c.x, c.y): args[_C.compute_rt_args.num_blocks] for c, args in compute.runtime_args}
    reader_sticks = {(c.x, c.y): args[_C.reader_rt_args.num_sticks] for c, args in reader.runtime_args}
    writer_sticks = {(c.x, c.y): args[_C.writer_rt_args.num_sticks] for c, args in writer.runtime_args}
    working = sorted(k for k, b in blocks.items() if b > 0)
    problems = []
    # Reads of each stick: reader compile-time arg "passes" (1 row-resident, 3 streaming, as the reader kernel
    # documents). With 1 pass gamma and beta are read once per core; with 3, their chunks are read again for every
    # 32-row block in the normalize pass.
    passes = reader.compile_time_args[_C.reader_ct_args.passes]
    if passes not in (1, 3):
        problems.append(f"reader compile-time arg passes is {passes}, expected 1 or 3: analytic assumes 1")
        passes = 1
    # Columns of the row each core reads and writes: the whole row, or (W-split) its slice from reader runtime arg
    # col_offset (bytes), reader compile-time arg Wt tiles wide (the last slice may be narrower).
    wt = reader.compile_time_args[_C.reader_ct_args.Wt]
    cols = {(c.x, c.y): min(W - args[_C.reader_rt_args.col_offset] // e_in, wt * 32) for c, args in reader.runtime_args}
    read = written = vectors = 0
    for k, n in reader_sticks.items():
        if n > 0:
            read += passes * n * cols[k] * e_in + (1 if passes == 1 else _C.tile_rows_of(n)) * cols[k] * (e_gamma + e_beta)
            vectors += cols[k]
    for k, n in writer_sticks.items():
        written += n * cols[k] * e_out
    minimum = rows * W * (e_in + e_out) + vectors * (e_gamma + e_beta)
    split = writer.compile_time_args[_C.wsplit_writer_ct_args.S] if "WSplit" in desc.program_factory else 1

    program_cores: set[tuple[int, int]] = set()
    for k in desc.kernels:
        program_cores.update((c.x, c.y) for c in k.core_ranges.cores())
    l1_cb_bytes, l1_end = 0, 0
    for x, y in program_cores:
        core = _C.CoreCoord(x, y)
        total, end = 0, arch_params.l1_unreserved_base
        for cb in desc.cbs:
            if cb.core_ranges.contains(core):
                total += cb.total_size
                end = -(-end // arch_params.l1_alignment) * arch_params.l1_alignment + cb.total_size
        l1_cb_bytes, l1_end = max(l1_cb_bytes, total), max(l1_end, end)

    per_core = [blocks[k] for k in working]
    # Every stick (every tile-row) once per core of its group: S times in a W-split program, once otherwise.
    if sum(reader_sticks.values()) != split * rows:
        problems.append(f"reader sticks sum to {sum(reader_sticks.values())}, expected {split} x {rows} rows")
    if sum(writer_sticks.values()) != split * rows:
        problems.append(f"writer sticks sum to {sum(writer_sticks.values())}, expected {split} x {rows} rows")
    if sum(per_core) != split * _C.tile_rows_of(rows):
        problems.append(f"compute blocks sum to {sum(per_core)}, expected {split} x ceil(rows/32) = "
                        f"{split * _C.tile_rows_of(rows)}")
    return {
        "program_factory": desc.program_factory,
        "cores_used": len(working),
        "cores_in_program": len(program_cores),
        "split": split,
        "tile_rows_per_core_max": max(per_core) if per_core else 0,
        "tile_rows_per_core_mean": (sum(per_core) / len(per_core)) if per_core else 0.0,
        "reads_per_stick": passes,
        "analytic_read": read,
        "analytic_written": written,
        "minimum_bytes": minimum,
        "l1_cb_bytes_per_core": l1_cb_bytes,
        "l1_end_analytic": l1_end,
        "problems": problems,
    }


def _tensors(shape: list[int], dtype: str, random: bool):
    import torch
    import ttnn

    tt_dtype, torch_dtype = {"bf16": (ttnn.bfloat16, torch.bfloat16), "fp32": (ttnn.float32, torch.float32)}[dtype]
    W = shape[-1]
    g = torch.Generator().manual_seed(0)
    make = (lambda s: torch.randn(s, generator=g)) if random else torch.zeros
    x = make(shape).to(torch_dtype)
    gamma = (make([W]) + 1).to(torch_dtype)
    beta = make([W]).to(torch_dtype)
    conv = lambda t: ttnn.from_torch(t, dtype=tt_dtype, layout=ttnn.ROW_MAJOR_LAYOUT)  # noqa: E731
    return conv(x), conv(gamma), conv(beta), x.element_size()


def bench_one(arch: str, dtype: str, shape: list[int], *, max_elements: int, repeats: int, builds: int,
              log: TextIO | None = None) -> dict[str, Any]:
    """One row of the bench: see the module docstring for every field."""
    import ttnn

    from . import _C
    from ._op import create_program_descriptor

    params = _C.ArchParams.by_name(arch)
    grid = params.grid_x * params.grid_y
    elements = math.prod(shape)
    e = 2 if dtype == "bf16" else 4
    row: dict[str, Any] = {
        "arch": params.name,
        "dtype": dtype,
        "shape": list(shape),
        "elements": elements,
        "grid": [params.grid_x, params.grid_y],
        "grid_cores": grid,
        "l1_size": params.l1_size,
        "status": None,
        "message": None,
        "program_factory": None,
        "cores_used": None,
        "cores_in_program": None,
        "tile_rows": _C.tile_rows_of(elements // shape[-1]),
        "tile_rows_per_core_max": None,
        "tile_rows_per_core_mean": None,
        "dram": None,
        "unfused": unfused_chain(shape, e, grid),
        "l1_cb_bytes_per_core": None,
        "l1_high_water": None,
        "l1_high_water_source": None,
        "l1_high_water_analytic": None,
        "problems": [],
        "throughput_elements_per_s": None,
        "descriptor_build_us": None,
        "run": None,
        "targets": None,
        "model_us": None,
        "model_us_unfused": None,
        "split": None,
        "model_choice": None,
        "model": None,
    }
    with _arch_env(params.name):
        _model_unfused(row, shape, e, params)
    will_run = elements <= max_elements
    with _arch_env(params.name):
        x, gamma, beta, e_in = _tensors(shape, dtype, random=will_run)
        try:
            desc = create_program_descriptor(x, gamma, beta)
        except (ValueError, RuntimeError) as err:  # validation: ValueError (argument), RuntimeError (L1 limit)
            row["status"] = "rejected"
            row["message"] = f"rejected: {err}"
            return row
        times = []
        for _ in range(builds):
            t0 = time.perf_counter()
            create_program_descriptor(x, gamma, beta)
            times.append(time.perf_counter() - t0)
        row["descriptor_build_us"] = statistics.median(times) * 1e6

        facts = descriptor_facts(desc, params, shape, e_in, e_in, e_in, e_in)
        row.update({k: facts[k] for k in ("program_factory", "cores_used", "cores_in_program", "split",
                                          "tile_rows_per_core_max", "tile_rows_per_core_mean",
                                          "l1_cb_bytes_per_core")})
        analytic = facts["analytic_read"] + facts["analytic_written"]
        dram = {
            "minimum_bytes": facts["minimum_bytes"],
            "reads_per_stick": facts["reads_per_stick"],
            "analytic_read": facts["analytic_read"],
            "analytic_written": facts["analytic_written"],
            "analytic_bytes": analytic,
            "analytic_ratio": analytic / facts["minimum_bytes"],
            "measured_read": NOT_RUN,
            "measured_written": NOT_RUN,
            "measured_bytes": NOT_RUN,
            "measured_ratio": NOT_RUN,
            "ratio": analytic / facts["minimum_bytes"],
            "ratio_source": "analytic",
        }
        row["dram"] = dram
        row["l1_high_water"] = row["l1_high_water_analytic"] = facts["l1_end_analytic"]
        row["l1_high_water_source"] = "analytic"
        row["problems"] = facts["problems"]
        _model_programs(row, desc, x, gamma, beta)
        if not will_run:
            row["status"] = NOT_RUN
            row["message"] = f"not run: {elements} elements > --max-elements {max_elements}"
            row["throughput_elements_per_s"] = NOT_RUN
            row["targets"] = _targets(row)
            return row

        if log:
            print(f"  running {params.name} {dtype} {'x'.join(map(str, shape))} ...", file=log, flush=True)
        try:
            ttnn.layernorm_fused_rm(x, gamma, beta)  # warm-up: JIT compile, program cache fill
            secs, stats = [], None
            for _ in range(max(1, repeats)):
                t0 = time.perf_counter()
                _, stats = ttnn.layernorm_fused_rm(x, gamma, beta, return_stats=True)
                secs.append(time.perf_counter() - t0)
        except Exception as err:  # noqa: BLE001  (a run failure is a finding: report it, go on, exit 1)
            row["status"] = "failed"
            row["message"] = f"failed: {type(err).__name__}: {err}"
            return row
    measured_read, measured_written = stats["dram_bytes_read"], stats["dram_bytes_written"]
    dram.update({
        "measured_read": measured_read,
        "measured_written": measured_written,
        "measured_bytes": measured_read + measured_written,
        "measured_ratio": (measured_read + measured_written) / facts["minimum_bytes"],
        "ratio": (measured_read + measured_written) / facts["minimum_bytes"],
        "ratio_source": "measured",
    })
    row["l1_high_water"] = _max_of(stats["l1_high_water"])
    row["l1_high_water_source"] = "measured"
    row["throughput_elements_per_s"] = elements / statistics.median(secs)
    row["run"] = {
        "seconds": secs,
        "cores_used": len(stats["cores_used"]) if isinstance(stats["cores_used"], (list, dict)) else stats["cores_used"],
        "tiles_computed": _sum_of(stats["tiles_computed"]),
        "noc_transactions": _sum_of(stats["noc_transactions"]),
        "jit_compiles": stats["jit_compiles"],
        "jit_cache_hits": stats["jit_cache_hits"],
        "program_cache_hit": stats.get("program_cache_hit"),
        "warnings": list(stats.get("warnings", [])),
    }
    row["status"] = "run"
    row["targets"] = _targets(row)
    return row


def _model_unfused(row: dict[str, Any], shape: list[int], e: int, params) -> None:
    """model_us_unfused: device_model of to_layout(TILE) -> layer_norm -> to_layout(ROW_MAJOR), the 3 ops added."""
    from . import device_model as dm

    ops = [dm.program_time(w, dm.CYCLES_PER_TILE_STEP)
           for w in dm.unfused_works(params.name, shape, e, params.grid_x * params.grid_y, params.free_l1_bytes())]
    row["model_us_unfused"] = sum(o["us"] for o in ops)
    row["model"] = {"unfused": ops}


def _model_programs(row: dict[str, Any], desc, x, gamma, beta) -> None:
    """model_us / split of the program the op chose (the C++ model's analytic work of that program); model_choice =
    the best program that fits L1 (the first of ``_C.model.candidates``: what select_program_factory takes)."""
    from . import device_model as dm

    cands = dm.op_candidates(x, gamma, beta)
    key = lambda c: c["factory"] + (f" S={c['split']}" if c["program"] == "wsplit" else "")  # noqa: E731
    candidates = {key(c): c for c in cands}
    chosen = next(c for c in cands if c["factory"] == desc.program_factory)  # the first of its factory: the best S
    row["model_us"], row["split"] = chosen["us"], chosen["split"]
    row["model_choice"] = cands[0]["factory"]
    row["model"].update({"chosen": chosen, "candidates": candidates})


TENTH_SHAPES = ([1, 1, 32, 4096], [1, 1, 32, 8192], [1, 1, 32, 32768])  # issue 12: model_us <= model_us_unfused / 10


def _targets(row: dict[str, Any]) -> dict[str, Any]:
    """Issue 12's "done when" figures for this row (None where the target does not apply): DRAM bytes / minimum
    <= 1.05; 1x1x32x4096 uses >= 32 cores on Wormhole; model_us < model_us_unfused, and <= 1/10 of it on
    TENTH_SHAPES."""
    wh_decode = row["arch"] == "wormhole_b0" and row["shape"] == [1, 1, 32, 4096]
    return {"dram_ratio_le_1_05": row["dram"]["ratio"] <= 1.05,
            "cores_ge_32": row["cores_used"] >= 32 if wh_decode else None,
            "model_lt_unfused": row["model_us"] < row["model_us_unfused"],
            "model_le_tenth_unfused": row["model_us"] * 10 <= row["model_us_unfused"]
            if row["shape"] in TENTH_SHAPES else None}


def run_bench(*, archs: list[str], dtypes: list[str], shapes: list[list[int]], max_elements: int, repeats: int,
              builds: int, log: TextIO | None = None) -> dict[str, Any]:
    rows = []
    for arch in archs:
        for dtype in dtypes:
            for shape in shapes:
                rows.append(bench_one(arch, dtype, shape, max_elements=max_elements, repeats=repeats,
                                      builds=builds, log=log))
    return {
        "command": "bench",
        "max_elements": max_elements,
        "repeats": repeats,
        "builds": builds,
        "definitions": DEFINITIONS,
        "model": _model_header(),
        "rows": rows,
        "failed": sum(r["status"] == "failed" for r in rows),
    }


def _model_header() -> dict[str, Any]:
    from . import device_model as dm

    return {"note": dm.FLOOR_NOTE, "calibration": dm.calibration(), "constants": dm.constants()}


DEFINITIONS = {
    "model_us": "device-time model (cpp/device/layernorm_fused_rm_device_model.hpp, _C.model) of the program the op "
                "runs by default: modelled device microseconds, a FLOOR with stated assumptions, not a promise",
    "model_us_unfused": "device_model of to_layout(TILE) -> layer_norm (3-read large-tensor path when its row does "
                        "not fit L1) -> to_layout(ROW_MAJOR), the three op times added",
    "split": "cores per tile-row of the program the op runs (W-split S; 1 otherwise)",
    "model_choice": "the program with the lowest modelled time among those that fit L1 (_C.model.candidates: "
                    "row-resident, streaming, the W-split with every S its predicate accepts; ties: fewer cores, "
                    "then row-resident, streaming, W-split, then smaller S; within the model's calibration error "
                    "of a streaming program, a one-read program goes first; the row-resident program goes before "
                    "a W-split within that error taken on each of the two, a factor (1 + e) / (1 - e)): the first of "
                    "model.candidates; select_program_factory runs it "
                    "(split = its S)",
    "model": "terms of each modelled program (us): chosen, candidates, unfused (its 3 ops)",
    "cores_used": "cores whose compute runtime arg [0] (tile-rows) is > 0 (W-split: S per tile-row group)",
    "tile_rows_per_core": "compute runtime arg [0] over the cores used: max and mean (W-split: every core of a group "
                          "counts the group's tile-rows)",
    "dram.minimum_bytes": "N*W*e_in + N*W*e_out + C*(e_gamma + e_beta): input once, output once, gamma and beta once "
                          "per core used, C = sum over the cores used of the columns each owns (W, or its W-split "
                          "slice: W once per group of S cores)",
    "dram.analytic_bytes": "from the descriptor: each core's reader reads its num_sticks sticks of its columns (the "
                           "row, or its W-split slice) P times (P = reader compile-time arg passes: 1 row-resident and "
                           "W-split, 3 streaming) and its columns of gamma and beta once per core when P = 1, once per "
                           "32-row block when P = 3; each core's writer writes its sticks' columns once",
    "dram.measured_bytes": "RunStats dram_bytes_read + dram_bytes_written of one run on the host emulator",
    "dram.ratio": "measured_bytes / minimum_bytes when run, else analytic_bytes / minimum_bytes (ratio_source)",
    "unfused": "to_layout(TILE) -> ttnn.layer_norm -> to_layout(ROW_MAJOR), analytic: each op reads its input and "
               "writes its output once; TILE pads H and W to multiples of 32; layer_norm splits tile-rows over "
               "min(grid, tile-rows) cores, each reading gamma and beta (ceil32(W) elements each) once; ratio = bytes "
               "/ (2*N*W*e + 2*cores*W*e)",
    "l1_high_water": "emulator RunStats l1_high_water (end address of the last CB, absolute) when run, else the "
                     "same end address computed from the descriptor's CBs (l1_high_water_source)",
    "l1_high_water_analytic": "end address of the last CB computed from the descriptor: from l1_unreserved_base, "
                              "each CB aligned to l1_alignment, largest over cores",
    "l1_cb_bytes_per_core": "largest per-core sum of the descriptor's CB total_size",
    "targets": "issue 12 (None where a target does not apply): dram_ratio_le_1_05 = (dram.ratio <= 1.05); "
               "cores_ge_32 = (cores_used >= 32) for 1x1x32x4096 on wormhole_b0; model_lt_unfused = (model_us < "
               "model_us_unfused); model_le_tenth_unfused = (10 * model_us <= model_us_unfused) for 1x1x32x4096, "
               "1x1x32x8192 and 1x1x32x32768",
    "problems": "descriptor inconsistencies found by the bench (sticks or tile-rows not summing to the tensor's)",
    "throughput_elements_per_s": "N*W / median wall time of one ttnn.layernorm_fused_rm call on the host emulator "
                                 "(after an untimed warm-up; includes host upload and download)",
    "descriptor_build_us": "median wall time of layernorm_fused_rm.create_program_descriptor (conversion, "
                           "validation, C++ program factory; the program cache is not used)",
}


def _fmt_bytes(n: Any) -> str:
    if not isinstance(n, (int, float)):
        return str(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _fmt_us(v: Any) -> str:
    return f"{v:.1f}" if isinstance(v, (int, float)) else "-"


def _short_factory_name(name: str) -> str:
    from . import _C

    known = {_C.program_factory_name(): "row-resident",
             getattr(_C, "STREAMING_PROGRAM_FACTORY", None): "streaming",
             getattr(_C, "WSPLIT_PROGRAM_FACTORY", None): "w-split"}
    return known.get(name) or name


def _short_names_legend() -> str:
    from . import _C

    names = [_C.program_factory_name()]
    names += [getattr(_C, a) for a in ("STREAMING_PROGRAM_FACTORY", "WSPLIT_PROGRAM_FACTORY") if hasattr(_C, a)]
    return ", ".join(f"{_short_factory_name(n)} = {n}" for n in names)


def _fmt_targets(t: dict[str, Any] | None) -> str:
    if not t:
        return "-"
    missed = [name for name, ok in (("dram", t["dram_ratio_le_1_05"]), ("cores", t["cores_ge_32"]),
                                    ("model", t["model_lt_unfused"]), ("tenth", t["model_le_tenth_unfused"]))
              if ok is False]
    return "ok" if not missed else "MISS " + ",".join(missed)


def _model_legend(m: dict[str, Any]) -> str:
    cal = m["calibration"]
    figs = "; ".join(f"{f['source'].split(':')[0]}: measured {f['measured_us']:.1f} us, model {f['model_us']:.1f} us "
                     f"({f['error']:+.0%})" for f in cal["figures"])
    return ("model us / unfused us: device-time model (C++ _C.model) of the program the op runs (select_program_factory"
            " takes the lowest modelled time among the programs that fit L1) / of to_layout -> layer_norm -> to_layout;"
            f" S = cores per tile-row. {m['note']}. Calibration ({cal['cycles_per_tile_step']:.0f} cycles per"
            f" tile step, fitted): {figs}; calibration error up to {cal['max_abs_error']:.0%}.")


def format_table(result: dict[str, Any]) -> str:
    cols = ["arch", "dtype", "shape", "program", "cores", "tile-rows/core max/mean", "DRAM/min fused",
            "src", "DRAM/min unfused", "model us", "unfused us", "S", "L1 CBs", "L1 hw", "Melem/s",
            "build us", "targets", "note"]
    lines = []
    table = []
    for r in result["rows"]:
        u = r["unfused"]
        unfused = f"{u['ratio']:.3f} ({u['cores']} core{'s' if u['cores'] != 1 else ''})"
        shape = "x".join(map(str, r["shape"]))
        base = [r["arch"], r["dtype"], shape]
        if r["status"] == "rejected" or r["dram"] is None:
            table.append(base + ["-", "-", "-", "-", "-", unfused, "-", _fmt_us(r["model_us_unfused"]), "-", "-",
                                 "-", "-", "-", "-", r["message"]])
            continue
        prog = _short_factory_name(r["program_factory"])
        d = r["dram"]
        tput = r["throughput_elements_per_s"]
        hw = r["l1_high_water"]
        table.append(base + [
            prog,
            f"{r['cores_used']}/{r['grid_cores']}",
            f"{r['tile_rows_per_core_max']}/{r['tile_rows_per_core_mean']:.2f}",
            f"{d['ratio']:.4f}",
            "meas" if d["ratio_source"] == "measured" else "anal",
            unfused,
            _fmt_us(r["model_us"]),
            _fmt_us(r["model_us_unfused"]),
            str(r["split"]),
            _fmt_bytes(r["l1_cb_bytes_per_core"]),
            _fmt_bytes(hw) + ("" if r["l1_high_water_source"] == "measured" else "*"),
            f"{tput / 1e6:.2f}" if isinstance(tput, (int, float)) else NOT_RUN,
            f"{r['descriptor_build_us']:.0f}",
            _fmt_targets(r["targets"]),
            "; ".join(([r["message"]] if r["message"] else []) + r["problems"]),
        ])
    widths = [max(len(str(c)), *(len(str(row[i])) for row in table)) if table else len(c)
              for i, c in enumerate(cols)]
    fmt = lambda row: "  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip()  # noqa: E731
    lines.append(fmt(cols))
    lines.append(fmt(["-" * w for w in widths]))
    lines.extend(fmt(row) for row in table)
    lines += [
        "",
        "DRAM/min fused: bytes moved / (input once + output once + gamma and beta once per core used). src: 'meas' ="
        " emulator RunStats of a run; 'anal' = from the descriptor (reader reads its sticks once per pass, 1 pass"
        " row-resident with gamma + beta once per core, 3 passes streaming with gamma + beta once per 32-row block;"
        " writer writes its sticks once).",
        "DRAM/min unfused: to_layout(TILE) -> ttnn.layer_norm -> to_layout(ROW_MAJOR), analytic: each op reads its"
        " input and writes its output once, TILE pads H and W to multiples of 32, layer_norm reads gamma and beta"
        " once on each of min(grid, tile-rows) cores; divided by that chain's own minimum.",
        "program: " + _short_names_legend() + ".",
        _model_legend(result["model"]),
        "L1 CBs: largest per-core sum of CB sizes. L1 hw: emulator l1_high_water (absolute end address of the last"
        " CB); '*' = computed from the descriptor (shape not run).",
        "targets (issue 12): 'dram' = DRAM/min > 1.05; 'cores' = 1x1x32x4096 on Wormhole uses < 32 cores; 'model' ="
        " model us >= unfused us; 'tenth' = model us > unfused us / 10 on 1x1x32x{4096,8192,32768}.",
        f"Melem/s: measured host-emulator throughput, median of {result['repeats']} calls after a warm-up; build us:"
        f" median of {result['builds']} create_program_descriptor calls. Shapes above {result['max_elements']}"
        " elements are not run (--max-elements).",
    ]
    return "\n".join(lines)


def main(*, archs: list[str] | None = None, dtypes: list[str] | None = None, shapes: list[list[int]] | None = None,
         max_elements: int = DEFAULT_MAX_ELEMENTS, quick: bool = False, repeats: int | None = None,
         builds: int | None = None, as_json: bool = False, out: TextIO = sys.stdout, log: TextIO = sys.stderr) -> int:
    from . import _C

    archs = [_C.ArchParams.by_name(a).name for a in (archs or ARCHS)]
    result = run_bench(
        archs=archs,
        dtypes=dtypes or DTYPES,
        shapes=shapes or SHAPES,
        max_elements=max_elements,
        repeats=repeats if repeats is not None else (QUICK_REPEATS if quick else DEFAULT_REPEATS),
        builds=builds if builds is not None else (QUICK_BUILDS if quick else DEFAULT_BUILDS),
        log=log,
    )
    if as_json:
        json.dump(result, out)
        out.write("\n")
    else:
        out.write(format_table(result) + "\n")
    return 1 if result["failed"] else 0
