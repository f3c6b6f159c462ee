"""Stage 7 (properties): NaN/Inf propagation as torch does it, and hypothesis-generated shapes, dtypes and value
scales against torch in float64.

Tolerances per dtype (stated and justified):
  bfloat16 input: PCC >= 0.9999 and max |error| <= 4 bf16 ULPs of the largest |output| (stage 7's argument:
    the bf16-rounded intermediates; fp32 statistics).
  float32 input: per row, max |error| <= 2^-9 x (max|x| / std(x) + 1) x the row's largest |output|. Every
    FPU operand passes through the 19-bit source registers (TF32, 10 mantissa bits, truncated: ISA
    SrcASrcB.md, modelled by the emulator): x and the mean each lose up to 2^-10 of their magnitude before
    x - mean, which the division by std scales by max|x| / std. Measured: 3.3e-3 of row scale for centered
    data; rows far from zero (mean/std = 50) lose 8 %. (Issue 4's 1e-5 target needs an SFPU-only fp32
    path; not built yet.)
"""

import math

import pytest
import torch
import ttnn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import layernorm_fused_rm
from _compare import report

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


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
    if dtype == torch.bfloat16:
        r = report(yt, ref)
        if float(ref.abs().max()) > 0:
            assert r["max_ulp_at_scale"] <= 4.0, r
        if float(ref.std()) > 0:
            assert r["pcc"] >= 0.9999, r
    else:
        row_scale = ref.abs().amax(dim=-1, keepdim=True)
        err = (yt - ref).abs()
        # Rows whose output is all 0 (one column, no beta) must be exactly 0.
        assert torch.equal(err[(row_scale == 0).expand_as(err)], torch.zeros_like(err[(row_scale == 0).expand_as(err)]))
        xd = x.double()
        sigma = xd.std(dim=-1, unbiased=False, keepdim=True)
        bound = 2.0**-9 * (xd.abs().amax(dim=-1, keepdim=True) / sigma.clamp_min(1e-300) + 1) * row_scale
        bad = err > bound.expand_as(err)
        assert not bad.any(), (float(err.max()), float(bound.min()))
