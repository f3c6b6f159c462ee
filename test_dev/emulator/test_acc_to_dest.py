"""The FPU's accumulate-into-DEST mode (ELWADD / ELWSUB AddDst, ISA WormholeB0 ELWADD.md / ELWSUB.md: Dst += SrcA op
SrcB) as the emulator models it (cpp/emulator/src/math/fpu.cpp): set by add_init / sub_init(acc_to_dest = true) or
by MATH((llk_math_eltwise_binary_init<op, bcast, fidelity>(a, b, 1))) after a full init of the same operation
(upstream's weighted_reduce_nc.cpp pattern), cleared by the next full init; refused where silicon would run another
operation's unpacker state. ELWMUL always adds onto DEST (ISA ELWMUL.md), whatever acc_to_dest says. Kernel:
test_dev/emulator/kernels/ok/tile_math.cpp, OP_ACC."""

from __future__ import annotations

import numpy as np
import pytest

import layernorm_fused_rm

import harness as h
import numerics_model as nm
from test_tile_math import assert_bits_equal, dev, rand_bf16, run_op  # noqa: F401  (dev: the module fixture)

F32 = np.float32
EmulatorError = layernorm_fused_rm.EmulatorError


def operands(seed):
    """A tile 0 (the SrcA operand), B (column 0 the broadcast operand), A tile 1 (the DEST value accumulated onto),
    bf16 values; rows 0 and 1 hand-chosen:
      row 0: a = 1, b = 2^-25, d = -2^-24. a - b = 1 - 2^-25 is the midpoint of 1 - 2^-24 and 1 and rounds (to even)
             to 1; then 1 + d = 1 - 2^-24 exactly. The ISA's model (two float32 roundings) gives 1 - 2^-24
             (0x3f7fffff); one fused rounding of 1 - 3 * 2^-25 (the midpoint of 1 - 2^-23 and 1 - 2^-24) would give
             1 - 2^-23 (0x3f7ffffe).
      row 1: a = 3, b = 1, d = 10: 12 (exact either way)."""
    rng = np.random.default_rng(seed)
    a, b, d = rand_bf16(rng), rand_bf16(rng), rand_bf16(rng)
    a[0, :], b[0, 0], d[0, :] = 1.0, 2.0**-25, -(2.0**-24)
    a[1, :], b[1, 0], d[1, :] = 3.0, 1.0, 10.0
    return a, b, d


def run_acc(dev, case, a, b, d, fresh=False, math_fidelity=None, fp32_dest=True):
    defines = [("OP_ACC", "1"), ("ACC_CASE", str(case))] + ([("ACC_FRESH", "1")] if fresh else [])
    fmt_out = h.FP32 if fp32_dest else h.BF16
    (out,) = run_op(dev, defines, [a, d], b, fmt_out=fmt_out, fp32_dest=fp32_dest, math_fidelity=math_fidelity)
    return out


def col(b):
    return np.broadcast_to(b[:, 0:1], (32, 32))


def test_bcast_sub_accumulates_with_two_float32_roundings(dev):
    a, b, d = operands(1)
    out = run_acc(dev, 1, a, b, d)
    assert out[0, 0].view(np.uint32) == 0x3F7FFFFF, hex(int(out[0, 0].view(np.uint32)))
    assert (out[0] == F32(1.0 - 2.0**-24)).all() and (out[1] == 12.0).all()
    want = (a - col(b)).astype(F32) + d  # float32 numpy: each operation rounded to nearest even
    assert_bits_equal(out, want)


def test_accumulate_with_the_kernels_math_fidelity_is_accepted_and_runs_at_lofi(dev):
    # llk_math_common_api.h get_effective_math_fidelity: add and sub run at LoFi whatever the kernel asks.
    a, b, d = operands(3)
    assert_bits_equal(run_acc(dev, 3, a, b, d, math_fidelity="HiFi4"), (a - col(b)).astype(F32) + d)


def test_a_later_full_init_clears_the_accumulate_mode(dev):
    a, b, d = operands(2)
    out = run_acc(dev, 2, a, b, d)
    assert (out[0] == 1.0).all() and (out[1] == 2.0).all()  # a - b alone: 1 - 2^-25 rounds to 1; 3 - 1
    assert_bits_equal(out, (a - col(b)).astype(F32))


def test_accumulate_onto_a_dest_tile_the_packer_cleared_adds_zero(dev):
    # math/dest.hpp: DEST reads as zero before the first acquire and after every release (upstream relies on it:
    # weighted_reduce_nc.cpp, "the packer zeroes the section it just drained").
    a, b, d = operands(4)
    assert_bits_equal(run_acc(dev, 1, a, b, d, fresh=True), (a - col(b)).astype(F32))


@pytest.mark.parametrize("case,f", [(4, np.add), (5, np.subtract)], ids=["add_init", "sub_init"])
def test_add_and_sub_init_honour_acc_to_dest(dev, case, f):
    a, b, d = operands(5 + case)
    b[1, :] = 1.0  # no broadcast here: row 1 of B whole
    out = run_acc(dev, case, a, b, d)
    assert (out[1] == (14.0 if case == 4 else 12.0)).all()  # 10 + (3 + 1), 10 + (3 - 1)
    assert_bits_equal(out, f(a, b).astype(F32) + d)


def test_acc_into_a_16bit_dest_rounds_the_float32_sum_to_bf16(dev):
    # ELWSUB.md, 16-bit DEST: Result += ReadDstBF16(Dst); Dst = WriteDstBF16(RoundToBF16(Result)).
    a, b, d = operands(6)
    out = run_acc(dev, 1, a, b, d, fp32_dest=False)
    assert (out[0] == 1.0).all()  # 1 - 2^-24 rounds to 1 in bf16
    assert_bits_equal(out, h.bf16_round((a - col(b)).astype(F32) + d))


@pytest.mark.parametrize("case", [6, 15])
def test_elwmul_adds_onto_dest_whatever_acc_to_dest(dev, case):
    # ISA ELWMUL.md: Dst += SrcA * SrcB (no "=" form); the LLK programs ELWMUL with acc_to_dest 0 whatever mul_init
    # (case 6: mul_init(A, B, true), mul_tiles) or the math-only init (case 15: mul_bcast_cols_init, then
    # llk_math_eltwise_binary_init<ELWMUL, COL>(A, B, 1), mul_tiles_bcast_cols) asks: both add onto DST 0 = A tile 1.
    # Row 1 by hand: a = 3, d = 10, b (case 15: column 0) = 1 -> 10 + 3 = 13.
    a, b, d = operands(7)
    out = run_acc(dev, case, a, b, d, math_fidelity="HiFi4")
    b_op = col(b) if case == 15 else b
    if case == 15:
        assert (out[1] == 13.0).all()
    assert_bits_equal(out, nm.elwmul(a, b_op, "HiFi4", True, d0=d))


REFUSED = {
    11: "not initialised for this operation, broadcast and CBs by a full init",  # after copy_init
    12: "not initialised for this operation, broadcast and CBs by a full init",  # CBs swapped
    13: "not initialised for this operation, broadcast and CBs by a full init",  # ELWADD after a sub init
    14: "not initialised for this operation, broadcast and CBs by a full init",  # ROW after a COL init
    16: "math fidelity other than the kernel's MATH_FIDELITY",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_math_only_init_refusals(dev, case):
    a, b, d = operands(case)
    with pytest.raises(EmulatorError) as info:
        run_acc(dev, case, a, b, d, math_fidelity="HiFi4")
    assert "llk_math_eltwise_binary_init" in str(info.value)
    assert REFUSED[case] in str(info.value), str(info.value)
