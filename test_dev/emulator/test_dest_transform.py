"""The SFPU column reduce and the in-DEST transpose (tt-metal 0.81.1 api/compute/compute_kernel_api.h sfpu_reduce,
api/compute/transpose_dest.h), run through kernels/ok/dest_transform.cpp: A tile 0 copied into DST 1, then
transpose_dest and/or sfpu_reduce, DST 1 packed.

The reduce's expected values are computed here from the LLK's text, independently of the emulator's C++:
hw/ckernels/wormhole_b0/metal/llk_api/llk_sfpu/ckernel_sfpu_reduce.h perform_reduce_col_sum_avg / init_reduce_sum_avg
(the float replay: LREG2 = LREG2 + LREG3, LREG1 = LREG1 + LREG2, LREG0 = LREG0 + LREG1 per face, then
SFPADD(LREG0, 1, LREG4) across the upper and lower face, SFPTRANSP, and the half reduce (P0 + P1) + (P2 + P3);
Blackhole's copy of that header records the half reduce as P0 + (P1 + (P2 + P3))). SFPADD is SFPMAD with 1.0 (ISA
SFPADD.md): numerics_model.sfpadd for Wormhole bit for bit, and plain float32 adds where the data keep every input
and result normal (SFPMAD is then IEEE's round-to-nearest-even add).
"""

from __future__ import annotations

import numpy as np
import pytest

from layernorm_fused_rm import _C

import harness as h
import numerics_model as nm
from test_tile_math import assert_bits_equal, rand_bf16, run_op

F32 = np.float32
U32 = np.uint32
KERNEL = "ok/dest_transform.cpp"
FP32_IO = dict(fmt_a=h.FP32, fmt_b=h.FP32, fmt_out=h.FP32, fp32_dest=True, unpack_to_dest=[0, 1], kernel=KERNEL)
REDUCE = [("OP_SFPU_REDUCE", "1")]
TRANSPOSE = [("OP_TRANSPOSE", "1")]


@pytest.fixture(scope="module")
def dev():
    return _C.EmuDevice("wormhole_b0")


@pytest.fixture(scope="module")
def dev_bh():
    return _C.EmuDevice("blackhole")


def run(dev, defines, a, **kw):
    args = dict(FP32_IO)
    args.update(kw)
    (out,) = run_op(dev, defines, [a], np.zeros((32, 32), dtype=F32), **args)
    return out


def mixed_tile(rng, normal_only=False):
    """Mixed magnitudes (2^-12 .. 2^12) and signs, so that every summation order rounds differently somewhere;
    unless normal_only, a few denormals and exact cancellations too."""
    x = (rng.standard_normal((32, 32)) * np.exp2(rng.integers(-12, 13, (32, 32)))).astype(F32)
    if not normal_only:
        x[5, 3] = nm.from_bits(np.array([0x00000123], dtype=U32))[0]  # denormal: SFPMAD reads it as 0
        x[21, 3] = nm.from_bits(np.array([0x80400000], dtype=U32))[0]
        x[0, 7], x[16, 7] = F32(3.0), F32(-3.0)  # cancels exactly inside P_0
    return x


def llk_col_sums(x, add, blackhole=False):
    """Row 0 of sfpu_reduce<SUM, Float32, REDUCE_COL>, from ckernel_sfpu_reduce.h (see the module docstring): per
    column, U_k = x[k] + (x[4+k] + (x[8+k] + x[12+k])) over rows 0..15, L_k the same over rows 16..31, P_k = U_k + L_k,
    then (P0 + P1) + (P2 + P3) on Wormhole, P0 + (P1 + (P2 + P3)) on Blackhole. add(a, c) is one SFPADD a * 1 + c."""
    p = []
    for k in range(4):
        u = add(x[k], add(x[4 + k], add(x[8 + k], x[12 + k])))
        lo = add(x[16 + k], add(x[20 + k], add(x[24 + k], x[28 + k])))
        p.append(add(u, lo))
    if blackhole:
        return add(p[0], add(p[1], add(p[2], p[3])))
    return add(add(p[0], p[1]), add(p[2], p[3]))


def f32_add(a, c):
    return (np.asarray(a, dtype=F32) + np.asarray(c, dtype=F32)).astype(F32)


def check_reduce_tile(out, x, want_row0):
    assert_bits_equal(out[0], want_row0)
    assert np.isnan(out[1:4]).all(), "rows 1..3: SFPSTORE writes LREG0's other lane rows there, undefined by the API"
    assert_bits_equal(out[4:], x[4:])


# ------------------------------------------------------------------ sfpu_reduce<SUM, Float32, REDUCE_COL>

