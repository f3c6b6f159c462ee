"""Tile math of every compute call the kernels use (plus the SFPU binary ops, unary_bcast and the data-format
reconfiguration), run through the emulator on random tiles and checked bit-exactly against a numpy model of the
documented numerics (cpp/emulator/src/formats/numerics.hpp): bf16 inputs are exact in SrcA/SrcB, FPU results round to
nearest even into a 16-bit DEST, SFPU results are truncated unless the op rounds in software, the packer rounds
fp32 DEST to bf16 to nearest with ties away from zero, Float32 CB data reaches SrcA/SrcB as TF32 (truncated)."""

from __future__ import annotations


import numpy as np
import pytest

from layernorm_fused_rm import _C

import harness as h
import numerics_model as nm

F32 = np.float32


@pytest.fixture(scope="module")
def dev():
    return _C.EmuDevice("wormhole_b0")


def run_op(dev, defines, a_tiles, b_tile, *, fmt_a=h.BF16, fmt_b=h.BF16, fmt_out=h.BF16, fp32_dest=False,
           param=0.0, out_pages=1, a_raw=None, unpack_to_dest=None, out_raw=False, math_fidelity=None, approx=None,
           stats_out=None, kernel="ok/tile_math.cpp"):
    """Runs tile_math.cpp (or `kernel`, another compute kernel with its CBs and CT args); returns the output tiles
    as logical 32x32 arrays (or the raw row-major values).
    math_fidelity ("LoFi".."HiFi4") and approx (math_approx_mode) set the compute config (None: its default);
    stats_out: a list that receives the run's RunStats."""
    na = len(a_tiles) if a_raw is None else a_raw[1]
    bufs = h.Buffers(dev)
    try:
        ts_a, ts_b, ts_o = (_C.tile_size(f) for f in (fmt_a, fmt_b, fmt_out))
        a_bytes = a_raw[0] if a_raw is not None else b"".join(h.to_bytes(h.tilize(t), fmt_a) for t in a_tiles)
        addr_a = bufs.put(a_bytes, ts_a)
        addr_b = bufs.put(h.to_bytes(h.tilize(b_tile), fmt_b), ts_b)
        addr_o = bufs.alloc(out_pages * ts_o, ts_o)
        ks = [
            h.reader("ok/reader_tiles.cpp", ct=[na, 1, *h.accessor_args(ts_a), *h.accessor_args(ts_b)],
                     rt=[addr_a, addr_b]),
            h.compute(kernel, ct=[na, h.f32_bits(param)], defines=defines, fp32_dest=fp32_dest,
                      unpack_to_dest=unpack_to_dest, math_fidelity=math_fidelity, approx=approx),
            h.writer("ok/writer_tiles.cpp", ct=[out_pages, *h.accessor_args(ts_o)], rt=[addr_o]),
        ]
        cbs = [h.cb(0, na, fmt_a), h.cb(1, 1, fmt_b), h.cb(16, out_pages, fmt_out)]
        stats = dev.run(h.program(ks, cbs))
        assert stats.warnings == []
        if stats_out is not None:
            stats_out.append(stats)
        out = h.from_bytes(dev.read_dram_buffer(addr_o, out_pages * ts_o), fmt_out)
    finally:
        bufs.free()
    if out_raw:
        return out
    return [h.untilize(out[i * 1024:(i + 1) * 1024]) for i in range(out_pages)]


def rand_bf16(rng, scale=1.0, positive=False):
    x = rng.standard_normal((32, 32)).astype(F32) * F32(scale)
    if positive:
        x = np.abs(x) + F32(0.1)
    return h.bf16_round(x)


def assert_bits_equal(got, want):
    got = np.asarray(got, dtype=F32)
    want = np.asarray(want, dtype=F32)
    bad = got.view(np.uint32) != want.view(np.uint32)
    assert not bad.any(), f"{bad.sum()} mismatches, first at {np.argwhere(bad)[0]}: got {got[bad][0]!r}, want {want[bad][0]!r}"


