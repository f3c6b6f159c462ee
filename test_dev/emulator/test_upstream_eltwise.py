"""ttnn 0.81's eltwise unary program (reader_unary_interleaved_start_id.cpp, eltwise_sfpu.cpp with an
SFPU_OP_CHAIN_0, writer_unary_interleaved_start_id.cpp), unmodified from the wheel, on the emulator: one core and
a multi-core split by start_id as upstream's UnaryProgramFactory does (issue 11).

Reference: the emulator's numerics model (cpp/emulator/src/formats/numerics.hpp) applied in numpy float32, which must
match bit for bit: bf16 tiles enter a 16-bit DEST exactly (copy_tile of bf16); square_tile computes x*x in
float32 (exact: an 8-bit mantissa squared fits in 24 bits) and rounds to bf16 to nearest even
(ckernel_sfpu_square.h float32_to_bf16_rne); rsqrt_tile computes 1/sqrt(x) in float32 (IEEE sqrt and divide,
as numpy) and rounds to nearest even (ckernel_sfpu_sqrt.h RoundMode::Nearest); exp_tile computes exp(x) in
float32 and rounds to nearest even (ckernel_sfpu_exp.h _sfpu_exp_21f_bf16_, RoundMode::Nearest); numpy's float32
exp is within one float32 ulp of glibc's expf the emulator calls, so the exp step is compared within one bf16 ulp,
the rest bit for bit. Tolerance of the model against silicon, argued: silicon's rsqrt and exp evaluate
approximations accurate to far better than a bf16 ulp before the bf16 rounding, so silicon and this model differ
by at most one bf16 ulp, only where the float32 result lies near a bf16 rounding boundary; the test checks the
exp step against torch float64 of its bf16 argument within one bf16 ulp (the chain as a whole is not compared
to exp(1/|x|): each bf16 rounding between the steps is part of what the kernel computes).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from layernorm_fused_rm import _C

import harness as h
import upstream as up

KDIR = f"{up.OPS}/eltwise/unary/device/kernels"
CHAIN = "square_tile_init(); square_tile(0); rsqrt_tile_init(); rsqrt_tile(0); exp_tile_init(); exp_tile(0);"
# the header of each op, as ttnn's unary factory names them beside the chain (sfpu_split_includes.h)
INCLUDES = [("SFPU_OP_COMPUTE_KERNEL_API_INCLUDE", "1"), ("SFPU_OP_RSQRT_INCLUDE", "1"), ("SFPU_OP_EXP_INCLUDE", "1")]


def eltwise_program(src, dst, num_tiles, cores, chain):
    reader = up.pinned(f"{KDIR}/dataflow/reader_unary_interleaved_start_id.cpp")
    writer = up.pinned(f"{KDIR}/dataflow/writer_unary_interleaved_start_id.cpp")
    compute = up.pinned(f"{KDIR}/compute/eltwise_sfpu.cpp")
    core_list = list(cores.cores())
    split = dict(zip([(c.x, c.y) for c in core_list], up.split_pages(num_tiles, core_list)))
    ta = h.accessor_args(h.TILE_BF16)
    kernels = [
        h.reader(reader, cores=cores, ct=ta, per_core_rt=lambda c: [src, split[(c.x, c.y)][1], split[(c.x, c.y)][0]]),
        h.writer(writer, cores=cores, ct=[2, *ta], per_core_rt=lambda c: [dst, split[(c.x, c.y)][1], split[(c.x, c.y)][0]]),
        h.compute(compute, cores=cores, per_core_rt=lambda c: [split[(c.x, c.y)][1]],
                  defines=[("SFPU_OP_CHAIN_0", chain), *INCLUDES]),
    ]
    return h.program(kernels, [h.cb(0, 2, cores=cores), h.cb(2, 2, cores=cores)])


@pytest.mark.parametrize("ncores,shape", [(1, (64, 96)), (4, (96, 160))])
def test_square_rsqrt_exp_chain_matches_model(ncores, shape):
    rng = np.random.default_rng(11)
    x = h.bf16_round(rng.uniform(0.05, 8.0, size=shape).astype(np.float32) * rng.choice([-1, 1], size=shape))
    n = x.size // 1024
    stats, out = up.run_program(_C.EmuDevice("wormhole_b0"), h.to_bytes(up.tiles_of(x), h.BF16), h.TILE_BF16,
                                n * h.TILE_BF16, h.TILE_BF16,
                                lambda src, dst: eltwise_program(src, dst, n, up.grid(ncores), CHAIN))
    y = up.untiles_of(h.from_bytes(out, h.BF16), *shape)
    assert stats.cores_used == ncores
    sq = h.bf16_round(x * x)  # float32 product is exact for bf16 x
    rs = h.bf16_round(np.float32(1.0) / np.sqrt(sq))
    model = h.bf16_round(np.exp(rs))
    bf16_ulp = np.spacing(np.abs(model)) * 2 ** 16
    np.testing.assert_array_less(np.abs(y - model), bf16_ulp * 0.5 + np.spacing(np.abs(model)))
    assert (y.view(np.uint32) == model.view(np.uint32)).mean() > 0.99  # expf vs numpy exp: rare one-ulp ties
    # exp step against torch float64 of the same (bf16) argument: within one bf16 ulp (its one rounding)
    ref = torch.exp(torch.from_numpy(rs).double())
    tol = torch.from_numpy(np.spacing(np.abs(ref.numpy()).astype(np.float32))).double() * 2 ** 16
    assert bool((torch.from_numpy(y).double() - ref).abs().le(tol).all()), "beyond one bf16 ulp of torch float64"