def test_sfpu_reduce_col_sum_follows_the_llk_order_bit_for_bit(dev):
    x = mixed_tile(np.random.default_rng(61))
    out = run(dev, REDUCE, x)
    want = llk_col_sums(x, nm.sfpadd)
    check_reduce_tile(out, x, want)
    # The data tell the orders apart: a row-by-row float32 sum and Blackhole's half reduce differ from it.
    sequential = np.zeros(32, dtype=F32)
    for r in range(32):
        sequential = f32_add(sequential, x[r])
    assert (nm.bits(sequential) != nm.bits(want)).sum() >= 4
    assert (nm.bits(llk_col_sums(x, nm.sfpadd, blackhole=True)) != nm.bits(want)).sum() >= 2


def test_sfpu_reduce_col_sum_is_the_ieee_add_order_and_within_the_float64_bound(dev):
    # All inputs and partial sums normal: SFPADD is float32 round-to-nearest-even, so plain float32 adds in the
    # LLK's order give the same bits without the SFPMAD transcription.
    x = mixed_tile(np.random.default_rng(62), normal_only=True)
    out = run(dev, REDUCE, x)
    check_reduce_tile(out, x, llk_col_sums(x, f32_add))
    # Any order of pairwise float32 adds with depth d is within gamma_d * sum |x| of the exact sum (Higham, Accuracy
    # and Stability of Numerical Algorithms, 2nd ed., eq. 4.4); the deepest input here goes through 6 adds.
    exact = x.astype(np.float64).sum(axis=0)
    u = 2.0 ** -24
    bound = 6 * u / (1 - 6 * u) * np.abs(x.astype(np.float64)).sum(axis=0)
    assert (np.abs(out[0].astype(np.float64) - exact) <= bound).all()


def test_sfpu_reduce_col_sum_blackhole_half_reduce_order(dev_bh):
    x = mixed_tile(np.random.default_rng(63), normal_only=True)
    out = run(dev_bh, REDUCE, x)
    want = llk_col_sums(x, f32_add, blackhole=True)
    check_reduce_tile(out, x, want)
    assert (nm.bits(llk_col_sums(x, f32_add)) != nm.bits(want)).any()


def test_sfpu_reduce_keeps_its_recording_for_the_next_reduce(dev):
    # sfpu_reduce records nothing: a second call after one init still finds the recording (DST 0 holds zeros).
    x = mixed_tile(np.random.default_rng(64), normal_only=True)
    out = run(dev, REDUCE + [("RED_TWICE", "1")], x)
    check_reduce_tile(out, x, llk_col_sums(x, f32_add))


@pytest.mark.parametrize("defines,match", [
    ([("NO_RED_INIT", "1")], "sfpu_reduce without sfpu_reduce_init"),
    ([("RED_CLOBBER", "add_binary_tile_init()")], "sfpu_reduce without sfpu_reduce_init"),
    ([("RED_CLOBBER", "sfpu_bcast_col_init()")], "sfpu_reduce without sfpu_reduce_init"),
    ([("RED_CLOBBER", "transpose_dest_init<true, true>()")], "sfpu_reduce without sfpu_reduce_init"),
    ([("RED_CLOBBER", "copy_tile(A, 0, 0)")], "sfpu_reduce without sfpu_reduce_init"),
    ([("CT_DIM", "2")], "ct_dim = 2, rt_dim = 1: REDUCE_COL operates on a single tile"),
    ([("RED_ARGS", "PoolType::AVG, DataFormat::Float32, ReduceDim::REDUCE_COL"),
      ("RED_INIT_ARGS", "PoolType::AVG, DataFormat::Float32")], r"sfpu_reduce_init<AVG, Float32> \(only <SUM, Float32>"),
    ([("RED_ARGS", "PoolType::SUM, DataFormat::Float32, ReduceDim::REDUCE_COL"),
      ("RED_INIT_ARGS", "PoolType::MAX, DataFormat::Float32")], r"sfpu_reduce_init<MAX, Float32>"),
    ([("RED_ARGS", "PoolType::SUM, DataFormat::Float16_b, ReduceDim::REDUCE_COL")],
     r"sfpu_reduce<SUM, Float16_b, REDUCE_COL> \(only <SUM, Float32, REDUCE_COL>"),
    ([("RED_ARGS", "PoolType::SUM, DataFormat::Float32, ReduceDim::REDUCE_ROW")], r"sfpu_reduce<SUM, Float32, REDUCE_ROW>"),
    ([("RED_ARGS", "PoolType::SUM, DataFormat::Int32, ReduceDim::REDUCE_COL"),
      ("RED_INIT_ARGS", "PoolType::SUM, DataFormat::Int32")], r"sfpu_reduce_init<SUM, Int32>"),
], ids=["no_init", "sfpu_init_between", "bcast_col_init_between", "fpu_init_between", "fpu_op_between", "ct_dim",
        "avg", "init_max", "bf16", "row", "int32"])
def test_sfpu_reduce_refusals(dev, defines, match):
    x = mixed_tile(np.random.default_rng(65), normal_only=True)
    with pytest.raises(_C.EmulatorError, match=match):
        run(dev, REDUCE + defines, x)


