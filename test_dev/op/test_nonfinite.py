"""Non-finite values in the input, gamma and beta (issue 13, item 4): what the README's "Non-finite values"
table says, for every input / output dtype pair with the default compute config, and for NaN / Inf in gamma / beta in
each of the three programs."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm  # registers ttnn.layernorm_fused_rm
from layernorm_fused_rm import _C

W, ROWS, ROW, COL = 64, 64, 3, 5
TT = {torch.bfloat16: ttnn.bfloat16, torch.float32: ttnn.float32}


def _host(t, dtype):
    return ttnn.from_torch(t.to(dtype), dtype=TT[dtype], layout=ttnn.ROW_MAJOR_LAYOUT)


def _run(x, gamma, beta, in_dtype, out_dtype, **kw) -> torch.Tensor:
    host = lambda t: _host(t, in_dtype)  # noqa: E731
    y = ttnn.layernorm_fused_rm(host(x), host(gamma), host(beta), dtype=TT[out_dtype], **kw)
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


# Programs whose reader places gamma / beta as tiles (reader affine_flag::pretiled: the streaming and W-split
# programs) against the row-resident program, whose compute kernel tilizes them (W = 64: Wt = 2, so the W-split
# runs with S = 2 cores per tile-row, one tile each).
PROGRAMS = {"default": {}, "streaming": {"program_factory": _C.STREAMING_PROGRAM_FACTORY},
            "wsplit": {"program_factory": _C.WSPLIT_PROGRAM_FACTORY, "wsplit_cores_per_row": 2}}


@pytest.mark.parametrize("program", list(PROGRAMS))
@pytest.mark.parametrize("in_dtype,out_dtype", DTYPES, ids=lambda d: str(d).split(".")[-1])
@pytest.mark.parametrize("where", ["gamma_nan", "beta_inf"])
def test_non_finite_gamma_or_beta_spoils_only_its_column(in_dtype, out_dtype, where, program):
    x, gamma, beta = _inputs()
    kw = PROGRAMS[program]
    clean = _run(x, gamma, beta, in_dtype, out_dtype, **kw)
    if where == "gamma_nan":
        gamma[COL] = float("nan")
    else:
        beta[COL] = float("inf")
    y = _run(x, gamma, beta, in_dtype, out_dtype, **kw)
    others = [c for c in range(W) if c != COL]
    assert torch.equal(y[:, others], clean[:, others])  # bit-identical to the same program's finite run
    col = y[:, COL]
    # NaN survives to a Float32 output when nothing packs it to bf16 on the way: float32 input (Float32 CBs), or
    # bfloat16 input whose gamma the reader placed as tiles (no tilize: the row-resident program's tilize packs its
    # bf16 gamma, and the packer turns NaN into Inf, tt-isa-documentation
    # WormholeB0/TensixTile/TensixCoprocessor/Packers/FormatConversion.md).
    placed = program != "default"
    if where == "gamma_nan" and out_dtype == torch.float32 and (in_dtype == torch.float32 or placed):
        assert torch.isnan(col).all(), col
    else:
        assert torch.isinf(col).all(), col
        if where == "beta_inf":
            assert (col > 0).all()  # +Inf + finite = +Inf


def test_default_program_of_the_table_shape_is_row_resident():
    # The "default" program above is the row-resident one, whose compute kernel tilizes gamma / beta; the other two
    # have their reader place them as tiles.
    x, gamma, beta = (_host(t, torch.bfloat16) for t in _inputs())
    for kw, factory, placed in [({}, _C.program_factory_name(), False)] + [
            (PROGRAMS[p], PROGRAMS[p]["program_factory"], True) for p in ("streaming", "wsplit")]:
        desc = layernorm_fused_rm.create_program_descriptor(x, gamma, beta, dtype=ttnn.float32, **kw)
        assert desc.program_factory == factory
        assert bool(desc.kernels[0].compile_time_args[_C.reader_ct_args.affine_flags] & _C.affine_flag.pretiled) == placed
