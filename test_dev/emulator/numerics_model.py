"""numpy models of the emulator's FPU fidelity and SFPU numerics, written from the same sources as
cpp/emulator/src/math/fidelity.hpp and sfpu_functions.hpp but independently of that code (vectorised numpy, the
fused multiply-add built from float64 error-free transformations instead of std::fmaf), so that the bit-exact
tests compare two transcriptions of the documents:

- ISA (github.com/tenstorrent/tt-isa-documentation, WormholeB0/TensixTile/TensixCoprocessor/): SrcASrcB.md
  "Fidelity phases", ELWMUL.md SrcAFidelityBits / SrcBFidelityBits and the per-phase DEST write, MVMUL.md sums,
  SFPMAD.md (denormal inputs as zero, one rounding to nearest even, denormal / -0 results as +0),
  SFPSTOCHRND_FloatFloat.md (FP32 -> BF16, ties away from zero), SFPDIVP2.md (exponent add).
- LLK (ttnn 0.81.1 wheel): tt_metal/hw/ckernels/wormhole_b0/metal/llk_api/llk_sfpu/ckernel_sfpu_sqrt.h
  (_calculate_sqrt_body_, sqrt_init constants), tt_metal/tt-llk/tt_llk_wormhole_b0/llk_lib/llk_defs.h
  (MathFidelity values = phase counts, LoFi = 1 phase).

All arrays are float32 (values) or uint32 (bit patterns); functions are elementwise.
"""

from __future__ import annotations

import numpy as np

F32 = np.float32
U32 = np.uint32

PHASES = {"LoFi": 1, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}


def bits(x) -> np.ndarray:
    return np.asarray(x, dtype=F32).view(U32)


def from_bits(u) -> np.ndarray:
    return np.asarray(u, dtype=U32).view(F32)


def rne_bf16(x) -> np.ndarray:
    """Round float32 to bf16 (kept as float32), nearest even, integer method (NaN inputs not used here)."""
    u = bits(x).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000
    return from_bits(u.astype(U32))


def trunc_bf16(x) -> np.ndarray:
    return from_bits(bits(x) & U32(0xFFFF0000))


# ------------------------------------------------------------------ FPU fidelity

def srca_part(x, phase: int) -> np.ndarray:
    """ISA ELWMUL.md SrcAFidelityBits."""
    x = np.asarray(x, dtype=F32)
    if phase % 2 == 0:
        return from_bits(bits(x) & U32(0xFFF80000))
    return (x - from_bits(bits(x) & U32(0xFFF83FFF))).astype(F32)


def srcb_part(x, phase: int) -> np.ndarray:
    """ISA ELWMUL.md SrcBFidelityBits."""
    x = np.asarray(x, dtype=F32)
    if phase & 2 == 0:
        return from_bits(bits(x) & U32(0xFFFE0000))
    return (x - from_bits(bits(x) & U32(0xFFFE1FFF))).astype(F32)


def dest(x, fp32_dest: bool) -> np.ndarray:
    x = np.asarray(x, dtype=F32)
    return x if fp32_dest else rne_bf16(x)


def elwmul(a, b, fidelity: str, fp32_dest: bool) -> np.ndarray:
    """ELWMUL into a zeroed DEST: phase p adds srca_part(a, p) * srcb_part(b, p) and writes DEST."""
    d = np.zeros(np.shape(a), dtype=F32)
    for p in range(PHASES[fidelity]):
        d = dest(d + srca_part(a, p) * srcb_part(b, p), fp32_dest)
    return d


def fpu_dot(dst, a, b, fidelity: str, fp32_dest: bool) -> np.ndarray:
    """Rows of a, b (shape (m, n)) summed per phase in index order in float32, each phase added into DEST."""
    a = np.asarray(a, dtype=F32)
    b = np.asarray(b, dtype=F32)
    d = np.asarray(dst, dtype=F32).copy()
    for p in range(PHASES[fidelity]):
        prod = (srca_part(a, p) * srcb_part(b, p)).astype(F32)
        x = np.zeros(a.shape[0], dtype=F32)
        for k in range(a.shape[1]):
            x = (x + prod[:, k]).astype(F32)
        d = dest(d + x, fp32_dest)
    return d


# ------------------------------------------------------------------ SFPU

def _flush(x) -> np.ndarray:
    x = np.asarray(x, dtype=F32)
    u = bits(x)
    return np.where((u & U32(0x7F800000)) == 0, from_bits(u & U32(0x80000000)), x).astype(F32)


