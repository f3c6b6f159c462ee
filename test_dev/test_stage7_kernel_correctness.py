"""Stage 7: ttnn.layernorm_fused_rm matches torch in float64 on the same bf16 inputs.

Tolerance. Inputs are bf16 and exact in the reference. With the op's default fp32 DEST the mean,
variance and inverse std are accumulated and kept in fp32; values are rounded to bf16 where they are
packed into bf16 CBs: the centered value, its square, the normalized value, the value times gamma and
the output (at most half a bf16 ULP each, of a value no larger than the output scale, plus the relative
error of the fp32 statistics, ~1e-7). We allow 4 bf16 ULPs of the tensor's largest |output| as the max
absolute error (measured: at most 1.8) and require PCC >= 0.9999 (upstream's own layernorm gate). With
the opt-in 16-bit DEST every DEST result is also rounded to bf16 (mean, variance, inverse std, partial
row sums): 8 ULPs.
"""

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C, device_model
from _compare import error_bound, report, row_scale_error

SHAPES = [
    [1, 1, 32, 32],
    [1, 1, 128, 128],
    [1, 1, 32, 1024],
    [1, 1, 1024, 32],
    [1, 1, 4096, 32],
    [1, 1, 512, 512],
    [2, 3, 64, 128],
    [1, 64, 128],
    [1, 32],
    [4, 128],
    [32, 32],
    [2, 2, 512],
    [1, 1, 33, 64],
    [3, 5, 7, 96],
]


def _host(t):
    return ttnn.from_torch(t.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)


def _check(x, gamma, beta, eps=1e-5, compute_kernel_config=None, max_ulps=4.0, core_grid=None):
    xb = x.to(torch.bfloat16)
    gb = None if gamma is None else gamma.to(torch.bfloat16)
    bb = None if beta is None else beta.to(torch.bfloat16)
    out = ttnn.layernorm_fused_rm(
        _host(xb),
        None if gb is None else _host(gb),
        None if bb is None else _host(bb),
        eps=eps,
        compute_kernel_config=compute_kernel_config,
        core_grid=core_grid,
    )
    y = ttnn.to_torch(out)
    assert list(y.shape) == list(x.shape)
    assert y.dtype == torch.bfloat16
    ref = layernorm_fused_rm.golden(xb, gb, bb, eps)
    assert ref.dtype == torch.float64
    r = report(y, ref)
    assert torch.isfinite(y.double()).all()
    assert r["pcc"] >= 0.9999, r
    assert r["max_ulp_at_scale"] <= max_ulps, r
    return r


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_shapes_random_affine(shape):
    g = torch.Generator().manual_seed(sum(shape))
    w = shape[-1]
    _check(torch.randn(shape, generator=g) * 2 + 0.5, torch.randn(w, generator=g), torch.randn(w, generator=g))


@pytest.mark.parametrize(
    "gamma_value,beta_value",
    [(1.0, 0.0), (2.0, 1.0)],
    ids=["gamma1_beta0", "gamma2_beta1"],
)
def test_constant_affine(gamma_value, beta_value):
    x = torch.randn(2, 64, 256, generator=torch.Generator().manual_seed(7))
    _check(x, torch.full((256,), gamma_value), torch.full((256,), beta_value))


def test_gamma_beta_none_is_plain_normalization():
    x = torch.randn(64, 128, generator=torch.Generator().manual_seed(8))
    r = _check(x, None, None)
    assert r["max_ref"] > 1.0


@pytest.mark.parametrize("shape", [[1, 1, 128, 128], [1, 1, 32, 1024], [2, 2, 512]], ids=lambda s: "x".join(map(str, s)))
def test_16bit_dest_opt_in(shape):
    g = torch.Generator().manual_seed(sum(shape) + 1)
    w = shape[-1]
    cfg = layernorm_fused_rm._C.ComputeConfigDescriptor(fp32_dest_acc_en=False)
    _check(torch.randn(shape, generator=g) * 2 + 0.5, torch.randn(w, generator=g), torch.randn(w, generator=g),
           compute_kernel_config=cfg, max_ulps=8.0)


def test_constant_rows_give_beta():
    # Variance 0: (x - mean) is exactly 0, so every output is beta.
    x = torch.arange(40, dtype=torch.float32).repeat_interleave(64).reshape(40, 64) - 20.0
    beta = torch.randn(64, generator=torch.Generator().manual_seed(9))
    out = ttnn.to_torch(
        ttnn.layernorm_fused_rm(_host(x), _host(torch.randn(64)), _host(beta), eps=1e-5)
    )
    assert torch.equal(out, beta.to(torch.bfloat16).expand(40, 64))


