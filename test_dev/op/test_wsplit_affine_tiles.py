# SPDX-License-Identifier: Apache-2.0
"""The W-split program's gamma / beta: its reader places each core's slice as tiles (reader affine_flag::pretiled,
push_vector_tiles in dataflow/reader_layernorm_fused_rm.cpp: the slice's bytes [col_offset, col_offset + Ws 32
elements) of each vector, copied into row 0 of the tiles of c_6 / c_7), so the compute kernels tilize only x.

Checked here: every column gets its own gamma / beta (a misplaced slice or chunk, or a wrong byte range in the last
slice when W % 32 != 0, would move values between columns), for bfloat16 and float32 and both compute kernels; and
the compute kernels pack nothing for gamma / beta beyond the FPU kernel's * gamma pass (the tilize of the slice packed
2 Ws tiles per core). Bit-identity with the tilized gamma / beta is held by the accuracy and chunk tests of
test_wsplit.py and test_wsplit_chunked.py; non-finite gamma / beta by test_nonfinite.py."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C

WSPLIT = _C.WSPLIT_PROGRAM_FACTORY
TORCH = {ttnn.bfloat16: torch.bfloat16, ttnn.float32: torch.float32}


def _host(t, dtype):
    if t is None:
        return None
    return ttnn.from_torch(t.to(TORCH[dtype]), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)


def _cfg(fp32_dest):
    return ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=fp32_dest)


def _run(x, gamma, beta, dtype, fp32_dest, **kw):
    h = lambda t: _host(t, dtype)  # noqa: E731
    y, stats = ttnn.layernorm_fused_rm(h(x), h(gamma), h(beta), program_factory=WSPLIT, return_stats=True,
                                       compute_kernel_config=_cfg(fp32_dest), **kw)
    return ttnn.to_torch(y).to(torch.float64), stats


# (W, S, staging chunk Bc or 0 = the whole slice): 570 = 17 x 32 + 26 (the last slice ends in a partial tile), slices
# of 9, 6, 3 tiles; 4096 on 64 cores (2 tiles per slice, the decode shape); chunked gamma / beta staging.
PLACEMENT = [(570, 2, 0), (570, 3, 2), (570, 6, 1), (4096, 64, 0), (1000, 2, 0)]
KERNELS = [(ttnn.bfloat16, True), (ttnn.bfloat16, False), (ttnn.float32, True)]


# Each placement with one kernel, the kernels in turn (every kernel meets a partial last slice and a chunked staging;
# the full product took ~35 s of the suite's 10-minute budget for the same reader code).
_KERNEL_IDS = ["bf16_precise", "bf16_fpu", "fp32_precise"]
PLACED = [(w, s, c, *KERNELS[i % 3], _KERNEL_IDS[i % 3]) for i, (w, s, c) in enumerate(PLACEMENT)] + [
    (570, 3, 2, *KERNELS[2], _KERNEL_IDS[2]), (570, 6, 1, *KERNELS[0], _KERNEL_IDS[0])]


@pytest.mark.parametrize("W,S,chunk,dtype,fp32_dest", [p[:5] for p in PLACED],
                         ids=[f"{k}-W{w}-S{s}-Bc{c}" for w, s, c, _, _, k in PLACED])
def test_each_column_gets_its_own_gamma_and_beta(W, S, chunk, dtype, fp32_dest):
    kw = dict(wsplit_cores_per_row=S, **({"wsplit_chunk_tiles": chunk} if chunk else {}))
    g = torch.Generator().manual_seed(W + S)
    x = torch.randn(33, W, generator=g) * 2 + 1
    cols = torch.arange(W, dtype=torch.float64)
    # beta alone with gamma = 0: y = 0 * normalized + beta = beta exactly (integers below 256 are exact in bf16), so
    # any column taking another column's beta shows.
    beta = (cols % 251) - 125
    y, _ = _run(x, torch.zeros(W), beta, dtype, fp32_dest, **kw)
    assert torch.equal(y, beta.expand(33, W)), (y - beta).abs().max()
    # gamma: distinct per column (1 + (j mod 7) / 8, exact in bf16) against the same run with gamma = 1; the ratio is
    # gamma[j] up to the output's rounding, far from a neighbour's value (differences of 1/8).
    gamma = 1 + (cols % 7) / 8
    y_g, _ = _run(x, gamma, None, dtype, fp32_dest, **kw)
    y_1, _ = _run(x, torch.ones(W), None, dtype, fp32_dest, **kw)
    big = y_1.abs() > 0.25
    ratio = (y_g / y_1)[big]
    assert float((ratio - gamma.expand(33, W)[big]).abs().max()) < 1 / 32


@pytest.mark.parametrize("dtype,fp32_dest", KERNELS, ids=["bf16_precise", "bf16_fpu", "fp32_precise"])
def test_gamma_and_beta_cost_no_tilize(dtype, fp32_dest):
    # 65 x 570, S = 2: 3 tile-rows over 3 groups of 2 cores, slices of Ws = 9 tiles. Tiles packed (the emulator's
    # tiles_computed) with gamma and beta minus without: the FPU kernel's * gamma pass over c_24 (rotate_xmm, Ws per
    # tile-row and core; with gamma alone or beta alone the op is done in DEST) and nothing else; the precise kernel
    # applies both in DEST (addcmul_tile in output_resident_from): 0. A tilize of the slices would pack 2 Ws per core
    # more (108 on the 6 cores).
    g = torch.Generator().manual_seed(1)
    x, gamma, beta = torch.randn(65, 570, generator=g), torch.randn(570, generator=g), torch.randn(570, generator=g)
    _, with_affine = _run(x, gamma, beta, dtype, fp32_dest, wsplit_cores_per_row=2)
    _, without = _run(x, None, None, dtype, fp32_dest, wsplit_cores_per_row=2)
    per_tile_row = 0 if fp32_dest else 9
    assert with_affine["cores_used"] == without["cores_used"] == 6
    assert with_affine["tiles_computed"] - without["tiles_computed"] == 3 * 2 * per_tile_row  # tile-rows x S x ...


def test_reader_places_the_slice_of_the_vectors():
    # The descriptor: the W-split reader is built with affine_flag::pretiled; the compute kernel's own affine flags
    # are the gamma / beta bits only (it never reads c_4 / c_5).
    h = lambda t: _host(t, ttnn.bfloat16)  # noqa: E731
    v = torch.zeros(570)
    desc = layernorm_fused_rm.create_program_descriptor(h(torch.zeros(65, 570)), h(v), h(v), program_factory=WSPLIT,
                                                        wsplit_cores_per_row=2)
    reader, compute = desc.kernels[0], desc.kernels[1]
    flag = _C.affine_flag
    assert reader.compile_time_args[_C.reader_ct_args.affine_flags] == flag.gamma | flag.beta | flag.pretiled
    assert compute.compile_time_args[_C.compute_ct_args.affine_flags] == flag.gamma | flag.beta
