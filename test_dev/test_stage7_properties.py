"""Stage 7 (properties): NaN/Inf propagation as torch does it, and hypothesis-generated shapes, dtypes and value
scales against torch in float64.

Tolerance, per element: _compare.error_bound, derived from the op's numerics. bfloat16 input (FPU kernels: TF32
source registers, bf16 roundings of z, z * gamma and + beta, the output rounding): the bound grows with
|mean| / std, as rows far from zero lose accuracy in x - mean because the Float32 mean passes through the 19-bit
source registers. float32 input (precise kernels, fp32 SFPU math in DEST, corrected two-pass mean): 2^-17 of the
row's max |z gamma| + |beta|, whatever the mean; test_property_fp32_row_scale also checks issue 4's target
(max error <= 1e-5 of the row's max |output|). PCC >= 0.9999 is required where it means something: at least 64
elements with spread, and for bf16 well-conditioned rows (|mean| / std <= 4), where the TF32 term of the bound
is below 2^-8.
"""

import math

import pytest
import torch
import ttnn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import layernorm_fused_rm
from _compare import error_bound, report, row_scale_error

TT = {torch.bfloat16: ttnn.bfloat16, torch.float32: ttnn.float32}


def _host(t, dtype=torch.bfloat16):
    return ttnn.from_torch(t.to(dtype), dtype=TT[dtype], layout=ttnn.ROW_MAJOR_LAYOUT)


@pytest.mark.parametrize("w", [64, 100])
def test_nan_and_inf_rows_propagate_like_torch(w):
    g = torch.Generator().manual_seed(w)
    x = torch.randn(40, w, generator=g)
    x[3, 5] = float("nan")
    x[7, w - 1] = float("inf")
    x[35, 0] = float("-inf")
    gamma, beta = torch.randn(w, generator=g), torch.randn(w, generator=g)
    y = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta))).double()
    ref = layernorm_fused_rm.golden(x.to(torch.bfloat16), gamma.to(torch.bfloat16), beta.to(torch.bfloat16))
    bad = [3, 7, 35]
    # torch: a NaN or an infinity in a row makes the whole row NaN (x - mean is NaN or inf - inf). The
    # Tensix packer writes NaN to bfloat16 as an infinity (ISA Packers/FormatConversion.md, modelled by the
    # emulator), so the op's row is non-finite everywhere (NaN or +-inf) rather than NaN: the row is lost
    # either way and no other row is touched.
    assert torch.isnan(ref[bad]).all()
    assert (~torch.isfinite(y[bad])).all()
    good = [i for i in range(40) if i not in bad]
    assert torch.isfinite(y[good]).all()
    assert report(y[good], ref[good])["pcc"] >= 0.9999


# derandomize: CI runs the same 30 examples every time (a wider search with --hypothesis-seed found
# the bounds above; it must not make CI flaky).
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.integers(1, 40), min_size=1, max_size=3),
    w=st.integers(1, 700),
    scale=st.sampled_from([1e-3, 1.0, 30.0, 1e3]),
    offset=st.sampled_from([0.0, 1.0, -50.0]),
    dtype=st.sampled_from([torch.bfloat16, torch.float32]),
    affine=st.sampled_from(["both", "gamma", "beta", "none"]),
    seed=st.integers(0, 2**16),
)
def test_property_random_shapes_dtypes_scales(rows, w, scale, offset, dtype, affine, seed):
    g = torch.Generator().manual_seed(seed)
    shape = rows + [w]
    x = (torch.randn(shape, generator=g) * scale + offset * scale).to(dtype)
    gamma = torch.randn(w, generator=g).to(dtype) if affine in ("both", "gamma") else None
    beta = torch.randn(w, generator=g).to(dtype) if affine in ("both", "beta") else None
    y = ttnn.layernorm_fused_rm(
        _host(x, dtype), None if gamma is None else _host(gamma, dtype), None if beta is None else _host(beta, dtype)
    )
    yt = ttnn.to_torch(y).double()
    assert list(yt.shape) == shape
    ref = layernorm_fused_rm.golden(x, gamma, beta)
    assert torch.isfinite(yt).all()
    if w == 1 and dtype == torch.bfloat16:
        # One column: x - mean = 0, so the output is beta (or 0) exactly.
        expected = torch.zeros(shape, dtype=torch.float64) if beta is None else beta.double().expand(shape)
        assert torch.equal(yt, expected)
        return
    bound = error_bound(x, gamma, beta)
    err = (yt - ref).abs()
    assert (err <= bound).all(), (float(err.max()), float((err - bound).max()))
    xd = x.double()
    std = xd.var(dim=-1, unbiased=False, keepdim=True).add(1e-5).sqrt()
    cond = xd.mean(dim=-1, keepdim=True).abs() / std
    if dtype == torch.float32:
        cond = torch.zeros_like(cond)  # no cancellation term on the precise path
    if yt.numel() >= 64 and float(ref.std()) > 0 and float(cond.max()) <= 4:
        assert report(yt, ref)["pcc"] >= 0.9999


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.integers(1, 40), min_size=1, max_size=2),
    w=st.integers(1, 700),
    scale=st.sampled_from([1e-3, 1.0, 30.0, 1e3]),
    offset=st.sampled_from([0.0, 1.0, -50.0, 1e4]),
    affine=st.sampled_from(["both", "gamma", "beta", "none"]),
    seed=st.integers(0, 2**16),
)
def test_property_fp32_row_scale(rows, w, scale, offset, affine, seed):
    # Issue 4: float32 input within 1e-5 of each row's max |output| against torch float64, also for rows whose
    # mean is large against their spread (offset 1e4: mean / std up to 1e4).
    g = torch.Generator().manual_seed(seed)
    shape = rows + [w]
    x = (torch.randn(shape, generator=g) * scale + offset * scale).float()
    gamma = torch.randn(w, generator=g) if affine in ("both", "gamma") else None
    beta = torch.randn(w, generator=g) if affine in ("both", "beta") else None
    y = ttnn.layernorm_fused_rm(
        _host(x, torch.float32),
        None if gamma is None else _host(gamma, torch.float32),
        None if beta is None else _host(beta, torch.float32),
    )
    yt = ttnn.to_torch(y).double()
    ref = layernorm_fused_rm.golden(x, gamma, beta)
    assert float(row_scale_error(yt, ref).max()) <= 1e-5
