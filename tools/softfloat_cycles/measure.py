# SPDX-License-Identifier: Apache-2.0
"""Instructions and cycles of libgcc's fp32 soft-float routines on rv32im (the data-movement RISC-Vs' ISA).

The W-split writer (cpp/device/kernels/dataflow/writer_layernorm_fused_rm_wsplit.cpp) combines its row statistics
in C++ float arithmetic on RISCV B, an RV32IM core without the F extension, so each fp32 add, subtract, multiply and
divide is a call of libgcc's __addsf3, __subsf3, __mulsf3 or __divsf3. This script:

1. builds calls.c (beside it) with a bare-metal RISC-V GCC for -march=rv32im -mabi=ilp32, linked against that
   GCC's rv32im/ilp32 libgcc.a;
2. runs each routine in the Unicorn CPU emulator (PyPI ``unicorn``, RISC-V 32) on random operands drawn from the
   value ranges the writer sees (row means, M2 sums, slice counts, weights n_j / W, Newton steps of the inverse
   square root, + eps), one call at a time, counting the instructions it executes by kind;
3. turns each executed trace into cycles with the in-order pipeline timing of tt-isa-documentation
   WormholeB0/TensixTile/BabyRISCV/README.md: one instruction enters the Integer Unit per cycle once its operands
   are ready; mul/mulh* occupy it 2 cycles; div/divu/rem/remu 2 cycles for a divisor of 0 or 1, else 6 to 33
   (by the dividend's magnitude: 6 in the floor, 33 in the ceiling); a load's result is ready 2 cycles after it
   issues from core-local data RAM (the stack) and >= 8 from L1 (any other address: the kernel image, e.g.
   libgcc's __clz_tab); a mispredicted branch adds a 2-cycle bubble. Two cases: ``floor`` (every branch predicted,
   divisions 6 cycles) and ``ceiling`` (every taken branch or jump mispredicted, divisions 33 cycles). Both count
   the caller's call instruction (1 cycle) and the routine's return.

Usage: python tools/softfloat_cycles/measure.py [--calls N] [--seed S] [--csv OUT] (needs riscv64-unknown-elf-gcc
on PATH, e.g. Debian's gcc-riscv64-unknown-elf, and ``pip install unicorn``). Prints a markdown table per routine
and operand class, and per routine over all classes; --csv writes the per-class table. README.md beside it has the
commands, the versions and the measured table that the device model cites.
"""
from __future__ import annotations

import argparse
import csv
import math
import random
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CC = "riscv64-unknown-elf-gcc"
# The ISA of the baby RISC-Vs (BabyRISCV README: "RV32IM"); -O2 for our entry points (libgcc is prebuilt, its own
# flags are the toolchain's).
CFLAGS = ["-march=rv32im", "-mabi=ilp32", "-O2", "-ffreestanding", "-nostdlib", "-nostartfiles",
          "-Wl,-Ttext=0x10000"]
ROUTINES = ("__addsf3", "__subsf3", "__mulsf3", "__divsf3")
STACK_TOP, STACK_SIZE = 0x80000, 0x10000  # stands in for core-local data RAM (2-cycle loads)
RETURN_ADDR = 0x4000                         # ra of each call: the run stops there
LOAD_LATENCY_LOCAL, LOAD_LATENCY_L1 = 2, 8   # BabyRISCV README, Load/Store Unit table
MUL_CYCLES, DIV_CYCLES_FLOOR, DIV_CYCLES_CEIL, DIV_CYCLES_TRIVIAL = 2, 6, 33, 2
MISPREDICT_BUBBLE = 2


def build(workdir: Path) -> Path:
    """Compiles and links calls.c; returns the ELF. RuntimeError naming CC if the toolchain is missing or fails."""
    if shutil.which(CC) is None:
        raise RuntimeError(f"{CC} not found on PATH (Debian: apt-get install gcc-riscv64-unknown-elf)")
    elf = workdir / "calls.elf"
    subprocess.run([CC, *CFLAGS, str(HERE / "calls.c"), "-lgcc", "-o", str(elf)], check=True)
    return elf