def test_sfpu_reduce_refuses_a_16bit_dest(dev):
    x = rand_bf16(np.random.default_rng(66))
    with pytest.raises(_C.EmulatorError, match=r"sfpu_reduce<SUM, Float32> with 16-bit DEST.*fp32 DEST"):
        run(dev, REDUCE, x, fmt_a=h.BF16, fmt_b=h.BF16, fmt_out=h.BF16, fp32_dest=False, unpack_to_dest=None)


# ------------------------------------------------------------------ transpose_dest

def special_bits_tile(rng):
    """Random FP32 bit patterns whose low 16 bits matter, with -0, denormals, Inf and NaN payloads placed off the
    diagonal (a transpose moves them)."""
    u = rng.integers(0, 2 ** 32, (32, 32), dtype=np.uint64).astype(U32)
    exp = (u >> U32(23)) & U32(0xFF)
    u = np.where(exp == 0xFF, u & U32(0xBFFFFFFF), u)  # random patterns finite; the specials below on purpose
    u[0, 1:7] = [0x80000000, 0x00000001, 0x807FFFFF, 0x7FC00123, 0xFF800000, 0x7F800001]
    u[3, 30] = 0x3F800001  # 1 + 2^-23: a low-16-bit difference only
    u[17, 2] = 0xFFC0BEEF
    return nm.from_bits(u)


def test_copy_round_trips_the_special_bits(dev):
    # The transpose tests below rely on copy_tile (unpack to DEST) and the Float32 pack keeping every bit.
    x = special_bits_tile(np.random.default_rng(70))
    assert_bits_equal(run(dev, [], x), x)


@pytest.mark.parametrize("idst", [0, 1, 3])
def test_transpose_dest_32bit_full_is_bit_exact(dev, idst):
    x = special_bits_tile(np.random.default_rng(71 + idst))
    assert_bits_equal(run(dev, TRANSPOSE + [("IDST", str(idst))], x), x.T)


def test_transpose_dest_32bit_within_faces_is_bit_exact(dev):
    # <true, false>: llk_math_transpose_dest.h transpose_dest_32b<false> puts each face's transpose back in place.
    x = special_bits_tile(np.random.default_rng(72))
    want = x.copy()
    for fr in (0, 16):
        for fc in (0, 16):
            want[fr:fr + 16, fc:fc + 16] = x[fr:fr + 16, fc:fc + 16].T
    assert_bits_equal(run(dev, TRANSPOSE + [("TR_ARGS", "true, false")], x), want)


def test_transpose_dest_16bit_full(dev):
    x = rand_bf16(np.random.default_rng(73))
    x[0, 5] = F32(-0.0)
    out = run(dev, TRANSPOSE + [("TR_ARGS", "false, true")], x, fmt_a=h.BF16, fmt_b=h.BF16, fmt_out=h.BF16,
              fp32_dest=False, unpack_to_dest=None)
    assert_bits_equal(out, x.T)


def test_transpose_then_reduce_gives_row_sums(dev):
    # The W-split combine's use: transpose_dest<true, true>, then sfpu_reduce<SUM, Float32, REDUCE_COL>.
    x = mixed_tile(np.random.default_rng(74), normal_only=True)
    out = run(dev, TRANSPOSE + REDUCE, x)
    check_reduce_tile(out, x.T, llk_col_sums(x.T, f32_add))


@pytest.mark.parametrize("defines,fp32,match", [
    ([("NO_TR_INIT", "1")], True, r"transpose_dest<true, true>\(1\) without transpose_dest_init"),
    ([("TR_CLOBBER", "copy_init(A)")], True, r"transpose_dest<true, true>\(1\) without transpose_dest_init"),
    ([("TR_INIT_ARGS", "true, false")], True, r"transpose_dest<true, true>\(1\) without transpose_dest_init"),
    ([("TR_ARGS", "false, false")], False, r"transpose_dest_init<false, false> \(tt-llk"),
    ([("TR_ARGS", "true, true")], False, r"with 16-bit DEST, half-sync: is_32bit must match the DEST mode"),
    ([("TR_ARGS", "false, true")], True, r"with fp32 DEST, half-sync: is_32bit must match the DEST mode"),
], ids=["no_init", "fpu_init_between", "init_args_differ", "false_false", "32bit_on_16bit_dest",
        "16bit_on_fp32_dest"])
def test_transpose_dest_refusals(dev, defines, fp32, match):
    x = rand_bf16(np.random.default_rng(75))
    io = {} if fp32 else dict(fmt_a=h.BF16, fmt_b=h.BF16, fmt_out=h.BF16, fp32_dest=False, unpack_to_dest=None)
    with pytest.raises(_C.EmulatorError, match=match):
        run(dev, TRANSPOSE + defines, x, **io)


def test_tile_ops_count_transpose_and_reduce(dev):
    got = []
    run(dev, TRANSPOSE + REDUCE, mixed_tile(np.random.default_rng(76), normal_only=True), stats_out=got)
    assert dict(got[0].tile_ops_per_core) == {(0, 0): 3}  # copy_tile, transpose_dest, sfpu_reduce; inits not counted