def test_large_values():
    g = torch.Generator().manual_seed(10)
    x = torch.randn(1, 1, 64, 512, generator=g) * 100 + 50
    _check(x, torch.randn(512, generator=g), torch.randn(512, generator=g))


def test_rows_are_independent_of_their_neighbours():
    # The last tile-row block is partial; changing rows in one block must not change any other row.
    g = torch.Generator().manual_seed(11)
    x = torch.randn(45, 64, generator=g)
    gamma, beta = torch.randn(64, generator=g), torch.randn(64, generator=g)
    y1 = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta)))
    x2 = x.clone()
    x2[40] = 1000.0
    y2 = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x2), _host(gamma), _host(beta)))
    keep = [i for i in range(45) if i != 40]
    assert torch.equal(y1[keep], y2[keep])
    assert not torch.equal(y1[40], y2[40])


@pytest.mark.parametrize(
    "shape",
    [[1, 1, 4096, 32], [2, 3, 64, 128], [1, 1, 2080, 64], [1, 1, 33, 96]],
    ids=lambda s: "x".join(map(str, s)),
)
def test_multicore_full_grid_equals_single_core_bit_for_bit(shape):
    g = torch.Generator().manual_seed(12)
    w = shape[-1]
    x, gamma, beta = torch.randn(shape, generator=g), torch.randn(w, generator=g), torch.randn(w, generator=g)
    # The row-resident program on the full grid (the model may take a W-split there by default: next test).
    multi, stats = ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta), return_stats=True,
                                           program_factory=ROW_RESIDENT)
    single = ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta), core_grid=ttnn.CoreGrid(y=1, x=1))
    tile_rows = (x.numel() // w + 31) // 32
    assert stats["cores_used"] == min(64, tile_rows)
    assert torch.equal(ttnn.to_torch(multi), ttnn.to_torch(single))
    # Input and output cross DRAM once; gamma and beta once per core.
    stick = 2 * w
    assert stats["dram_bytes_read"] == x.numel() * 2 + stats["cores_used"] * 2 * stick
    assert stats["dram_bytes_written"] == x.numel() * 2


@pytest.mark.parametrize("shape", [[2, 3, 64, 128], [1, 1, 33, 96]], ids=lambda s: "x".join(map(str, s)))
def test_multicore_full_grid_default_program_meets_the_bound(shape):
    # The default program on the full grid is the model's fastest candidate (a W-split may be: its reduction order
    # differs from the single core's, so not bit-identical): within the stage-7 bound and within 1 bf16 ULP of the row
    # scale of the single-core (row-resident) output.
    g = torch.Generator().manual_seed(12)
    w = shape[-1]
    x, gamma, beta = torch.randn(shape, generator=g), torch.randn(w, generator=g), torch.randn(w, generator=g)
    desc = layernorm_fused_rm.create_program_descriptor(_host(x), _host(gamma), _host(beta))
    best = device_model.op_candidates(_host(x), _host(gamma), _host(beta))[0]
    assert desc.program_factory == best["factory"]
    multi = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta))).double()
    single = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta),
                                                   core_grid=ttnn.CoreGrid(y=1, x=1))).double()
    ref = layernorm_fused_rm.golden(x.to(torch.bfloat16), gamma.to(torch.bfloat16), beta.to(torch.bfloat16))
    r = report(multi, ref)
    assert r["max_ulp_at_scale"] <= 4.0 and r["pcc"] >= 0.9999, r
    assert report(multi, single)["max_ulp_at_scale"] <= 1.0


def test_work_split_matches_split_work_to_cores():
    # 65 tile-rows on 64 cores: one core takes 2, 63 take 1 (tt-metal split_work_to_cores groups).
    x = torch.randn(65 * 32, 64)
    desc = layernorm_fused_rm.create_program_descriptor(_host(x), _host(torch.ones(64)), _host(torch.zeros(64)))
    compute = desc.kernels[1]
    blocks = [args[_C.compute_rt_args.num_blocks] for _, args in compute.runtime_args]
    assert sorted(blocks, reverse=True) == [2] + [1] * 63
    assert blocks[0] == 2  # group 1 (the larger share) first
    reader = desc.kernels[0]
    starts = [args[_C.reader_rt_args.start_stick] for _, args in reader.runtime_args]
    counts = [args[_C.reader_rt_args.num_sticks] for _, args in reader.runtime_args]
    assert starts[0] == 0 and all(starts[i + 1] == starts[i] + counts[i] for i in range(63))
    assert sum(counts) == 65 * 32


