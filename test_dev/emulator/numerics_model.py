"""numpy models of the emulator's FPU fidelity and SFPU numerics, written from the same sources as
cpp/emulator/src/math/fidelity.hpp and sfpu_functions.hpp but independently of that code (vectorised numpy, the
SFPMAD written over whole arrays with masks instead of the C++ early returns), so that the bit-exact tests compare
two transcriptions of the documents:

- ISA (github.com/tenstorrent/tt-isa-documentation, WormholeB0/TensixTile/TensixCoprocessor/): SrcASrcB.md
  "Fidelity phases", ELWMUL.md SrcAFidelityBits / SrcBFidelityBits and the per-phase DEST write, MVMUL.md sums,
  SFPMAD.md and the repository's bit-perfect model (at its root) Miscellaneous/FMA/fma.c (fma_model_wh: partially fused, denormal inputs as
  zero, one rounding to nearest even, denormal / -0 results as +0),
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


def elwmul(a, b, fidelity: str, fp32_dest: bool, d0=None) -> np.ndarray:
    """ELWMUL onto DEST (ISA ELWMUL.md: Dst += SrcA * SrcB), DEST = d0 before (zero, as the packer leaves a
    released section, when None): phase p adds srca_part(a, p) * srcb_part(b, p) and writes DEST."""
    d = np.zeros(np.shape(a), dtype=F32) if d0 is None else np.asarray(d0, dtype=F32).copy()
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

def sfpmad(a, b, c) -> np.ndarray:
    """Wormhole SFPMAD a*b+c, bit for bit, after the ISA repository's Miscellaneous/FMA/fma.c (fma_model_wh),
    vectorised: integer significands in uint64 lanes, the product cut to the addend's 26 fractional bits with a
    sticky bit, a semi-sticky alignment shift, a 32-bit sign-magnitude add, normalisation (right shift keeping only
    bit 0 as sticky), round to nearest even, +0 for zero / denormal results, NaNs OR-ed with the sum's bits."""
    u64 = np.uint64
    ua, ub, uc = (bits(np.asarray(v, dtype=F32)).astype(u64) for v in (a, b, c))
    ea, eb, ec = ((u >> u64(23)) & u64(0xFF) for u in (ua, ub, uc))
    ma, mb, mc = (np.where(e == 0, u64(0), (u & u64(0x7FFFFF)) | u64(0x800000)) for u, e in ((ua, ea), (ub, eb), (uc, ec)))
    ps = (ua ^ ub) & u64(0x80000000)
    cs = uc & u64(0x80000000)
    full = ma * mb
    pm = (full >> u64(20)) | ((full & u64(0xFFFFF)) != 0).astype(u64)
    pe = ea.astype(np.int64) + eb.astype(np.int64) - 127
    cm = mc << u64(3)
    ce = ec.astype(np.int64)
    a_inf, b_inf, c_inf = (ea == 255) & (ma == 0x800000), (eb == 255) & (mb == 0x800000), (ec == 255) & (mc == 0x800000)
    prod_inf = (ea == 255) | (eb == 255) | (pe >= 255)
    special = prod_inf | (ec == 255)
    p_nan = (((ea == 255) & ~a_inf) | ((eb == 255) & ~b_inf) | (a_inf & (mb == 0)) | (b_inf & (ma == 0))
             | (c_inf & prod_inf & (cs != ps)))
    c_nan = (ec == 255) & ~c_inf
    nan = np.where(special & p_nan, ps | u64(0x7F800001), np.where(special & c_nan, cs | u64(0x7F800001), u64(0)))
    out = np.zeros(ua.shape, dtype=u64)
    done = np.zeros(ua.shape, dtype=bool)
    # Non-NaN specials: an infinite addend, else the product's Inf.
    early = special & (nan == 0)
    out = np.where(early, np.where(c_inf, uc, ps | u64(0x7F800000)), out)
    done |= early
    pe = np.where(special, np.minimum(pe, 255), pe)
    no_product = (pm == 0) | (pe < 0)
    keep_c = no_product & (nan == 0) & ~done
    out = np.where(keep_c, np.where(mc != 0, uc, u64(0)), out)
    done |= keep_c
    pm = np.where(no_product, u64(0), pm)
    pe = np.where(no_product, 0, pe)
    re = np.maximum(pe, ce)

    def align(m, shift):
        s = np.minimum(shift, 63).astype(u64)
        kept = m >> s
        lost = (kept << s) != m
        return np.where(shift >= 32, u64(0), np.where(kept != 0, kept | lost.astype(u64), u64(0)))

    pm, cm = align(pm, re - pe), align(cm, re - ce)
    rs = np.where(pm >= cm, ps, cs)
    rm = np.where(ps == cs, pm + cm, np.where(pm >= cm, pm - cm, cm - pm))
    zero = (rm == 0) & ~done
    out = np.where(zero, nan, out)
    done |= zero
    top = np.frexp(np.maximum(rm, u64(1)).astype(np.float64))[1].astype(np.int64) - 1  # rm < 2^29: exact
    n = top - 26
    re = re + n
    over = (re >= 255) & ~done
    out = np.where(over, np.where(nan != 0, nan, rs | u64(0x7F800000)), out)
    done |= over
    under = (re < 0) & ~done
    out = np.where(under, nan, out)
    done |= under
    left = np.clip(-n, 0, 63).astype(u64)
    right = np.clip(n, 0, 63).astype(u64)
    rm = np.where(n <= 0, rm << left, (rm >> right) | (rm & u64(1)))
    r = (np.maximum(re, 0).astype(u64) << u64(23)) + ((rm >> u64(3)) & u64(0x7FFFFF))
    grs = rm & u64(7)
    r = r + ((grs > 4) | ((grs == 4) & ((r & u64(1)) == 1))).astype(u64)
    denorm = ((r >> u64(23)) == 0) & ~done
    out = np.where(denorm, nan, out)
    done |= denorm
    out = np.where(done, out, np.where(nan != 0, nan, rs) | r)
    return from_bits((out & u64(0xFFFFFFFF)).astype(U32))


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
