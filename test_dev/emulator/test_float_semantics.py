"""The emulator compiles kernels with tt-metal's float-semantics flags (cpp/emulator/src/jit/jit.hpp
kJitKernelFloatFlags). tt-metal 0.81.1 compiles every kernel, BRISC/NCRISC (-Os) and TRISC (-O3) alike, with
"-ffast-math -fno-finite-math-only -fsigned-zeros -fno-associative-math" in one common flag string
(tt_metal/jit_build/build.cpp, JitBuildEnv::init; the three negations came with tt-metal PR #52236, the string is in
the wheel's ttnn/build/lib/libtt_metal.so). Before that PR, build.cpp passed "-std=c++17 -flto -ffast-math" alone,
under which GCC folds Fast2Sum's lo = b - ((a + b) - a) to 0; $LAYERNORM_FUSED_RM_JIT_FLOAT_FLAGS replays it.

Expected values come from IEEE fp32 arithmetic in numpy and from GCC's documented meaning of each flag
(GCC manual, Optimize Options), not from the emulator."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from layernorm_fused_rm import _C

import harness as h

PROBE = "ok/float_semantics_probe.cpp"
A, B, X = np.float32(1.0), np.float32(2.0**-30), np.float32(9.0)  # a + b rounds to a: lo = b exactly
NAN, MINUS_ZERO = 0x7FC00000, 0x80000000


def _bits(f) -> int:
    return int(np.float32(f).view(np.uint32))


def _run(monkeypatch, capfd, flags=None):
    """Runs the probe as a BRISC and a TRISC kernel; returns {risc: (lo, q, isnan, zero)} from their DPRINT lines."""
    if flags is None:
        monkeypatch.delenv("LAYERNORM_FUSED_RM_JIT_FLOAT_FLAGS", raising=False)
    else:
        monkeypatch.setenv("LAYERNORM_FUSED_RM_JIT_FLOAT_FLAGS", flags)
    for k in ("RISCVS", "FILE", "PREPEND_DEVICE_CORE_RISC"):
        monkeypatch.delenv(f"TT_METAL_DPRINT_{k}", raising=False)
    monkeypatch.setenv("TT_METAL_DPRINT_CORES", "all")
    rt = [_bits(A), _bits(B), _bits(X), NAN, MINUS_ZERO]
    prog = h.program([h.writer(PROBE, rt=rt), h.compute(PROBE, rt=rt)], [])
    capfd.readouterr()
    _C.EmuDevice("wormhole_b0").run(prog)
    out = {}
    for line in capfd.readouterr().out.splitlines():
        _, _, risc, text = line.split(":", 3)
        f = text.split()
        assert f[8:] == ["text", "nan", "-0"], line  # DPRINT's own float text is not at the flags' mercy
        out[risc] = (int(f[1], 16), int(f[3], 16), int(f[5]), int(f[7], 16))
    assert set(out) == {"BR", "TR2"}, out
    return out


def test_kernels_see_tt_metal_081_float_semantics(monkeypatch, capfd):
    """Default flags (tt-metal 0.81.1): Fast2Sum survives (-fno-associative-math), isnan holds
    (-fno-finite-math-only), -0 + 0 is +0 (-fsigned-zeros), and x / 10 is x * fl(1 / 10) (-freciprocal-math, still on):
    for x = 9 that is 0x3f666667 where IEEE division gives 0x3f666666."""
    recip = _bits(X * (np.float32(1) / np.float32(10)))
    assert recip != _bits(X / np.float32(10))  # the probe can tell the two apart
    for risc, got in _run(monkeypatch, capfd).items():
        assert got == (_bits(B), recip, 1, 0), risc


def test_plain_fast_math_folds_fast2sum(monkeypatch, capfd):
    """-ffast-math alone (tt-metal before PR #52236): -fassociative-math folds lo to 0, -ffinite-math-only folds
    isnan to false, -fno-signed-zeros folds -0 + 0 to -0. Run after the default-flag test in the same process and
    cache dir: the flags are part of the JIT cache key (a library built with other flags is not reused)."""
    recip = _bits(X * (np.float32(1) / np.float32(10)))
    for risc, got in _run(monkeypatch, capfd, "-ffast-math").items():
        assert got == (0, recip, 0, MINUS_ZERO), risc


def test_ieee_flags_give_ieee_results(monkeypatch, capfd):
    for risc, got in _run(monkeypatch, capfd, "-fno-fast-math").items():
        assert got == (_bits(B), _bits(X / np.float32(10)), 1, 0), risc


def test_float_flags_variable_is_checked(monkeypatch, capfd):
    with pytest.raises(_C.CompileError, match="LAYERNORM_FUSED_RM_JIT_FLOAT_FLAGS.*'-O0'"):
        _run(monkeypatch, capfd, "-ffast-math -O0")


def test_fast_math_kernels_leave_the_emulator_ieee(monkeypatch, capfd, tmp_path):
    """-ffast-math links crtfastmath.o even into a -shared library with GCC 12 (its constructor sets FTZ/DAZ in
    MXCSR when the library is loaded): the JIT links without the compile flags, so the kernel library has
    no such constructor and subnormals survive in this process after the kernels ran."""
    _run(monkeypatch, capfd, "-ffast-math")
    tiny = 5e-324
    assert tiny * 1.0 > 0.0 and np.float32(1e-45) * np.float32(1.0) > 0
    libs = sorted(Path(_C.cache_dir()).glob("float_semantics_probe-*.so"))
    assert libs, "no cached probe library"
    assert all(b"set_fast_math" not in p.read_bytes() for p in libs)
    # Control: the same compiler without -mno-daz-ftz links it in, so the check above can fail.
    src = tmp_path / "t.cpp"
    src.write_text('extern "C" float f(float a) { return a + 1.0f; }\n')
    out = tmp_path / "t.so"
    subprocess.run(["g++", "-O2", "-ffast-math", "-fPIC", "-shared", str(src), "-o", str(out)], check=True)
    if b"set_fast_math" not in out.read_bytes():
        pytest.skip("this host compiler does not link crtfastmath.o into -shared libraries (GCC >= 13)")





def test_no_float_model_is_inlined_into_kernels():
    """The kernel TU sees only the emulator's kernel API headers (cpp/emulator/include, the JIT's include root): they
    forward to the emulator library (compiled without fast-math), where the bit-exact FPU / SFPU / packer models live
    (cpp/emulator/src/math, src/formats). The only header with float code is emu/dprint_format.hpp (host-side DPRINT
    text, which reads NaN / inf / sign from the bits); emu/emulator.hpp (a double setting) is host-only, included by
    no kernel-side header. A new header with float arithmetic inlined into kernels must be checked under the
    kernel's fast-math flags, then listed here."""
    root = Path(__file__).resolve().parents[2] / "cpp" / "emulator" / "include"
    with_float, includes_emulator = set(), set()
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        text = p.read_text()
        if '"emu/emulator.hpp"' in text:
            includes_emulator.add(p.name)
        code = re.sub(r'"(\\.|[^"\\])*"', '""', re.sub(r"/\*.*?\*/", "", re.sub(r"//[^\n]*", "", text), flags=re.S))
        if re.search(r"\b(float|double)\b|\b\d+\.\d*f?\b", code):
            with_float.add(str(p.relative_to(root)))
    assert with_float == {"emu/dprint_format.hpp", "emu/emulator.hpp"}
    assert not includes_emulator
