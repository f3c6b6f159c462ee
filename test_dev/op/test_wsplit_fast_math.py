# SPDX-License-Identifier: Apache-2.0
"""The W-split program under -ffast-math in full: tt-metal compiles kernels with -ffast-math
(tt_metal/jit_build/build.cpp, JitBuildEnv::init's common flags, for BRISC and NCRISC at -Os and TRISC at -O3);
0.81.1 adds -fno-finite-math-only -fsigned-zeros -fno-associative-math (tt-metal PR #52236), the emulator's default
(cpp/emulator/src/jit/jit.hpp kJitKernelFloatFlags). Earlier tt-metal passed -ffast-math alone, under which GCC
reassociates float expressions. The precise kernel's combine is tile operations on the compute core (no C++ float
expression to reassociate); the FPU kernel's writer combines in soft float and keeps its division by W a division
(opaque() in cpp/device/kernels/dataflow/writer_layernorm_fused_rm_wsplit.cpp). So the W-split's output must not
depend on the flags: bit for bit the same under -ffast-math alone as under the default flags, for each of its
compute kernels (when the writer still combined the precise kernel's statistics in soft float, its Fast2Sum folded to
0 without opaque() and float32 rows at |mean| / std = 300 and 1e4 measured 7.4e-6 to 1.9e-4 of the row scale)."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C

# (dtype, fp32_dest, m): float32 and bfloat16 with fp32 DEST run the precise kernel, bfloat16 with a 16-bit DEST the
# FPU kernel; rows m + randn with a large mean against the spread, where reassociation would show.
CONFIGS = [(ttnn.float32, True, 1e4), (ttnn.bfloat16, True, 300.0), (ttnn.bfloat16, False, 300.0)]


def _run(dtype, fp32_dest, m):
    g = torch.Generator().manual_seed(5)
    x, gamma, beta = m + torch.randn(33, 1024, generator=g), torch.randn(1024, generator=g), torch.randn(1024, generator=g)
    host = lambda t: ttnn.from_torch(t, dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)  # noqa: E731
    cfg = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=fp32_dest)
    y = ttnn.layernorm_fused_rm(host(x), host(gamma), host(beta), program_factory=_C.WSPLIT_PROGRAM_FACTORY,
                                wsplit_cores_per_row=8, compute_kernel_config=cfg)
    return ttnn.to_torch(y)


@pytest.mark.parametrize("dtype,fp32_dest,m", CONFIGS, ids=["float32", "bfloat16", "bfloat16_fp16_dest"])
def test_wsplit_output_does_not_depend_on_fast_math(monkeypatch, dtype, fp32_dest, m):
    default = _run(dtype, fp32_dest, m)
    monkeypatch.setenv("LAYERNORM_FUSED_RM_JIT_FLOAT_FLAGS", "-ffast-math")
    layernorm_fused_rm.clear_program_cache()
    fast = _run(dtype, fp32_dest, m)
    assert torch.equal(default, fast), float((default.double() - fast.double()).abs().max())