STREAMING = layernorm_fused_rm._C.STREAMING_PROGRAM_FACTORY
ROW_RESIDENT = layernorm_fused_rm._C.program_factory_name()


@pytest.mark.parametrize("shape", [[1, 1, 64, 256], [45, 96], [1, 1, 32, 1056]], ids=lambda s: "x".join(map(str, s)))
def test_streaming_equals_row_resident_where_both_fit(shape):
    # Same per-tile math in the same order; partial sums leave DEST as bf16, the rounding 16-bit DEST
    # applies anyway: the two programs agree bit for bit (the issue allows 1 bf16 ULP).
    g = torch.Generator().manual_seed(13)
    w = shape[-1]
    x, gamma, beta = torch.randn(shape, generator=g), torch.randn(w, generator=g), torch.randn(w, generator=g)
    s_out, s_stats = ttnn.layernorm_fused_rm(
        _host(x), _host(gamma), _host(beta), program_factory=STREAMING, return_stats=True
    )
    r_out = ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta), program_factory=ROW_RESIDENT)
    assert torch.equal(ttnn.to_torch(s_out), ttnn.to_torch(r_out))
    # The streaming reader reads every tile-row three times, gamma and beta once per tile-row.
    rows, stick = x.numel() // w, 2 * w
    tile_rows = (rows + 31) // 32
    assert s_stats["dram_bytes_read"] == 3 * rows * stick + 2 * tile_rows * stick
    assert s_stats["dram_bytes_written"] == rows * stick


@pytest.mark.parametrize("w", [16384, 65536])
def test_streaming_wide_rows(w):
    g = torch.Generator().manual_seed(w)
    x = torch.randn(2, w, generator=g) * 3 + 1
    gamma, beta = torch.randn(w, generator=g), torch.randn(w, generator=g)
    # One core (no W-split there): the streaming program, as the L1 rule alone decides. The full grid: next test.
    one_core = ttnn.CoreGrid(y=1, x=1)
    desc = layernorm_fused_rm.create_program_descriptor(_host(x), _host(gamma), _host(beta), core_grid=one_core)
    assert desc.program_factory == STREAMING
    _check(x, gamma, beta, core_grid=one_core)


@pytest.mark.parametrize("w", [16384, 65536])
def test_wide_rows_on_the_full_grid_take_the_fastest_program(w):
    # The full grid: the model's fastest candidate that fits L1, a W-split for these widths (every byte read once
    # against the streaming program's three reads), within the same bound.
    g = torch.Generator().manual_seed(w)
    x = torch.randn(2, w, generator=g) * 3 + 1
    gamma, beta = torch.randn(w, generator=g), torch.randn(w, generator=g)
    desc = layernorm_fused_rm.create_program_descriptor(_host(x), _host(gamma), _host(beta))
    assert desc.program_factory == _C.WSPLIT_PROGRAM_FACTORY
    _check(x, gamma, beta)


@pytest.mark.parametrize("w", [1, 7, 33, 100, 384, 4544])
@pytest.mark.parametrize("h", [1, 31, 33])
def test_any_width_any_height(w, h):
    # W not a multiple of 32: the padded columns are masked out of mean and variance by the partial
    # reduce scaler, and never written back. W = 4544 also takes the streaming program (Wt = 142).
    g = torch.Generator().manual_seed(w * 100 + h)
    x = torch.randn(h, w, generator=g) * 2 + 0.5
    if w == 1:
        x = torch.randn(h, w, generator=g)  # single column: x - mean = 0, output = beta
    _check(x, torch.randn(w, generator=g), torch.randn(w, generator=g))


@pytest.mark.parametrize("gamma_given,beta_given", [(True, False), (False, True), (False, False)])
@pytest.mark.parametrize("w", [96, 100])
def test_gamma_beta_each_optional(gamma_given, beta_given, w):
    g = torch.Generator().manual_seed(w + 2 * gamma_given + beta_given)
    x = torch.randn(40, w, generator=g)
    gamma = torch.randn(w, generator=g) if gamma_given else None
    beta = torch.randn(w, generator=g) if beta_given else None
    _check(x, gamma, beta)
    desc = layernorm_fused_rm.create_program_descriptor(
        _host(x), None if gamma is None else _host(gamma), None if beta is None else _host(beta)
    )
    # The program is built without the missing multiply / add (compute compile-time arg affine_flags).
    flags = desc.kernels[1].compile_time_args[_C.compute_ct_args.affine_flags]
    assert flags == (_C.affine_flag.gamma if gamma_given else 0) | (_C.affine_flag.beta if beta_given else 0)