def load_segments(elf: Path) -> list[tuple[int, bytes, int]]:
    """(vaddr, file bytes, mem size) of each PT_LOAD segment of a little-endian ELF32 file."""
    data = elf.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise ValueError(f"{elf}: expected a little-endian ELF32 file")
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    segs = []
    for i in range(phnum):
        p_type, p_offset, p_vaddr, _, p_filesz, p_memsz, _, _ = struct.unpack_from("<8I", data, phoff + i * phentsize)
        if p_type == 1:
            segs.append((p_vaddr, data[p_offset:p_offset + p_filesz], p_memsz))
    return segs


def symbols(elf: Path) -> dict[str, int]:
    """Function addresses from the toolchain's nm."""
    out = subprocess.run([CC.replace("gcc", "nm"), str(elf)], check=True, capture_output=True, text=True).stdout
    return {name: int(addr, 16) for addr, kind, name in (l.split() for l in out.splitlines() if len(l.split()) == 3)}


def decode(word: int) -> tuple[str, int, int, int]:
    """(kind, rd, rs1, rs2) of an RV32IM instruction; kind in alu, mul, div, load, store, branch, jal, jalr."""
    op, rd, f3, rs1, rs2, f7 = word & 0x7F, (word >> 7) & 31, (word >> 12) & 7, (word >> 15) & 31, (word >> 20) & 31, \
        word >> 25
    if op == 0x33:
        if f7 == 1:
            return ("mul" if f3 < 4 else "div"), rd, rs1, rs2
        return "alu", rd, rs1, rs2
    if op == 0x13:
        return "alu", rd, rs1, 0
    if op in (0x37, 0x17):
        return "alu", rd, 0, 0
    if op == 0x03:
        return "load", rd, rs1, 0
    if op == 0x23:
        return "store", 0, rs1, rs2
    if op == 0x63:
        return "branch", 0, rs1, rs2
    if op == 0x6F:
        return "jal", rd, 0, 0
    if op == 0x67:
        return "jalr", rd, rs1, 0
    raise ValueError(f"instruction {word:#010x}: not in the RV32IM subset this script times")


class Machine:
    """The linked routines in a Unicorn RISC-V 32 CPU; `call` runs one routine and returns its trace statistics."""

    def __init__(self, elf: Path):
        import unicorn
        from unicorn import riscv_const as rv
        self.rv = rv
        self.uc = unicorn.Uc(unicorn.UC_ARCH_RISCV, unicorn.UC_MODE_RISCV32)
        self.code: dict[int, tuple[str, int, int, int]] = {}
        for vaddr, blob, memsz in load_segments(elf):
            base, end = vaddr & ~0xFFF, (vaddr + memsz + 0xFFF) & ~0xFFF
            self.uc.mem_map(base, end - base)
            self.uc.mem_write(vaddr, blob)
            for a in range(0, len(blob) - 3, 4):
                try:
                    self.code[vaddr + a] = decode(int.from_bytes(blob[a:a + 4], "little"))
                except ValueError:
                    pass  # data (.rodata), never executed
        self.uc.mem_map(STACK_TOP - STACK_SIZE, STACK_SIZE)
        self.uc.mem_map(RETURN_ADDR & ~0xFFF, 0x1000)
        self.sym = symbols(elf)
        self.trace: list[tuple[int, str, int, int, int, int, int]] = []
        self.regs = [getattr(rv, f"UC_RISCV_REG_X{i}") for i in range(32)]
        self.uc.hook_add(unicorn.UC_HOOK_CODE, self._hook)

    def _hook(self, uc, addr, size, _):
        kind, rd, rs1, rs2 = self.code[addr]
        v1 = uc.reg_read(self.regs[rs1]) if kind in ("load", "store", "div") else 0
        v2 = uc.reg_read(self.regs[rs2]) if kind == "div" else 0
        self.trace.append((addr, kind, rd, rs1, rs2, v1, v2))

    def call(self, routine: str, a: float, b: float) -> dict:
        """Runs routine(a, b) (fp32 operands in a0, a1 per ilp32); returns counts and floor / ceiling cycles."""
        rv, uc = self.rv, self.uc
        uc.reg_write(rv.UC_RISCV_REG_A0, struct.unpack("<I", struct.pack("<f", a))[0])
        uc.reg_write(rv.UC_RISCV_REG_A1, struct.unpack("<I", struct.pack("<f", b))[0])
        uc.reg_write(rv.UC_RISCV_REG_SP, STACK_TOP - 16)
        uc.reg_write(rv.UC_RISCV_REG_RA, RETURN_ADDR)
        self.trace = []
        uc.emu_start(self.sym[routine], RETURN_ADDR)
        result = struct.unpack("<f", struct.pack("<I", uc.reg_read(rv.UC_RISCV_REG_A0)))[0]
        return {"result": result, **timing(self.trace)}


