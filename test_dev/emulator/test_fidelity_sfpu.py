"""Math fidelity, SrcA-style operand reads and SFPU functions (issue 10, Deliver 2 and 3).

Two levels: the pure C++ models (_C.emu_numerics, cpp/emulator/src/math/) against the independent numpy models
of numerics_model.py, bit for bit over large sweeps; and the emulator running tile_math.cpp with a
ComputeConfigDescriptor's math_fidelity / math_approx_mode, bit for bit against the same numpy models. Properties
that do not depend on either transcription (HiFi4 on bf16 operands is the exact product, precise rsqrt within
2 fp32 ulp, approx rsqrt within 1e-3 relative) guard against an error both transcriptions share.
"""

from __future__ import annotations

import numpy as np
import pytest

from layernorm_fused_rm import _C

import harness as h
import numerics_model as nm
from test_tile_math import assert_bits_equal, rand_bf16, rand_f32, run_op

F32 = np.float32
U32 = np.uint32
N = _C.emu_numerics
FIDELITIES = ["LoFi", "HiFi2", "HiFi3", "HiFi4"]
MF = {"LoFi": 0, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}


@pytest.fixture(scope="module")
def dev():
    return _C.EmuDevice("wormhole_b0")


def probe(fn, *arrays, **kw):
    out = fn(*[np.asarray(a, dtype=F32).view(U32).tolist() for a in arrays], **kw)
    return np.array(out, dtype=U32).view(F32)


def src_operands(rng, n, tf32: bool):
    """Random SrcA/SrcB values as the unpacker delivers them: TF32 (or BF16), no denormals, wide exponents."""
    x = (rng.standard_normal(n) * np.exp2(rng.integers(-20, 20, n))).astype(F32)
    return h.tf32_trunc(x) if tf32 else h.bf16_trunc(x)


# ---------------------------------------------------------------- pure models, C++ vs numpy

@pytest.mark.parametrize("fp32_dest", [True, False])
@pytest.mark.parametrize("fidelity", FIDELITIES)
def test_elwmul_model_matches_numpy(fidelity, fp32_dest):
    rng = np.random.default_rng(MF[fidelity] + 10 * fp32_dest)
    a, b = src_operands(rng, 50_000, True), src_operands(rng, 50_000, True)
    got = probe(N.fpu_elwmul, a, b, math_fidelity=MF[fidelity], fp32_dest=fp32_dest)
    assert_bits_equal(got, nm.elwmul(a, b, fidelity, fp32_dest))


@pytest.mark.parametrize("fidelity", FIDELITIES)
def test_fpu_dot_model_matches_numpy(fidelity):
    rng = np.random.default_rng(40 + MF[fidelity])
    a, b = src_operands(rng, 32 * 500, False).reshape(500, 32), src_operands(rng, 32 * 500, True).reshape(500, 32)
    dst = src_operands(rng, 500, True)
    got = probe(N.fpu_dot, dst, a.ravel(), b.ravel(), n=32, math_fidelity=MF[fidelity], fp32_dest=True)
    assert_bits_equal(got, nm.fpu_dot(dst, a, b, fidelity, True))


def test_fidelity_properties_independent_of_the_models():
    rng = np.random.default_rng(3)
    a, b = src_operands(rng, 20_000, False), src_operands(rng, 20_000, False)
    exact = (a.astype(np.float64) * b.astype(np.float64)).astype(F32)  # bf16 x bf16 is exact in fp32
    # HiFi4 consumes every bf16 mantissa bit (SrcASrcB.md: "All four phases" = full precision for BF16).
    assert_bits_equal(probe(N.fpu_elwmul, a, b, math_fidelity=4, fp32_dest=True), exact)
    # LoFi: 5 significant bits of SrcA x 7 of SrcB, truncated: relative error < 2^-4 + 2^-6, and not exact.
    lofi = probe(N.fpu_elwmul, a, b, math_fidelity=0, fp32_dest=True)
    rel = np.abs(lofi.astype(np.float64) / exact - 1)
    assert rel.max() < 2.0 ** -4 + 2.0 ** -6
    assert (lofi != exact).mean() > 0.5
    # HiFi2 (phases 0 and 1): all of SrcA, the top 7 bits of SrcB.
    hifi2 = probe(N.fpu_elwmul, a, b, math_fidelity=2, fp32_dest=True)
    assert_bits_equal(hifi2, (a * h.bf16_trunc(nm.from_bits(nm.bits(b) & U32(0xFFFE0000)))).astype(F32))
    with pytest.raises(ValueError, match="math_fidelity: expected LoFi"):
        N.fpu_elwmul([0], [0], 1, True)