def _fma_f32(a, b, c) -> np.ndarray:
    """Correctly rounded float32 a*b+c (one rounding, nearest even): the product is exact in float64; the
    float64 sum s is exact up to its TwoSum error e; rounding s to float32 equals rounding the exact sum unless
    s lies exactly halfway between two float32 values and e != 0, where e's sign decides the direction."""
    with np.errstate(invalid="ignore", over="ignore"):
        a64, b64, c64 = (np.asarray(v, dtype=F32).astype(np.float64) for v in (a, b, c))
        p = a64 * b64
        s = p + c64
        bb = s - p
        e = (p - (s - bb)) + (c64 - bb)
        r = s.astype(F32)
        # Halfway test: s exactly between r and its neighbour toward s.
        r64 = r.astype(np.float64)
        toward = np.where(s > r64, np.inf, -np.inf)
        nb = np.nextafter(r, toward.astype(F32)).astype(np.float64)
        half = (r64 + nb) / 2
        tie = np.isfinite(s) & (s != r64) & (s == half)
        # Exactly halfway (in float64): r is the even choice; the exact value is beyond s when e has s's direction.
        fix = tie & (e != 0) & (np.sign(e) == np.sign(s - r64))
        r = np.where(fix, nb.astype(F32), r)
        # s itself rounded to float32 at a tie went to even; if e moves the exact value away from the tie toward r,
        # r is right. If s == r64 exactly and e != 0, r is right (|e| < half an ulp of float32 there).
        nan = np.isnan(p + c64)
    return np.where(nan, np.float32(np.nan), r).astype(F32)


def sfpmad(a, b, c) -> np.ndarray:
    d = _fma_f32(_flush(a), _flush(b), _flush(c))
    u = bits(d)
    d = np.where((u & U32(0x7F800000)) == 0, F32(0), d)
    return np.where(np.isnan(d), from_bits(np.full(d.shape, 0x7FC00001, dtype=U32)), d).astype(F32)


def sfpmul(a, b):
    return sfpmad(a, b, np.zeros(np.shape(a), dtype=F32))


def sfpadd(a, b):
    return sfpmad(np.ones(np.shape(a), dtype=F32), a, b)


def round_bf16_nearest_away(x) -> np.ndarray:
    """ISA SFPSTOCHRND_FloatFloat.md, FP32 -> BF16, PRNG bits 0x400000 (non-stochastic)."""
    u = bits(x)
    e = (u >> 23) & U32(0xFF)
    disc = u & U32(0xFFFF)
    r = u - disc + np.where((disc.astype(np.uint64) << 7) >= 0x400000, U32(0x10000), U32(0))
    r = np.where(e == 0, U32(0), np.where(e == 255, u & U32(0xFF800000), r)).astype(U32)
    return from_bits(r)


def sqrt_lanes(x, approximate: bool, reciprocal: bool, fp32_dest: bool) -> np.ndarray:
    """LLK ckernel_sfpu_sqrt.h _calculate_sqrt_body_ (FAST_APPROX = false) then the DEST store."""
    x = np.asarray(x, dtype=F32)
    xb = bits(x)
    inf = U32(0x7F800000)
    magic = U32(0x5F0B3892 if approximate else 0x5F1110A0)
    with np.errstate(over="ignore"):
        y = from_bits((magic - (xb >> U32(1))).astype(U32))
        inf_minus_x = (inf - xb).astype(U32)
    ok = (inf_minus_x != 0) & ((xb << U32(1)).astype(U32) != 0)
    neg = (xb >> U32(31)) != 0
    qnan = from_bits(np.full(x.shape, 0x7FC00000, dtype=U32))
    if approximate:
        c = sfpmul(x, y)
        t = sfpmad(-y, c, np.full(x.shape, 1.89099014875, dtype=F32))
        if reciprocal:
            y = np.where(ok, np.where(neg, qnan, sfpmul(y, t)), from_bits(inf_minus_x))
        else:
            y = np.where(xb != inf, sfpmul(c, t), c)
    else:
        xy = sfpmul(x, y)
        c = sfpmul(-y, xy)
        inner = sfpadd(np.full(x.shape, 2.2533049, dtype=F32), c)
        y = sfpmul(y, sfpmad(c, inner, np.full(x.shape, 2.2825186, dtype=F32)))
        xy = sfpmul(x, y)
        omx = sfpmad(-y, xy, np.ones(x.shape, dtype=F32))
        if reciprocal:
            yb = bits(y)
            ex = (yb >> U32(23)) & U32(0xFF)
            half_y = from_bits(np.where(ex == 255, yb, (yb & U32(0x807FFFFF)) | (((ex - U32(1)) & U32(0xFF)) << U32(23))))
            y = np.where(ok, np.where(neg, qnan, sfpmad(omx, half_y, y)), from_bits(inf_minus_x))
        else:
            half_xy = sfpmul(np.full(x.shape, 0.5, dtype=F32), xy)
            y = np.where(xb.view(np.int32) < np.int32(0x7F800000), sfpmad(omx, half_xy, xy), y)
    if not reciprocal:
        y = np.where((xb << U32(1)).astype(U32) == 0, x, np.where(neg, qnan, y))
    y = np.asarray(y, dtype=F32)
    return y if fp32_dest else round_bf16_nearest_away(y)