def test_gamma_beta_fp32_and_tile_layout_are_converted_once():
    g = torch.Generator().manual_seed(21)
    x = torch.randn(2, 40, 96, generator=g)
    gamma, beta = torch.randn(96, generator=g), torch.randn(1, 96, generator=g)
    ref = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta)))
    g32 = ttnn.from_torch(gamma.to(torch.bfloat16).float(), dtype=ttnn.float32, layout=ttnn.ROW_MAJOR_LAYOUT)
    btile = ttnn.from_torch(beta.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.TILE_LAYOUT)
    out = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), g32, btile))
    assert torch.equal(out, ref)


@pytest.mark.parametrize("out_dtype", [ttnn.float32, ttnn.bfloat16])
def test_output_dtype_keyword(out_dtype):
    g = torch.Generator().manual_seed(22)
    x = torch.randn(33, 160, generator=g)
    gamma, beta = torch.randn(160, generator=g), torch.randn(160, generator=g)
    y = ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta), dtype=out_dtype)
    assert y.dtype == out_dtype
    yt = ttnn.to_torch(y)
    ref = layernorm_fused_rm.golden(x.to(torch.bfloat16), gamma.to(torch.bfloat16), beta.to(torch.bfloat16))
    r = report(yt, ref)
    assert r["pcc"] >= 0.9999, r
    # fp32 output skips the final bf16 rounding: its error is the bf16 intermediates' only.
    assert r["max_ulp_at_scale"] <= 4.0, r


@pytest.mark.parametrize("shape", [[128], [1, 128], [1, 1, 128], [1, 1, 1, 128]], ids=lambda s: "x".join(map(str, s)))
def test_each_gamma_beta_shape(shape):
    g = torch.Generator().manual_seed(len(shape))
    x = torch.randn(2, 33, 128, generator=g)
    gamma, beta = torch.randn(shape, generator=g), torch.randn(shape, generator=g)
    out = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta)))
    flat = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(gamma.reshape(128)), _host(beta.reshape(128))))
    assert torch.equal(out, flat)
    _check(x, gamma.reshape(128), beta.reshape(128))


def _host32(t):
    return ttnn.from_torch(t.float(), dtype=ttnn.float32, layout=ttnn.ROW_MAJOR_LAYOUT)


def _fp32_run(x, gamma, beta, eps=1e-5):
    y = ttnn.layernorm_fused_rm(
        _host32(x), None if gamma is None else _host32(gamma), None if beta is None else _host32(beta), eps=eps
    )
    assert y.dtype == ttnn.float32
    return ttnn.to_torch(y).double(), layernorm_fused_rm.golden(x, gamma, beta, eps)


@pytest.mark.parametrize("shape", [[1, 1, 64, 128], [3, 5, 7, 96], [2, 4544], [2, 65536]], ids=lambda s: "x".join(map(str, s)))
def test_fp32_input(shape):
    # fp32 in, fp32 out: the precise kernels (fp32 SFPU math in DEST) meet issue 4's target, max error <= 1e-5 of
    # each row's max |output|, and _compare.error_bound. W = 4544 and 65536 run the precise streaming program.
    g = torch.Generator().manual_seed(sum(shape))
    w = shape[-1]
    x, gamma, beta = torch.randn(shape, generator=g) * 2 + 0.5, torch.randn(w, generator=g), torch.randn(w, generator=g)
    yt, ref = _fp32_run(x, gamma, beta)
    assert ((yt - ref).abs() <= error_bound(x, gamma, beta)).all()
    assert float(row_scale_error(yt, ref).max()) <= 1e-5
    assert report(yt, ref)["pcc"] >= 0.99999


FP32_SHAPES = [s for s in SHAPES] + [[h, w] for h in (1, 31, 33) for w in (1, 7, 100, 384)]