def sfpmad_operands(rng, n):
    """Products and addends that cancel, tie, underflow to denormals and overflow, plus zeros and denormals."""
    a = (rng.standard_normal(n) * np.exp2(rng.integers(-70, 70, n))).astype(F32)
    b = (rng.standard_normal(n) * np.exp2(rng.integers(-70, 70, n))).astype(F32)
    with np.errstate(over="ignore"):
        c = -(a.astype(np.float64) * b).astype(F32)  # near-cancellation (inf where the product overflows)
    c[::3] = (rng.standard_normal(n // 3 + 1) * np.exp2(rng.integers(-140, 127, n // 3 + 1))).astype(F32)[: len(c[::3])]
    c[1::7] = 0
    a[2::11] = nm.from_bits(rng.integers(1, 0x7FFFFF, len(a[2::11])).astype(U32))  # denormal inputs
    return a, b, c


def test_sfpmad_model_matches_numpy():
    a, b, c = sfpmad_operands(np.random.default_rng(5), 200_000)
    got = probe(N.sfpmad, a, b, c)
    assert_bits_equal(got, nm.sfpmad(a, b, c))
    # Independent checks: no denormal or -0 output (ISA SFPMAD.md), denormal a reads as 0.
    u = got.view(U32)
    assert not ((u & 0x7F800000) == 0)[u != 0].any()
    den = (a.view(U32) & 0x7F800000) == 0
    assert_bits_equal(got[den & (np.abs(c) > 1e-30)], c[den & (np.abs(c) > 1e-30)])


ARCHS = ["wormhole_b0", "blackhole"]


def mad_bits(a, b, c, arch="wormhole_b0"):
    """SFPMAD of single FP32 bit patterns through the C++ model of `arch`; returns the result's bit pattern."""
    return int(N.sfpmad([a], [b], [c], arch=arch)[0])


@pytest.mark.parametrize("arch", ARCHS)
def test_sfpmad_is_partially_fused_not_fully(arch):
    # a = b = 1 + 2^-23 (0x3F800001), c = -(1 + 2^-22) (0xBF800002). Exact a*b = 1 + 2^-22 + 2^-46.
    # Fully fused (std::fmaf, IEEE fusedMultiplyAdd): 2^-46 = 0x28800000. Two roundings: round(a*b) = 1 + 2^-22,
    # plus c = 0. Both chips (ISA Miscellaneous/FMA/fma.c): the 48-bit product significand 2^46 + 2^24 + 1 keeps
    # 26 fractional bits, 2^26 + 2^4, and its 20 dropped bits (the 2^-46 term) become one sticky bit at 2^-26;
    # c's significand << 3 is 2^26 + 2^4 at the same exponent, so the difference is the sticky bit alone: 2^-26.
    assert mad_bits(0x3F800001, 0x3F800001, 0xBF800002, arch) == 0x32800000


@pytest.mark.parametrize("arch", ARCHS)
def test_sfpmad_with_b_one_or_c_zero_is_the_ieee_add_or_multiply(arch):
    # ISA SFPMAD.md: "If multiplying by one or adding zero, then the partially fused operation is equivalent to a
    # standalone add or standalone multiply" -- numpy's float32 arithmetic (IEEE, nearest even), then Wormhole's
    # flush of -0 to +0. Exponents keep products and sums clear of the denormal range.
    rng = np.random.default_rng(7)
    n = 100_000
    a = (rng.standard_normal(n) * np.exp2(rng.integers(-50, 50, n))).astype(F32)
    b = (rng.standard_normal(n) * np.exp2(rng.integers(-50, 50, n))).astype(F32)
    c = -a.copy()
    c[::2] = (rng.standard_normal(n // 2) * np.exp2(rng.integers(-50, 50, n // 2))).astype(F32)
    c[1::4] = np.nextafter(-a[1::4], F32(0))  # cancellation to one ulp
    one, zero = np.ones(n, dtype=F32), np.zeros(n, dtype=F32)

    def flush(x):
        return np.where((x.view(U32) & 0x7F800000) == 0, F32(0), x).astype(F32)

    assert_bits_equal(probe(N.sfpmad, a, one, c, arch=arch), flush(a + c))
    assert_bits_equal(probe(N.sfpmad, one, a, c, arch=arch), flush(a + c))
    assert_bits_equal(probe(N.sfpmad, a, b, zero, arch=arch), flush(a * b))


@pytest.mark.parametrize("a,b,c,wormhole,blackhole,why", [
    # Inf * 0 is NaN. Wormhole: 0x7F800001 with the product's sign; the add still runs with the product as zero and
    # the addend's bits (1.25 = 0x3FA00000) are OR-ed in. Blackhole: the canonical NaN 0x7FC00000 at once.
    (0x7F800000, 0x00000000, 0x3FA00000, 0x7FA00001, 0x7FC00000, "Inf*0 + 1.25"),
    # A NaN operand. Wormhole: NaN with the product's (negative) sign; the product's exponent clamps to 255, the
    # sum overflows and the NaN is returned alone.
    (0xFFC00000, 0x3F800000, 0x00000000, 0xFF800001, 0x7FC00000, "-NaN*1"),
    # A NaN addend. Wormhole: NaN with the addend's sign, the sum overflows: 0xFF800001.
    (0x3F800000, 0x3F800000, 0xFFC00000, 0xFF800001, 0x7FC00000, "1*1 + -NaN"),
    # Inf + (-Inf). Wormhole: NaN with the product's sign; the sum cancels to zero, the NaN alone.
    (0x7F800000, 0x3F800000, 0xFF800000, 0x7F800001, 0x7FC00000, "Inf - Inf"),
    (0x40000000, 0x40400000, 0xFF800000, 0xFF800000, 0xFF800000, "finite + -Inf is the addend"),
    (0x71800000, 0xF1800000, 0x3F800000, 0xFF800000, 0xFF800000, "2^100 * -2^100 overflows to -Inf before the add"),
    # 2^100 * 2^100 overflows; plus -Inf: Wormhole counts the product as Inf, Inf - Inf = NaN (sign +, exponents
    # 255 and 255 cancel to a zero sum: the NaN alone); Blackhole only tests Inf inputs: the addend -Inf.
    (0x71800000, 0x71800000, 0xFF800000, 0x7F800001, 0xFF800000, "overflowed product + -Inf"),
    # Denormal inputs read as zero: 2^-149 * 2^126 would be 2^-23 in IEEE.
    (0x00000001, 0x7E800000, 0x00000000, 0x00000000, 0x00000000, "denormal a"),
    (0x40000000, 0x40400000, 0x00400000, 0x40C00000, 0x40C00000, "denormal c: 2*3 + 0 = 6"),
    # 2^-64 * -2^-63 = -2^-127, denormal. Wormhole: +0 (sign discarded). Blackhole: significand 2^26 at exponent 0
    # is shifted one place further, 2^25 -> fraction 0x400000, no rounding, flushed to a sign-kept -0.
    (0x1F800000, 0xA0000000, 0x00000000, 0x00000000, 0x80000000, "denormal result"),
    # -1 * 0 + -0: zero product, zero addend. Wormhole +0; Blackhole the AND of the signs: -0.
    (0xBF800000, 0x00000000, 0x80000000, 0x00000000, 0x80000000, "-0 result"),
    (0x3F800000, 0x3F800000, 0xBF800000, 0x00000000, 0x00000000, "cancellation is +0"),
    # (1 + 2^-23) 2^-64 * (2 - 2^-22) 2^-63: significands multiply to 2^47 - 2 -> 2^27 - 1 (sticky set), exponent
    # field 0. Wormhole: fraction all ones, guard bits 111: carries into the smallest normal 2^-126, kept.
    # Blackhole: one more shift, 2^26 - 1 (sticky kept): fraction all ones, guard bits 111: the same carry.
    (0x1F800001, 0x207FFFFE, 0x00000000, 0x00800000, 0x00800000, "rounds up into the smallest normal"),
    # 2^-64 * (2 - 2^-23) 2^-63 = 2^-126 - 2^-150: significand 2^47 - 2^23 -> 2^27 - 8, no sticky. Wormhole:
    # fraction all ones, guard bits 000: stays at exponent field 0 -> +0. Blackhole: one more shift, 2^26 - 4:
    # fraction all ones (odd), guard bits 100, a tie -> up to even: the smallest normal.
    (0x1F800000, 0x207FFFFF, 0x00000000, 0x00000000, 0x00800000, "just below the smallest normal"),
])
def test_sfpmad_special_values(a, b, c, wormhole, blackhole, why):
    assert mad_bits(a, b, c, "wormhole_b0") == wormhole, why
    assert mad_bits(a, b, c, "blackhole") == blackhole, why


def test_sfpmad_probe_names_a_bad_arch():
    with pytest.raises(ValueError, match="arch"):
        N.sfpmad([0], [0], [0], arch="grayskull")


def sweep_inputs(n=120_000):
    """>= 10^5 finite fp32 inputs: random bit patterns (every sign, exponent, denormals, zeros) and a dense
    log-uniform sweep of the positive range the op feeds rsqrt (variance + eps)."""
    rng = np.random.default_rng(2024)
    raw = rng.integers(0, 2**32, n // 2, dtype=np.uint64).astype(U32)
    raw = raw[(raw & 0x7F800000) != 0x7F800000]
    pos = np.exp2(rng.uniform(-126, 127, n // 2)).astype(F32)
    special = np.array([0.0, -0.0, 1e-45, 1.0, 4.0, 0.25, 2.0, 3.4e38, 1.17549435e-38], dtype=F32)
    x = np.concatenate([raw.view(F32), pos, special])
    assert np.isfinite(x).all() and len(x) >= 100_000
    return x


@pytest.mark.parametrize("fp32_dest", [True, False])
@pytest.mark.parametrize("reciprocal", [True, False], ids=["rsqrt", "sqrt"])
@pytest.mark.parametrize("approximate", [True, False], ids=["approx", "precise"])
def test_sqrt_rsqrt_model_matches_numpy_over_a_sweep(approximate, reciprocal, fp32_dest):
    x = sweep_inputs()
    got = probe(N.sfpu_sqrt, x, approximate=approximate, reciprocal=reciprocal, fp32_dest=fp32_dest)
    want = nm.sqrt_lanes(x, approximate, reciprocal, fp32_dest)
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    assert (nan_g == nan_w).all()
    assert_bits_equal(got[~nan_g], want[~nan_w])


def test_rsqrt_accuracy_independent_of_the_models():
    x = np.exp2(np.random.default_rng(9).uniform(-100, 100, 100_000)).astype(F32)
    ref = 1 / np.sqrt(x.astype(np.float64))
    precise = probe(N.sfpu_sqrt, x, approximate=False, reciprocal=True, fp32_dest=True).astype(np.float64)
    approx = probe(N.sfpu_sqrt, x, approximate=True, reciprocal=True, fp32_dest=True).astype(np.float64)
    ulp = np.spacing(ref.astype(F32)).astype(np.float64)
    assert np.abs(precise - ref).max() <= 2 * ulp.max() and (np.abs(precise - ref) / ulp).max() <= 2
    rel = np.abs(approx / ref - 1)
    assert 1e-4 < rel.max() < 1e-3  # SQRT_10-bits: ~8.8e-4 at worst (issue 10), far from fp32 exact
    edge = probe(N.sfpu_sqrt, np.array([0.0, -0.0, np.inf, -4.0], dtype=F32), approximate=False, reciprocal=True,
                 fp32_dest=True)
    assert edge[0] == np.inf and edge[1] == -np.inf and edge[2] == 0 and np.isnan(edge[3])


# ---------------------------------------------------------------- through the emulator's kernels

@pytest.mark.parametrize("fp32_dest", [False, True])
@pytest.mark.parametrize("fidelity", FIDELITIES)
def test_mul_tiles_under_each_fidelity(dev, fidelity, fp32_dest):
    rng = np.random.default_rng(100 + MF[fidelity])
    a, b = rand_bf16(rng), rand_bf16(rng)
    fmt = h.FP32 if fp32_dest else h.BF16
    (out,) = run_op(dev, [("OP_BINARY", "mul_tiles"), ("OP_BINARY_INIT", "mul_init")], [a], b, fmt_out=fmt,
                    fp32_dest=fp32_dest, math_fidelity=fidelity)
    assert_bits_equal(out, nm.elwmul(a, b, fidelity, fp32_dest))


def test_lofi_gives_different_bits_from_hifi4(dev):
    rng = np.random.default_rng(7)
    a, b = rand_bf16(rng), rand_bf16(rng)
    kw = dict(fmt_out=h.FP32, fp32_dest=True)
    (lofi,) = run_op(dev, [("OP_BINARY", "mul_tiles"), ("OP_BINARY_INIT", "mul_init")], [a], b,
                     math_fidelity="LoFi", **kw)
    (hifi4,) = run_op(dev, [("OP_BINARY", "mul_tiles"), ("OP_BINARY_INIT", "mul_init")], [a], b,
                      math_fidelity="HiFi4", **kw)
    assert_bits_equal(hifi4, a * b)
    assert (lofi != hifi4).mean() > 0.5


@pytest.mark.parametrize("fidelity", FIDELITIES)
def test_reduce_row_sum_under_each_fidelity(dev, fidelity):
    rng = np.random.default_rng(200 + MF[fidelity])
    a = rand_bf16(rng)
    s = np.zeros((32, 32), dtype=F32)
    s[0, :] = s[16, :] = h.bf16_round(np.full(32, 1 / 3, dtype=F32))  # a scaler whose low bits matter
    (out,) = run_op(dev, [("OP_REDUCE_ROW", "1"), ("POOL", "PoolType::SUM")], [a], s, fmt_out=h.FP32,
                    fp32_dest=True, math_fidelity=fidelity)
    srow = np.stack([s[(r // 16) * 16, :] for r in range(32)])
    assert_bits_equal(out[:, 0], nm.fpu_dot(np.zeros(32, dtype=F32), srow, a, fidelity, True))


@pytest.mark.parametrize("approx", [True, False])
@pytest.mark.parametrize("fp32_dest", [True, False])
def test_rsqrt_tile_follows_math_approx_mode(dev, approx, fp32_dest):
    rng = np.random.default_rng(11)
    x = (np.abs(rng.standard_normal((32, 32))) * np.exp2(rng.integers(-20, 20, (32, 32))) + 1e-6).astype(F32)
    x = x if fp32_dest else h.bf16_round(x)
    fmt = h.FP32 if fp32_dest else h.BF16
    (out,) = run_op(dev, [("OP_SFPU_UNARY", "rsqrt_tile"), ("OP_SFPU_UNARY_INIT", "rsqrt_tile_init")], [x], x,
                    fmt_a=fmt, fmt_b=fmt, fmt_out=h.FP32, fp32_dest=fp32_dest, approx=approx,
                    unpack_to_dest=[0] if fp32_dest else None)
    assert_bits_equal(out, nm.sqrt_lanes(x, approx, True, fp32_dest))


# ---------------------------------------------------------------- SrcA style, unary_bcast from Float32

@pytest.mark.parametrize("optimistic", [False, True])
def test_tf32_srcb_under_bf16_srca(dev, optimistic, monkeypatch):
    """SrcA bf16, SrcB a Float32 CB (TF32 in SrcB) with fp32 DEST: ISA ELWADD.md reads both in SrcA's BF16
    style; pessimistic default truncates SrcB to BF16, LAYERNORM_FUSED_RM_EMU_OPTIMISTIC=1 keeps TF32."""
    if optimistic:
        monkeypatch.setenv("LAYERNORM_FUSED_RM_EMU_OPTIMISTIC", "1")
    rng = np.random.default_rng(12)
    a, b = rand_bf16(rng), rand_f32(rng)
    (out,) = run_op(dev, [("OP_BINARY", "sub_tiles"), ("OP_BINARY_INIT", "sub_init")], [a], b, fmt_b=h.FP32,
                    fmt_out=h.FP32, fp32_dest=True)
    seen = h.tf32_trunc(b) if optimistic else h.bf16_trunc(b)
    assert_bits_equal(out, a - seen)


@pytest.mark.parametrize("marked", [False, True])
def test_unary_bcast_fp32_exact_only_when_marked(dev, marked):
    a = rand_f32(np.random.default_rng(13))
    (out,) = run_op(dev, [("OP_UNARY_BCAST", "COL")], [a], a, fmt_a=h.FP32, fmt_b=h.FP32, fmt_out=h.FP32,
                    fp32_dest=True, unpack_to_dest=[0] if marked else None)
    col = a[:, 0:1] if marked else h.tf32_trunc(a[:, 0:1])
    assert_bits_equal(out, np.broadcast_to(col, (32, 32)))