def timing(trace: list) -> dict:
    """Counts by kind and cycles (floor, ceiling) of one call's trace with the BabyRISCV README's pipeline timing
    (module docstring); the caller's call instruction adds 1 cycle (a correctly predicted jal) or 3 (mispredicted)."""
    counts = {k: 0 for k in ("instructions", "mul", "div", "load", "load_l1", "store", "branch", "taken", "jump")}
    out = {}
    for case in ("floor", "ceiling"):
        ready = [0] * 32
        free = 1 if case == "floor" else 1 + MISPREDICT_BUBBLE  # the caller's jal
        for i, (addr, kind, rd, rs1, rs2, v1, v2) in enumerate(trace):
            nxt = trace[i + 1][0] if i + 1 < len(trace) else RETURN_ADDR
            taken = nxt != addr + 4
            t = max(free, ready[rs1], ready[rs2])
            occupy, lat = 1, 1
            if kind == "mul":
                occupy = lat = MUL_CYCLES
            elif kind == "div":
                occupy = lat = DIV_CYCLES_TRIVIAL if v2 in (0, 1) else (
                    DIV_CYCLES_FLOOR if case == "floor" else DIV_CYCLES_CEIL)
            elif kind == "load":
                lat = LOAD_LATENCY_LOCAL if STACK_TOP - STACK_SIZE <= v1 < STACK_TOP else LOAD_LATENCY_L1
            elif kind in ("branch", "jal", "jalr") and taken and case == "ceiling":
                occupy = 1 + MISPREDICT_BUBBLE
            if rd:
                ready[rd] = t + lat
            free = t + occupy
            if case == "floor":
                counts["instructions"] += 1
                if kind in counts:
                    counts[kind] += 1
                counts["load_l1"] += kind == "load" and lat == LOAD_LATENCY_L1
                counts["jump"] += kind in ("jal", "jalr")
                counts["taken"] += kind == "branch" and taken
        out[f"cycles_{case}"] = max(free, ready[10], ready[11])  # a0/a1 ready for the caller
    return {**counts, **out}


def operand_classes(rng: random.Random) -> dict[str, dict[str, object]]:
    """Operand generators per routine, from the writer's combine (its comments name each quantity): each maps a class
    name to a function returning (a, b)."""
    def scale():  # row statistics span many magnitudes: a log-uniform scale
        return 10.0 ** rng.uniform(-2, 3)

    def count():  # slice widths n_j in elements: multiples of 32 up to 8192
        return float(32 * rng.randint(1, 256))

    def mean_pair():
        s = scale()
        return rng.gauss(0, s), rng.gauss(0, s)

    def m2_pair():
        return 10.0 ** rng.uniform(0, 7), 10.0 ** rng.uniform(0, 7)

    def near_pair():  # hi_j - R, d_j - d1: close operands, cancellation
        a = rng.gauss(0, scale())
        return a, a * (1 + rng.gauss(0, 1e-3))

    def var_eps():
        return 10.0 ** rng.uniform(-3, 4), 1e-5

    def newton_add():  # 1.5 - (h y) y, 0.5 - h y_t^2, r + 1.5 r^2, y + y (...)
        return 1.5, 0.5 * (1 + rng.gauss(0, 1e-2))

    def weight_mean():  # w_j m_j, w_j = n_j / W
        n = count()
        return n / (n * rng.randint(2, 16)), rng.gauss(0, scale())

    def count_dev():  # n_j (d_j - mean), n_j e_j^2
        return count(), rng.gauss(0, scale() * 1e-2)

    def square():
        d = rng.gauss(0, scale())
        return d, d

    def newton_mul():  # (a / 2) y, y^2 for y near 1 / sqrt(a)
        a = 10.0 ** rng.uniform(-3, 4)
        return 0.5 * a, (1 / math.sqrt(a)) * (1 + rng.gauss(0, 1e-2))

    def m2_over_w():  # M2 / W
        return 10.0 ** rng.uniform(0, 7), count() * rng.randint(2, 16)

    adds = {"means": mean_pair, "m2_sums": m2_pair, "cancelling": near_pair, "var_plus_eps": var_eps,
            "newton": newton_add}
    return {"__addsf3": adds, "__subsf3": adds,
            "__mulsf3": {"weight_x_mean": weight_mean, "count_x_dev": count_dev, "square": square,
                         "newton": newton_mul},
            "__divsf3": {"m2_over_w": m2_over_w}}


