# SPDX-License-Identifier: Apache-2.0
"""A device-time model (a FLOOR, not a promise) of this op's programs and of upstream's unfused chain.

What it estimates: microseconds of device kernel time on Wormhole n150 ("wormhole_b0") and Blackhole p150
("blackhole") of one program, from per-core work counted in its program descriptor: DRAM bytes, NOC
transactions and their bytes, tile compute steps, and exchanges of partial statistics between cores. Upstream's
``to_layout(TILE) -> ttnn.layer_norm -> to_layout(ROW_MAJOR)`` is counted the same way, one program per op, the
three op times added.

The model, per program (all terms in the arch's AI clock cycles, then /clock -> us)::

    t = max( total DRAM bytes / chip DRAM bandwidth,                               (chip DRAM floor)
             max over cores of [ max(NOC read occupancy, NOC write occupancy, compute)  (overlapped pipeline)
                                 + exchanges ] )                                     (serial sync points)

    NOC occupancy of a core = sum over its transactions of (1 header flit + ceil(bytes / flit bytes)) cycles;
        reads and writes on separate NOCs (reader and writer RISC-Vs), one flit per cycle per link.
    compute = tile steps x C, C = cycles of one tile step (unpack + math + pack of one 32x32 tile) FITTED to the
        published figures in CALIBRATION (the only fitted constant).
    exchange (W-split, per tile-row) = NOC flight of the multicast + semaphore (NIU 5 + 9 per hop + NIU 5) +
        the soft-float combine of S partials x 32 rows on the writer RISC-V (estimate, see SOFTFLOAT_OP_CYCLES).

Assumptions (why it is a floor): perfect overlap of reader, compute and writer (double buffering never
stalls); no kernel launch / dispatch time; no DRAM access latency (only its bandwidth); no NOC congestion beyond
the chip DRAM bandwidth; every DRAM channel equally loaded; Blackhole takes Wormhole's cycles per tile step.
Left out: program dispatch, kernel launch and runtime-arg upload; DRAM latency (~hundreds of cycles per first
read); NOC congestion, VC and router buffering; the RISC-V instruction cost of issuing each transaction; math
fidelity and fp32-vs-bf16 differences in the compute steps (dtype changes bytes only); L1 bank conflicts.

Sources of every constant: ``ARCH`` below (each field's comment names its document).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

FLOOR_NOTE = ("model_us is a FLOOR with stated assumptions, not a promise: perfect reader/compute/writer overlap, "
              "no dispatch or launch time, no DRAM latency or NOC congestion, one fitted cycles-per-tile-step")

TILE = 32  # tile side (32x32 tiles, faces 16x16)


@dataclass(frozen=True)
class ArchConstants:
    """Sourced hardware figures of one arch (units in the names)."""

    name: str
    clock_ghz: float  # AI clock
    flit_bytes: int  # NOC flit; one flit per cycle per link
    dram_gb_per_s: float  # whole chip, achievable
    niu_cycles: int  # NIU <-> router latency, each end
    hop_cycles: int  # router -> router latency
    sources: dict[str, str] = field(default_factory=dict)


ARCH: dict[str, ArchConstants] = {
    "wormhole_b0": ArchConstants(
        "wormhole_b0", clock_ghz=1.0, flit_bytes=32, dram_gb_per_s=258.0, niu_cycles=5, hop_cycles=9,
        sources={
            "clock_ghz": "tenstorrent/tt-isa-documentation WormholeB0/TensixTile/BabyRISCV/README.md: "
                         "'one RV32IM instruction per cycle, running at a clock speed of 1 GHz'",
            "flit_bytes": "tt-isa-documentation WormholeB0/NoC/README.md: 'Each flit consists of exactly 256 bits'; "
                          "Performance: 'One flit (256 bits) per cycle' per hop, 1 header flit + up to 256 data flits",
            "dram_gb_per_s": "tenstorrent/tt-metal ttnn/core/operation.cpp: 'WH DRAM bandwidth: 258 GB/s = 21.5 GB/s"
                             " * 6 channels * 2 banks' (cf. tt-isa-documentation WormholeB0/DRAMTile/README.md: "
                             "288 GB/s theoretical, ~92% achievable, 265.5-267.6 GB/s measured)",
            "niu_cycles": "tt-isa-documentation WormholeB0/NoC/README.md Performance: NIU <-> router '~5 cycles'",
            "hop_cycles": "tt-isa-documentation WormholeB0/NoC/README.md Performance: router -> router '9 cycles'",
        }),
    "blackhole": ArchConstants(
        "blackhole", clock_ghz=1.35, flit_bytes=64, dram_gb_per_s=512.0, niu_cycles=5, hop_cycles=9,
        sources={
            "clock_ghz": "tt-isa-documentation BlackholeA0/TensixTile/BabyRISCV/README.md: 'clock speed of 1.35 GHz'",
            "flit_bytes": "tt-isa-documentation BlackholeA0/NoC/README.md Performance: 'One flit (512 bits) per cycle'",
            "dram_gb_per_s": "tenstorrent/tt-metal ttnn/core/operation.cpp: 'BH DRAM bandwidth: 512 GB/s (32GB GDDR6"
                             " @ 16 GT/sec)' (peak; no achievable fraction is published for Blackhole)",
            "niu_cycles": "tt-isa-documentation BlackholeA0/NoC/README.md Performance: '~5 cycles'",
            "hop_cycles": "tt-isa-documentation BlackholeA0/NoC/README.md Performance: '9 cycles'",
        }),
}

# Soft-float cost of one Chan update (n, d = m_j - m_a, m_a += d*n_j/n, M2_a += M2_j + d^2*n_a*n_j/n: 12
# fp32 operations) on a data-movement RISC-V. The baby RISC-Vs are RV32IM, no F extension
# (tt-isa-documentation WormholeB0/TensixTile/BabyRISCV/README.md), so each is a libgcc soft-float call. NOT
# SOURCED: an ESTIMATE of at least ~20 instructions per call (unpack, align, add/multiply, normalize, round, pack)
# at the documented one instruction per cycle. A floor estimate; division costs more.
SOFTFLOAT_OP_CYCLES = 20
CHAN_UPDATE_OPS = 12

# Tile steps per input tile of each program (a step = one 32x32 tile unpacked, operated on, packed), counted from
# the compute kernels (cpp/device/kernels/compute/layernorm_fused_rm_compute_common.hpp):
#   row-resident / W-split: tilize, sum (mean), (x - m)^2, sum (variance), x - mean, * inv_std, * gamma,
#                           + beta with untilize = 8 (gamma and beta tilized once per core: +2 per tile of W)
#   streaming (3 reads):    pass 1 tilize + sum; pass 2 tilize + (x - m)^2 + sum; pass 3 tilize, x - mean,
#                           * inv_std, * gamma, + beta with untilize = 10 (gamma/beta tilized per block: +2)
# Upstream (tt-metal normalization/layernorm compute kernels, read with the search tools):
#   layer_norm single pass: sum, x - mean, square, sum, * inv_std, * gamma, + beta = 7
#   layer_norm large-tensor 3-read path: sum | x - mean, square, sum | x - mean, * inv_std, * gamma, + beta = 8
#   rms_norm: square, sum, * inv_rms, * gamma = 4;  tilize / untilize (to_layout): 1
STEPS = {"row_resident": 8, "streaming": 10, "wsplit": 8, "ln": 7, "ln_large": 8, "rms": 4, "layout": 1}


@dataclass
class CoreWork:
    """Work of one core (the busiest) in one program: counts, not times.

    read_txns / write_txns: list of (count, bytes per transaction) of its DRAM/L1 NOC reads and writes.
    tile_steps: 32x32 tile compute steps. exchanges: list of (cycles of NOC flight, combine cycles) sync points.
    """

    read_txns: list[tuple[int, int]] = field(default_factory=list)
    write_txns: list[tuple[int, int]] = field(default_factory=list)
    tile_steps: int = 0
    exchanges: list[tuple[int, int]] = field(default_factory=list)

    @property
    def read_bytes(self) -> int:
        return sum(n * b for n, b in self.read_txns)

    @property
    def written_bytes(self) -> int:
        return sum(n * b for n, b in self.write_txns)


@dataclass
class ProgramWork:
    """One program: its busiest core's work, how many cores, and the chip's total DRAM bytes."""

    name: str
    arch: str
    cores: int
    busiest: CoreWork
    dram_bytes: int
    split: int = 1  # cores per tile-row (W-split S)


def noc_cycles(txns: list[tuple[int, int]], flit_bytes: int) -> int:
    """Link occupancy in cycles: per transaction one header flit + ceil(bytes / flit_bytes) data flits, one flit
    per cycle (tt-isa-documentation {WormholeB0,BlackholeA0}/NoC/README.md, packets and Performance)."""
    return sum(n * (1 + -(-b // flit_bytes)) for n, b in txns)


def program_time(p: ProgramWork, cycles_per_step: float) -> dict[str, Any]:
    """Modelled microseconds of one program (module docstring) and its terms, each in us."""
    a = ARCH[p.arch]
    us = lambda cycles: cycles / (a.clock_ghz * 1e3)  # noqa: E731  cycles -> us
    c = p.busiest
    terms = {
        "noc_read_us": us(noc_cycles(c.read_txns, a.flit_bytes)),
        "noc_write_us": us(noc_cycles(c.write_txns, a.flit_bytes)),
        "compute_us": us(c.tile_steps * cycles_per_step),
        "exchange_us": us(sum(f + k for f, k in c.exchanges)),
        "combine_us": us(sum(k for _, k in c.exchanges)),  # of which the soft-float combine (an estimate)
        "dram_chip_us": p.dram_bytes / (a.dram_gb_per_s * 1e3),
    }
    core = max(terms["noc_read_us"], terms["noc_write_us"], terms["compute_us"]) + terms["exchange_us"]
    total = max(terms["dram_chip_us"], core)
    bound = "dram" if terms["dram_chip_us"] >= core else max(
        ("noc_read", terms["noc_read_us"]), ("noc_write", terms["noc_write_us"]),
        ("compute", terms["compute_us"]), key=lambda kv: kv[1])[0]
    return {"program": p.name, "us": total, "bound": bound, "cores": p.cores, "split": p.split, **terms}


def _exchange(arch: str, gx: int, gy: int, partials: int) -> tuple[int, int]:
    """One exchange of a group spanning gx x gy cores: flight of a multicast then a semaphore increment across
    the group (NIU + hops + NIU each, tt-isa-documentation NoC README Performance) and the soft-float combine
    of `partials` partials x 32 rows (SOFTFLOAT_OP_CYCLES, an estimate)."""
    a = ARCH[arch]
    flight = 2 * (2 * a.niu_cycles + a.hop_cycles * max(0, gx - 1 + gy - 1))
    return flight, partials * TILE * CHAN_UPDATE_OPS * SOFTFLOAT_OP_CYCLES


def work_from_descriptor(desc, arch: str, shape: list[int], e_in: int, e_out: int, e_affine: int,
                         grid_x: int) -> ProgramWork:
    """ProgramWork of this op's program descriptor (desc.kernels = [reader, compute, writer]).

    Busiest core: r = its tile-rows (compute runtime arg num_blocks). The reader (compile-time args Wt, Bt,
    chunk_bytes, passes) reads each of the 32 sticks of a tile-row in ceil(Wt / Bt) chunks, `passes` times
    (1, or 3 streaming); gamma and beta chunks once per core, or once per tile-row when passes = 3. The writer
    writes each output stick of the tile-row in the same chunks. W-split (program factory name contains
    "WSplit"): S = writer compile-time arg 3, the core's slice is reader Wt tiles of the row, and per tile-row
    the writer sends its partial statistics (256 B) and a semaphore increment to each of the S - 1 peers. DRAM bytes of the
    whole program: input `passes` times, output once, gamma and beta per core (per tile-row when streaming).
    Raises ValueError when no core has a tile-row.
    """
    from . import _C

    reader, compute, writer = desc.kernels
    working = [args[_C.compute_rt_args.num_blocks] for _, args in compute.runtime_args]
    working = [b for b in working if b > 0]
    if not working:
        raise ValueError(f"desc: no core has a tile-row (compute runtime arg num_blocks), got {desc!r}")
    r, W = max(working), shape[-1]
    ct = reader.compile_time_args
    wt, bt, passes = ct[_C.reader_ct_args.Wt], ct[_C.reader_ct_args.Bt], ct[_C.reader_ct_args.passes]
    chunks = -(-wt // bt)
    wsplit = "WSplit" in desc.program_factory
    wct = getattr(_C, "wsplit_writer_ct_args", None)  # named indices once the W-split program exists
    S = writer.compile_time_args[wct.S if wct else 3] if wsplit else 1
    cols = min(W, wt * TILE)  # elements of the row this core owns (the whole row unless W-split)
    last = cols - (chunks - 1) * bt * TILE  # elements in the last chunk
    per_stick = lambda e: [(chunks - 1, bt * TILE * e), (1, last * e)]  # noqa: E731
    kind = "wsplit" if wsplit else ("streaming" if passes == 3 else "row_resident")
    affine_times = r if passes == 3 else 1
    n = lambda k, txns: [(k * c, b) for c, b in txns if c]  # noqa: E731
    core = CoreWork(
        read_txns=n(passes * TILE * r, per_stick(e_in)) + n(2 * affine_times, per_stick(e_affine)),
        write_txns=n(TILE * r, per_stick(e_out)),
        tile_steps=r * wt * STEPS[kind] + 2 * wt * affine_times + 2 * r,  # + gamma/beta tilize, statistics
    )
    if wsplit:  # the group's rectangle, from the writer's multicast corners (NOC coordinates), else row-major
        wrt = getattr(_C, "wsplit_writer_rt_args", None)
        if wrt:
            a = writer.runtime_args[0][1]
            gx, gy = abs(a[wrt.mcast_x1] - a[wrt.mcast_x0]) + 1, abs(a[wrt.mcast_y1] - a[wrt.mcast_y0]) + 1
        else:
            gx = min(S, grid_x)
            gy = -(-S // gx)
        core.exchanges = [_exchange(arch, gx, gy, S)] * r
        # Per tile-row: the 256 B partial slot to each of the S - 1 peers (a multicast, counted per destination as
        # the emulator does: an upper bound of its occupancy) and one semaphore increment (4 B) per peer.
        core.write_txns += [(r * (S - 1), 256), (r * (S - 1), 4)]
    rows = math.prod(shape) // W
    cores = len(working)
    # gamma and beta: the whole row once per group of S cores (each core its slice), per tile-row when streaming
    dram = passes * rows * W * e_in + rows * W * e_out + 2 * (cores // S) * affine_times * W * e_affine
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
    flight, _ = _exchange("wormhole_b0", 8, 4, 0)
    core.exchanges = [(flight, 0), (flight, 0)]  # gather signal, multicast signal
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


CYCLES_PER_TILE_STEP = fit_cycles_per_step()


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
    out: dict[str, Any] = {a: {k: {"value": getattr(c, k), "source": s} for k, s in c.sources.items()}
                           for a, c in ARCH.items()}
    out["cycles_per_tile_step"] = {"value": CYCLES_PER_TILE_STEP,
                                   "source": "fitted to CALIBRATION (tt-mlir#7717, tt-metal#8060)"}
    out["softfloat_op_cycles"] = {"value": SOFTFLOAT_OP_CYCLES, "source": "ESTIMATE (not sourced): >= ~20 RV32IM "
                                  "instructions per libgcc soft-float call, 1 instruction/cycle (BabyRISCV README)"}
    out["steps_per_tile"] = {"value": dict(STEPS), "source": "counted from the compute kernels (module docstring)"}
    return out
