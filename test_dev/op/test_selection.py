# SPDX-License-Identifier: Apache-2.0
"""Program selection by the device-time model (issue 12 item 4) through the Python API: the default program is
the fastest modelled one that fits L1 (the first of _C.model.candidates), and the W-split it takes keeps the
numerics of the caller's compute config (the precise W-split kernel for fp32 DEST, the FPU one for a 16-bit DEST),
so selection needs no numerics rule."""

from __future__ import annotations

import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C, device_model
from _compare import report

WSPLIT = _C.WSPLIT_PROGRAM_FACTORY
RESIDENT = _C.program_factory_name()
FP16_DEST = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=False)


def _host(t):
    return ttnn.from_torch(t.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)


def _tensors(shape, offset, seed):
    g = torch.Generator().manual_seed(seed)
    w = shape[-1]
    x = (offset + 8 * torch.randn(shape, generator=g)).to(torch.bfloat16)
    return x, torch.randn(w, generator=g).to(torch.bfloat16), torch.randn(w, generator=g).to(torch.bfloat16)


def _ulps(x, gamma, beta, **kw):
    y = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta), **kw)).double()
    return report(y, layernorm_fused_rm.golden(x, gamma, beta))["max_ulp_at_scale"]


def test_decode_row_runs_the_wsplit_by_default_with_a_16_bit_dest():
    """1x1x32x4096 with the FPU kernels' config: the model's fastest program is a W-split on 32 of the 64 Wormhole
    cores (S = 32: each owner combines ceil(32 / S) rows x S partials in soft float, 1 x 32 x 659 + 123 cycles, where
    S = 64 doubles it for half the compute), the op runs it by default, reading every byte once."""
    x, gamma, beta = _tensors([1, 1, 32, 4096], 0.0, 1)
    args = (_host(x), _host(gamma), _host(beta))
    best = device_model.op_candidates(*args, compute_kernel_config=FP16_DEST)[0]
    assert (best["factory"], best["split"]) == (WSPLIT, 32)
    y, stats = ttnn.layernorm_fused_rm(*args, compute_kernel_config=FP16_DEST, return_stats=True)
    assert stats["cores_used"] == 32
    stick = 4096 * 2
    assert stats["dram_bytes_read"] == 32 * stick + 2 * stick  # input once, gamma and beta once per group
    assert stats["dram_bytes_written"] == 32 * stick
    r = report(ttnn.to_torch(y).double(), layernorm_fused_rm.golden(x, gamma, beta))
    assert r["pcc"] >= 0.9999 and r["max_ulp_at_scale"] <= 8.0, r  # the 16-bit DEST bound of stage 7


def test_default_config_runs_the_precise_wsplit():
    """1x1x32x4096 with the default fp32 DEST (the shifted family): the model's fastest program is a W-split on all 64
    Wormhole cores (S = 64; by hand: test_dev/op/test_wsplit.py test_selection_rule), the op runs it by default
    with the precise W-split kernel (fp32 DEST, hi + lo slice means, combined on the compute core),
    reading every byte once, within the shifted kernels' 0.5 bf16 ULP of the row scale."""
    x, gamma, beta = _tensors([1, 1, 32, 4096], 0.0, 2)
    args = (_host(x), _host(gamma), _host(beta))
    best = device_model.op_candidates(*args)[0]
    assert (best["factory"], best["split"]) == (WSPLIT, 64)
    desc = layernorm_fused_rm.create_program_descriptor(*args)
    assert desc.program_factory == WSPLIT
    (k,) = [k for k in desc.kernels if k.is_compute]
    assert k.kernel_source.endswith("layernorm_fused_rm_precise_wsplit.cpp")
    y, stats = ttnn.layernorm_fused_rm(*args, return_stats=True)
    assert stats["cores_used"] == 64
    stick = 4096 * 2
    assert stats["dram_bytes_read"] == 32 * stick + 2 * stick  # input once, gamma and beta once per group
    assert stats["dram_bytes_written"] == 32 * stick
    r = report(ttnn.to_torch(y).double(), layernorm_fused_rm.golden(x, gamma, beta))
    assert r["pcc"] >= 0.999998 and r["max_ulp_at_scale"] <= 0.5, r


def test_wsplit_keeps_the_numerics_of_each_compute_config():
    """Rows whose |mean| / std is ~32 (256 + 8 randn): with fp32 DEST (the default config) the W-split runs the
    precise W-split kernel, within the shifted kernels' 0.5 bf16 ULP of the row scale (the FPU W-split kernel measured
    13 here: if the default config ran it, the first assertion fails); with a 16-bit DEST the FPU W-split kernel is
    no worse than the row-resident FPU kernel. This is what lets selection take the W-split for every config."""
    x, gamma, beta = _tensors([33, 384], 256.0, 4)
    forced = {"program_factory": WSPLIT, "wsplit_cores_per_row": 3}
    shifted, wsplit32 = _ulps(x, gamma, beta, program_factory=RESIDENT), _ulps(x, gamma, beta, **forced)
    assert shifted <= 0.5 and wsplit32 <= 0.5, (shifted, wsplit32)
    fpu = _ulps(x, gamma, beta, program_factory=RESIDENT, compute_kernel_config=FP16_DEST)
    wsplit16 = _ulps(x, gamma, beta, compute_kernel_config=FP16_DEST, **forced)
    assert wsplit16 <= fpu, (wsplit16, fpu)