def fp32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def measure(calls: int, seed: int) -> list[dict]:
    """Rows (routine, class, statistics over `calls` random operand pairs); checks every result against the host's
    correctly rounded fp32 arithmetic (AssertionError otherwise: the emulated routine would be wrong)."""
    rng = random.Random(seed)
    ref = {"__addsf3": lambda a, b: a + b, "__subsf3": lambda a, b: a - b, "__mulsf3": lambda a, b: a * b,
           "__divsf3": lambda a, b: a / b}
    with tempfile.TemporaryDirectory() as tmp:
        m = Machine(build(Path(tmp)))
        rows = []
        for routine, classes in operand_classes(rng).items():
            for name, gen in classes.items():
                runs = []
                for _ in range(calls):
                    a, b = (fp32(x) for x in gen())
                    r = m.call(routine, a, b)
                    assert r["result"] == fp32(ref[routine](a, b)), (routine, a, b, r["result"])
                    runs.append(r)
                row = {"routine": routine, "operands": name, "calls": calls}
                for k in ("instructions", "mul", "div", "load", "load_l1", "store", "branch", "taken", "jump"):
                    row[f"{k}_mean"] = round(statistics.fmean(r[k] for r in runs), 2)
                row["instructions_max"] = max(r["instructions"] for r in runs)
                for k in ("cycles_floor", "cycles_ceiling"):
                    row[f"{k}_mean"] = round(statistics.fmean(r[k] for r in runs), 2)
                    row[f"{k}_max"] = max(r[k] for r in runs)
                rows.append(row)
    return rows


def summary(rows: list[dict]) -> list[dict]:
    """Per routine over all its classes (each class weighted equally): means of the means, max of the maxima."""
    out = []
    for routine in ROUTINES:
        rs = [r for r in rows if r["routine"] == routine]
        out.append({"routine": routine, **{k: (max(r[k] for r in rs) if k.endswith("_max") else
                                               round(statistics.fmean(r[k] for r in rs), 2))
                                           for k in rs[0] if k not in ("routine", "operands", "calls")}})
    return out


def model_figures(rows: list[dict]) -> dict[str, int]:
    """The device model's cycles per fp32 operation (kSoftfloatAddCycles, kSoftfloatMulCycles, kSoftfloatDivCycles in
    cpp/device/layernorm_fused_rm_device_model.hpp) from the per-class rows (as read back from results.csv, values
    may be strings): per routine the mean of its classes' floor-case mean cycles, rounded up; add takes the larger of
    __addsf3 and __subsf3 (the writer's additions are both)."""
    def mean(routine):
        return statistics.fmean(float(r["cycles_floor_mean"]) for r in rows if r["routine"] == routine)

    return {"add": math.ceil(max(mean("__addsf3"), mean("__subsf3"))), "mul": math.ceil(mean("__mulsf3")),
            "div": math.ceil(mean("__divsf3"))}


def markdown(rows: list[dict], keys: list[str]) -> str:
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=1000, help="random operand pairs per routine and class")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--csv", type=Path, help="write the per-class table here")
    args = p.parse_args(argv)
    rows = measure(args.calls, args.seed)
    keys = ["routine", "operands", "instructions_mean", "instructions_max", "mul_mean", "div_mean", "branch_mean",
            "taken_mean", "jump_mean", "load_mean", "load_l1_mean", "store_mean", "cycles_floor_mean",
            "cycles_floor_max", "cycles_ceiling_mean", "cycles_ceiling_max"]
    print(markdown(rows, keys))
    print()
    print(markdown(summary(rows), [k for k in keys if k != "operands"]))
    print()
    print("device model, cycles per fp32 operation:", model_figures(rows))
    if args.csv:
        with args.csv.open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
