"""Non-finite values in the input, gamma and beta (issue 13, item 4): what the README's "Non-finite values"
table says, for every input / output dtype pair with the default compute config."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm  # noqa: F401  (registers ttnn.layernorm_fused_rm)

W, ROWS, ROW, COL = 64, 64, 3, 5
TT = {torch.bfloat16: ttnn.bfloat16, torch.float32: ttnn.float32}


def _run(x, gamma, beta, in_dtype, out_dtype) -> torch.Tensor:
    host = lambda t: ttnn.from_torch(t.to(in_dtype), dtype=TT[in_dtype], layout=ttnn.ROW_MAJOR_LAYOUT)  # noqa: E731
    y = ttnn.layernorm_fused_rm(host(x), host(gamma), host(beta), dtype=TT[out_dtype])
    return ttnn.to_torch(y).to(torch.float32)


def _inputs():
    g = torch.Generator().manual_seed(13)
    return torch.randn(ROWS, W, generator=g) * 2 + 1, torch.rand(W, generator=g) + 0.5, torch.randn(W, generator=g)


DTYPES = [(torch.bfloat16, torch.bfloat16), (torch.bfloat16, torch.float32), (torch.float32, torch.bfloat16),
          (torch.float32, torch.float32)]


@pytest.mark.parametrize("in_dtype,out_dtype", DTYPES, ids=lambda d: str(d).split(".")[-1])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")], ids=["nan", "inf", "-inf"])
def test_non_finite_input_spoils_only_its_row(in_dtype, out_dtype, value):
    x, gamma, beta = _inputs()
    clean = _run(x, gamma, beta, in_dtype, out_dtype)
    x[ROW, 7] = value
    y = _run(x, gamma, beta, in_dtype, out_dtype)
    others = [r for r in range(ROWS) if r != ROW]
    assert torch.equal(y[others], clean[others])  # bit-identical (no NaN there: clean is finite)
    assert torch.isfinite(clean).all()
    row = y[ROW]
    if out_dtype == torch.float32:
        # The row never passes a bf16 pack before the Float32 output: the default fp32-DEST kernels (bf16 input
        # too: the shifted kernels) keep it in DEST, where inf - inf and NaN arithmetic give NaN.
        assert torch.isnan(row).all(), row
    else:  # bf16 output: the packer's rounding turns NaN into infinity (FormatConversion.md)
        assert torch.isinf(row).all(), row


@pytest.mark.parametrize("in_dtype,out_dtype", DTYPES, ids=lambda d: str(d).split(".")[-1])
@pytest.mark.parametrize("where", ["gamma_nan", "beta_inf"])
def test_non_finite_gamma_or_beta_spoils_only_its_column(in_dtype, out_dtype, where):
    x, gamma, beta = _inputs()
    clean = _run(x, gamma, beta, in_dtype, out_dtype)
    if where == "gamma_nan":
        gamma[COL] = float("nan")
    else:
        beta[COL] = float("inf")
    y = _run(x, gamma, beta, in_dtype, out_dtype)
    others = [c for c in range(W) if c != COL]
    assert torch.equal(y[:, others], clean[:, others])
    col = y[:, COL]
    if (in_dtype, out_dtype, where) == (torch.float32, torch.float32, "gamma_nan"):
        assert torch.isnan(col).all(), col
    else:
        assert torch.isinf(col).all(), col
        if where == "beta_inf":
            assert (col > 0).all()  # +Inf + finite = +Inf


def test_streaming_program_keeps_a_nan_gamma():
    # bfloat16 -> float32: the streaming program's reader places gamma as tiles (reader affine_flag::pretiled) with no
    # pack, so NaN in gamma[j] stays NaN in column j, where the row-resident program's tilize packs it to Inf. The
    # other columns are bit-identical to the row-resident program's.
    from layernorm_fused_rm import _C

    x, gamma, beta = _inputs()
    gamma[COL] = float("nan")
    host = lambda t: ttnn.from_torch(t.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)  # noqa: E731
    runs = [ttnn.to_torch(ttnn.layernorm_fused_rm(host(x), host(gamma), host(beta), dtype=ttnn.float32, **kw))
            for kw in ({}, {"program_factory": _C.STREAMING_PROGRAM_FACTORY})]
    resident, streaming = (r.to(torch.float32) for r in runs)
    assert torch.isinf(resident[:, COL]).all() and torch.isnan(streaming[:, COL]).all()
    others = [c for c in range(W) if c != COL]
    assert torch.equal(streaming[:, others], resident[:, others])