@pytest.mark.parametrize("affine", ["both", "none"])
@pytest.mark.parametrize("shape", FP32_SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_fp32_row_scale_1e5(shape, affine):
    # Issue 4: float32 input accurate to max |error| <= 1e-5 x the row's max |output| against torch float64.
    g = torch.Generator().manual_seed(7 * sum(shape) + len(affine))
    w = shape[-1]
    x = torch.randn(shape, generator=g) * 3 - 1.0
    gamma = torch.randn(w, generator=g) if affine == "both" else None
    beta = torch.randn(w, generator=g) if affine == "both" else None
    yt, ref = _fp32_run(x, gamma, beta)
    assert float(row_scale_error(yt, ref).max()) <= 1e-5
    assert ((yt - ref).abs() <= error_bound(x, gamma, beta)).all()


@pytest.mark.parametrize("shape", [[33, 100], [31, 384], [1, 7], [2, 4544]], ids=lambda s: "x".join(map(str, s)))
def test_fp32_cancellation(shape):
    # Rows with a large mean against their spread: x = 1e4 + randn in fp32 (mean / std ~ 1e4). The mean is
    # m1 + m2 (corrected two-pass) and x - m1 is exact, so the target holds; W = 4544 runs the streaming program.
    g = torch.Generator().manual_seed(sum(shape))
    w = shape[-1]
    x = (1e4 + torch.randn(shape, generator=g)).float()
    gamma, beta = torch.randn(w, generator=g), torch.randn(w, generator=g)
    yt, ref = _fp32_run(x, gamma, beta)
    assert float(row_scale_error(yt, ref).max()) <= 1e-5
    assert report(yt, ref)["pcc"] >= 0.99999


def test_bf16_cancellation_is_bounded_not_precise():
    # bfloat16 input runs the FPU kernels: the Float32 mean enters x - mean through the TF32 source registers, so
    # the error grows with |mean| / std (_compare.error_bound's cancellation term). x = 256 + 8 randn in bf16
    # (bf16 spacing is 2 at 256): mean / std ~ 32. Not the 1e-5 target -- issue 4's bf16 cancellation part is
    # not done; this pins the documented bound.
    g = torch.Generator().manual_seed(4)
    x = (256 + 8 * torch.randn(33, 384, generator=g)).to(torch.bfloat16)
    gamma, beta = torch.randn(384, generator=g).to(torch.bfloat16), torch.randn(384, generator=g).to(torch.bfloat16)
    y = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta))).double()
    ref = layernorm_fused_rm.golden(x, gamma, beta)
    assert ((y - ref).abs() <= error_bound(x, gamma, beta)).all()
    assert report(y, ref)["pcc"] >= 0.9999


@pytest.mark.parametrize("shape", [[33, 256], [2, 4544]], ids=lambda s: "x".join(map(str, s)))
def test_fp32_full_sync_dest(shape):
    # Full-sync fp32 DEST holds 8 tiles: wider untilize blocks / streaming chunks (DEST capacity - 1), same target.
    g = torch.Generator().manual_seed(5)
    w = shape[-1]
    x, gamma, beta = 1e4 + torch.randn(shape, generator=g), torch.randn(w, generator=g), torch.randn(w, generator=g)
    cfg = layernorm_fused_rm._C.ComputeConfigDescriptor(fp32_dest_acc_en=True, dst_full_sync_en=True)
    y = ttnn.layernorm_fused_rm(_host32(x), _host32(gamma), _host32(beta), compute_kernel_config=cfg)
    yt, ref = ttnn.to_torch(y).double(), layernorm_fused_rm.golden(x, gamma, beta)
    assert float(row_scale_error(yt, ref).max()) <= 1e-5


@pytest.mark.parametrize("program_factory", ["resident", "streaming"])
def test_fp32_precise_program_configuration(program_factory):
    # The precise kernels' silicon assumptions, as the descriptor states them: HiFi4 whatever the caller asked
    # (the hi/lo reduces need every mantissa bit), Float32 CBs copied or broadcast into DEST marked
    # UnpackToDestFp32, and c_26 (the hi/lo split, read by copy_tile as TF32 and by reduce) not marked.
    from _descriptors import program as _program

    desc = _program({"name": "x", "shape": [1, 1, 64, 100], "dtype": "float32", "program_factory": program_factory,
                     "compute": {"fp32_dest_acc_en": True, "math_fidelity": "LoFi"}})
    (k,) = [k for k in desc.kernels if k.is_compute]
    assert k.kernel_source.endswith("_precise.cpp" if program_factory == "resident" else "_precise_streaming.cpp")
    assert k.config.math_fidelity == layernorm_fused_rm._C.MathFidelity.HiFi4
    modes = k.config.unpack_to_dest_mode
    fp32 = layernorm_fused_rm._C.UnpackToDestMode.UnpackToDestFp32
    assert [i for i, m in enumerate(modes) if m == fp32] == [0, 1, 4, 5, 6, 7, 24, 25, 27]