# model(a, b, f=None): f(a, broadcast b) with the call's f unless a multiply model is passed in.
BINARY = {
    "add_tiles": ("add_init", lambda a, b, f=np.add: f(a, b)),
    "sub_tiles": ("sub_init", lambda a, b, f=np.subtract: f(a, b)),
    "mul_tiles": ("mul_init", lambda a, b, f=np.multiply: f(a, b)),
}
for _op, _f in (("add", np.add), ("sub", np.subtract), ("mul", np.multiply)):
    BINARY[f"{_op}_tiles_bcast_rows"] = (f"{_op}_bcast_rows_init",
                                         lambda a, b, f=_f: f(a, np.broadcast_to(b[0:1, :], (32, 32))))
    BINARY[f"{_op}_tiles_bcast_cols"] = (f"{_op}_bcast_cols_init",
                                         lambda a, b, f=_f: f(a, np.broadcast_to(b[:, 0:1], (32, 32))))
    BINARY[f"{_op}_tiles_bcast_scalar"] = (f"{_op}_bcast_scalar_init",
                                           lambda a, b, f=_f: f(a, np.full((32, 32), b[0, 0], dtype=F32)))


@pytest.mark.parametrize("call", sorted(BINARY))
def test_binary_and_bcast_tiles_bf16(dev, call):
    init, model = BINARY[call]
    rng = np.random.default_rng(abs(hash(call)) % 2**32)
    a, b = rand_bf16(rng), rand_bf16(rng)
    (out,) = run_op(dev, [("OP_BINARY", call), ("OP_BINARY_INIT", init)], [a], b)
    if call.startswith("mul"):  # ELWMUL: four HiFi4 phases, each rounded into the 16-bit DEST (numerics_model)
        want = model(a, b, lambda x, y: nm.elwmul(x, y, "HiFi4", False))
    else:
        want = h.bf16_round(model(a, b).astype(F32))
    assert_bits_equal(out, want)


def scaler_tile(rng):
    """Row 0 of every face holds (different, random) scalers: the per-face semantics must pick the right face."""
    s = np.zeros((32, 32), dtype=F32)
    s[0, :] = rand_bf16(rng)[0]
    s[16, :] = rand_bf16(rng)[0]
    return s


@pytest.mark.parametrize("ntiles", [1, 3])
def test_reduce_row_sum_uses_row0_of_the_face_of_each_row(dev, ntiles):
    rng = np.random.default_rng(7 + ntiles)
    a = [rand_bf16(rng) for _ in range(ntiles)]
    s = scaler_tile(rng)
    (out,) = run_op(dev, [("OP_REDUCE_ROW", "1"), ("POOL", "PoolType::SUM")], a, s)
    # MVMUL: the scaler in SrcA, the data in SrcB; HiFi4 phases, each summed and rounded into the 16-bit DEST.
    want = np.zeros((32, 32), dtype=F32)
    srow = np.stack([s[(r // 16) * 16, :] for r in range(32)])
    d = np.zeros(32, dtype=F32)
    for t in a:
        d = nm.fpu_dot(d, srow, t, "HiFi4", False)
    want[:, 0] = d
    assert_bits_equal(out, want)


def test_reduce_row_max(dev):
    rng = np.random.default_rng(11)
    a = rand_bf16(rng)
    s = np.zeros((32, 32), dtype=F32)
    s[0, :] = 1.0
    s[16, :] = 1.0
    (out,) = run_op(dev, [("OP_REDUCE_ROW", "1"), ("POOL", "PoolType::MAX")], [a], s)
    want = np.zeros((32, 32), dtype=F32)
    want[:, 0] = np.maximum(a.max(axis=1), 0.0)  # MAX accumulates into the zeroed DEST
    assert_bits_equal(out, h.bf16_round(want))


def test_reduce_col_sum(dev):
    rng = np.random.default_rng(12)
    a = rand_bf16(rng)
    s = np.zeros((32, 32), dtype=F32)
    s[0, :] = 1.0
    s[16, :] = 1.0
    (out,) = run_op(dev, [("OP_REDUCE_COL", "1"), ("POOL", "PoolType::SUM")], [a], s)
    want = np.zeros((32, 32), dtype=F32)
    want[0, :] = nm.fpu_dot(np.zeros(32, dtype=F32), a.T, np.ones((32, 32), dtype=F32), "HiFi4", False)
    assert_bits_equal(out, want)


SFPU_UNARY = {
    # name: (init, model, rounding into 16-bit DEST)
    "square_tile": ("square_tile_init", lambda x: x * x, h.bf16_round),
    # ckernel_sfpu_sqrt.h SQRT_23-bits (APPROX false, the ComputeConfigDescriptor default), then the SFPSTOCHRND
    # bf16 conversion (its own rounding: identity here).
    "rsqrt_tile": ("rsqrt_tile_init", lambda x: nm.sqrt_lanes(x, False, True, False), lambda y: y),
}


@pytest.mark.parametrize("call", sorted(SFPU_UNARY))
def test_sfpu_unary(dev, call):
    init, model, rnd = SFPU_UNARY[call]
    a = rand_bf16(np.random.default_rng(3), positive=True)
    (out,) = run_op(dev, [("OP_SFPU_UNARY", call), ("OP_SFPU_UNARY_INIT", init)], [a], a)
    assert_bits_equal(out, rnd(model(a).astype(F32)))


@pytest.mark.parametrize("call,model", [("mul_unary_tile", np.multiply), ("add_unary_tile", np.add),
                                        ("sub_unary_tile", np.subtract)])
def test_sfpu_binop_with_scalar_truncates_into_16bit_dest(dev, call, model):
    a = rand_bf16(np.random.default_rng(4))
    p = 0.3141592
    (out,) = run_op(dev, [("OP_SFPU_SCALAR", call)], [a], a, param=p)
    assert_bits_equal(out, h.bf16_trunc(model(a, F32(p)).astype(F32)))


@pytest.mark.parametrize("call,model,rnd", [("add_binary_tile", np.add, h.bf16_trunc),
                                            ("sub_binary_tile", np.subtract, h.bf16_trunc),
                                            ("mul_binary_tile", np.multiply, h.bf16_round)])
def test_sfpu_binary(dev, call, model, rnd):
    rng = np.random.default_rng(5)
    a, b = rand_bf16(rng), rand_bf16(rng)
    (out,) = run_op(dev, [("OP_SFPU_BINARY", call), ("OP_SFPU_BINARY_INIT", call + "_init")], [a], b)
    assert_bits_equal(out, rnd(model(a, b).astype(F32)))


@pytest.mark.parametrize("bcast,model", [("ROW", lambda a: np.broadcast_to(a[0:1, :], (32, 32))),
                                         ("COL", lambda a: np.broadcast_to(a[:, 0:1], (32, 32))),
                                         ("SCALAR", lambda a: np.full((32, 32), a[0, 0], dtype=F32)),
                                         ("NONE", lambda a: a)])
def test_unary_bcast(dev, bcast, model):
    a = rand_bf16(np.random.default_rng(6))
    (out,) = run_op(dev, [("OP_UNARY_BCAST", bcast)], [a], a)
    assert_bits_equal(out, model(a))


def test_copy_tile_bf16_is_exact(dev):
    a = rand_bf16(np.random.default_rng(8))
    (out,) = run_op(dev, [("OP_COPY", "1")], [a], a)
    assert_bits_equal(out, a)


@pytest.mark.parametrize("nt", [1, 4])
def test_tilize_and_pack_untilize(dev, nt):
    rng = np.random.default_rng(9)
    rm = h.bf16_round(rng.standard_normal((32, 32 * nt)).astype(F32))
    tiles = run_op(dev, [("OP_TILIZE", "1")], None, rm[:, :32], a_raw=(h.to_bytes(rm, h.BF16), nt), out_pages=nt)
    for t in range(nt):
        assert_bits_equal(tiles[t], rm[:, 32 * t:32 * (t + 1)])
    back = run_op(dev, [("OP_UNTILIZE", "1")], tiles, tiles[0], out_pages=nt, out_raw=True)
    assert_bits_equal(back.reshape(32, 32 * nt), rm)


# ---------------------------------------------------------------- fp32 CBs, fp32 DEST, packer rounding

def rand_f32(rng):
    return rng.standard_normal((32, 32)).astype(F32)


def test_fp32_cb_through_srca_srcb_is_tf32(dev):
    rng = np.random.default_rng(10)
    a, b = rand_f32(rng), rand_f32(rng)
    (out,) = run_op(dev, [("OP_BINARY", "add_tiles"), ("OP_BINARY_INIT", "add_init")], [a], b,
                    fmt_a=h.FP32, fmt_b=h.FP32, fmt_out=h.FP32, fp32_dest=True)
    assert_bits_equal(out, h.tf32_trunc(a) + h.tf32_trunc(b))


def test_fp32_cb_with_16bit_dest_is_bf16_truncated_then_rounded(dev):
    rng = np.random.default_rng(13)
    a, b = rand_f32(rng), rand_f32(rng)
    (out,) = run_op(dev, [("OP_BINARY", "add_tiles"), ("OP_BINARY_INIT", "add_init")], [a], b,
                    fmt_a=h.FP32, fmt_b=h.FP32, fmt_out=h.FP32, fp32_dest=False)
    assert_bits_equal(out, h.bf16_round(h.bf16_trunc(a) + h.bf16_trunc(b)))


@pytest.mark.parametrize("unpack_to_dest", [False, True])
def test_copy_tile_fp32_exact_only_with_unpack_to_dest(dev, unpack_to_dest):
    a = rand_f32(np.random.default_rng(14))
    (out,) = run_op(dev, [("OP_COPY", "1")], [a], a, fmt_a=h.FP32, fmt_b=h.FP32, fmt_out=h.FP32, fp32_dest=True,
                    unpack_to_dest=[0] if unpack_to_dest else None)
    assert_bits_equal(out, a if unpack_to_dest else h.tf32_trunc(a))


def test_packer_fp32_dest_to_bf16_rounds_ties_away_from_zero(dev):
    rng = np.random.default_rng(15)
    a = rand_f32(rng)
    bits = a.view(np.uint32).copy()
    bits[:16] = (bits[:16] & 0xFFFF0000) | 0x8000  # exact ties in the top rows
    bits[16:] &= 0xFFFFFFFF
    a = bits.view(F32)
    (out,) = run_op(dev, [("OP_COPY", "1")], [a], a, fmt_a=h.FP32, fmt_b=h.FP32, fmt_out=h.BF16, fp32_dest=True,
                    unpack_to_dest=[0])
    u = a.view(np.uint32).astype(np.uint64)
    want = (((u + 0x8000) & 0xFFFF0000).astype(np.uint32)).view(F32)  # magnitude + half ulp, truncate
    assert_bits_equal(out, want)
    # Ties really are away from zero, not to even: 0x3F808000 -> 0x3F810000.
    assert (out.view(np.uint32)[:16] & 0xFFFF).sum() == 0


# ---------------------------------------------------------------- SFPU ops with DEST-resident operands (fp32 DEST)
# sfpu_binary_bcast.h's column broadcast and addcmul_tile, as tt-llk's ckernel_sfpu_binary_bcast.h and
# ckernel_sfpu_addcmul.h compute them (one SFPADD / SFPMUL per value: numpy float32 arithmetic, round to nearest even).

FP32_IO = dict(fmt_a=h.FP32, fmt_b=h.FP32, fmt_out=h.FP32, fp32_dest=True, unpack_to_dest=[0, 1])


@pytest.mark.parametrize("call,model", [("sfpu_sub_bcast_col", np.subtract), ("sfpu_add_bcast_col", np.add),
                                        ("sfpu_mul_bcast_col", np.multiply)])
def test_sfpu_bcast_col(dev, call, model):
    rng = np.random.default_rng(21)
    a, b = rand_f32(rng), rand_f32(rng)
    (out,) = run_op(dev, [("OP_SFPU_BCAST_COL", call)], [a], b, **FP32_IO)
    assert_bits_equal(out, model(a, b[:, 0:1]).astype(F32))


def test_sfpu_bcast_col_nonfinite_in_columns_1_to_7_poisons_the_row(dev):
    # The broadcast masks columns 1..7 by multiplying them with 0: Inf there gives NaN for that whole row; column 8
    # is not loaded with column 0 (one SFPLOAD covers 8 columns) and does not matter.
    rng = np.random.default_rng(22)
    a, b = rand_f32(rng), rand_f32(rng)
    b[3, 5] = np.inf
    b[7, 8] = np.inf
    (out,) = run_op(dev, [("OP_SFPU_BCAST_COL", "sfpu_sub_bcast_col")], [a], b, **FP32_IO)
    assert np.isnan(out[3]).all()
    rest = np.delete(np.arange(32), 3)
    assert_bits_equal(out[rest], (a - b[:, 0:1]).astype(F32)[rest])


def test_sfpu_bcast_col_needs_its_init_since_the_last_sfpu_init(dev):
    rng = np.random.default_rng(23)
    a, b = rand_f32(rng), rand_f32(rng)
    with pytest.raises(_C.EmulatorError, match="sfpu_sub_bcast_col without sfpu_bcast_col_init"):
        run_op(dev, [("OP_SFPU_BCAST_COL", "sfpu_sub_bcast_col"), ("OP_CLOBBER", "1")], [a], b, **FP32_IO)


def test_sfpu_bcast_col_refuses_a_16bit_dest(dev):
    a = rand_bf16(np.random.default_rng(24))
    with pytest.raises(_C.EmulatorError, match="needs an fp32 DEST"):
        run_op(dev, [("OP_SFPU_BCAST_COL", "sfpu_sub_bcast_col")], [a], a)


def test_sfpu_normalize_bcast_col(dev):
    rng = np.random.default_rng(25)
    a, m, s = rand_f32(rng), rand_f32(rng), np.abs(rand_f32(rng))
    (out,) = run_op(dev, [("OP_SFPU_NORMALIZE", "1")], [a, s], m, **FP32_IO)
    assert_bits_equal(out, ((a - m[:, 0:1]).astype(F32) * s[:, 0:1]).astype(F32))


@pytest.mark.parametrize("value,planted", [(1.0, 0x32800000), (-0.5, 0xB2000000)])
def test_addcmul(dev, value, planted):
    # ckernel_sfpu_addcmul.h: prod = value * b is one SFPMUL; prod * c + a is ONE SFPMAD, Wormhole's partially fused
    # multiply-add (ISA repository Miscellaneous/FMA/fma.c): numerics_model.sfpmad, the independent numpy
    # transcription. Planted lane (0, 0): a1 = c = 1 + 2^-23, a0 = -value * (1 + 2^-22). The exact product value *
    # (1 + 2^-22 + 2^-46) cancels against a0 except for its 2^-46 term, which SFPMAD keeps only as a sticky bit at
    # 2^-26 of the product's exponent: the result is value * 2^-26 (2^-26 = 0x32800000; -0.5 * 2^-26 = -2^-27 =
    # 0xB2000000). A fully fused FMA would give value * 2^-46, a rounded product then a rounded add 0.
    rng = np.random.default_rng(26)
    a0, a1, b = rand_f32(rng), rand_f32(rng), rand_f32(rng)
    a1.view(np.uint32)[0, 0] = b.view(np.uint32)[0, 0] = 0x3F800001
    a0[0, 0] = -F32(value) * np.uint32(0x3F800002).view(F32)
    (out,) = run_op(dev, [("OP_ADDCMUL", "1")], [a0, a1], b, param=value, **FP32_IO)
    assert int(out.view(np.uint32)[0, 0]) == planted
    want = nm.sfpmad(nm.sfpmul(np.full(a1.shape, value, dtype=F32), a1), b, a0)
    assert_bits_equal(out, want.astype(F32))
    # The one rounding shows on random data too: not every lane equals the two-rounding reading.
    two_roundings = ((F32(value) * a1).astype(F32) * b).astype(F32) + a0
    assert (out != two_roundings).any()


@pytest.mark.parametrize("arch,want", [("wormhole_b0", 0x00000000), ("blackhole", 0x80000000)])
def test_addcmul_follows_the_program_arch_sfpmad(arch, want):
    # The SFPU takes its SFPMAD from the program's arch (ISA Miscellaneous/FMA/fma.c fma_model_wh / fma_model_bh).
    # Lane (0, 0): a0 = 0, a1 = 2^-64, c = -2^-63, value 1: the product -2^-127 is below the smallest normal.
    # Wormhole flushes it to +0 (sign discarded); Blackhole shifts significand 2^26 at exponent field 0 one place
    # further, rounds (nothing to round) and flushes to a sign-kept -0.
    rng = np.random.default_rng(29)
    a0, a1, b = rand_f32(rng), rand_f32(rng), rand_f32(rng)
    a0[0, 0] = 0.0
    a1.view(np.uint32)[0, 0] = 0x1F800000
    b.view(np.uint32)[0, 0] = 0xA0000000
    (out,) = run_op(_C.EmuDevice(arch), [("OP_ADDCMUL", "1")], [a0, a1], b, param=1.0, **FP32_IO)
    assert int(out.view(np.uint32)[0, 0]) == want


def test_copy_dest_values_is_bit_exact(dev):
    # ckernel_sfpu_copy_dest_values.h: SFPLOAD / SFPSTORE in FP32 mode, no arithmetic: denormals and NaN payloads too.
    a = rand_f32(np.random.default_rng(27))
    bits = a.view(np.uint32)
    bits[0, :4] = [0x00000001, 0x80400000, 0x7FC00123, 0xFF800000]  # denormals, a NaN payload, -Inf
    (out,) = run_op(dev, [("OP_COPY_DEST", "1")], [a], a, **FP32_IO)
    assert np.array_equal(out.view(np.uint32), a.view(np.uint32))


def test_copy_dest_values_refuses_a_16bit_dest(dev):
    a = rand_bf16(np.random.default_rng(28))
    with pytest.raises(_C.EmulatorError, match="needs an fp32 DEST"):
        run_op(dev, [("OP_COPY_DEST", "1")], [a], a)


@pytest.mark.parametrize("defines,na,ops", [
    ([("OP_ADDCMUL", "1")], 2, 4),  # 3 copy_tile + addcmul_tile
    ([("OP_BINARY", "sub_tiles_bcast_cols"), ("OP_BINARY_INIT", "sub_bcast_cols_init")], 1, 1),
    ([("OP_REDUCE_ROW", "1"), ("POOL", "PoolType::SUM")], 3, 3),  # one reduce_tile per tile
    ([("OP_TILIZE", "1")], 2, 2),  # a 2-tile block
    ([("OP_SFPU_SCALAR", "mul_unary_tile")], 1, 2),  # copy_tile + the SFPU op; inits not counted
], ids=["addcmul", "bcast_sub", "reduce", "tilize", "sfpu"])
def test_tile_ops_count_every_unpack_fpu_and_sfpu_call(dev, defines, na, ops):
    rng = np.random.default_rng(5)
    got = []
    run_op(dev, defines, [rand_bf16(rng) for _ in range(na)], rand_bf16(rng), stats_out=got, fp32_dest=True,
           out_pages=na if ("OP_TILIZE", "1") in defines else 1)
    assert dict(got[0].tile_ops_per_core) == {(0, 0): ops}
