# SPDX-License-Identifier: Apache-2.0
"""Kernel argument indices (cpp/device/kernels/layernorm_fused_rm_kernel_args.hpp) as Python sees them, and the
program factory's override_runtime_arguments (the program-cache rewrite)."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm as lf
from layernorm_fused_rm import _C

ARG_LISTS = ["reader_ct_args", "reader_rt_args", "compute_ct_args", "compute_rt_args", "writer_ct_args",
             "writer_rt_args"]
EXTRA = {"count", "precise_count", "input_accessor", "output_accessor"}


def _indices(name):
    sub = getattr(_C, name)
    return {k: v for k, v in vars(sub).items() if not k.startswith("_") and k not in EXTRA and isinstance(v, int)}


@pytest.mark.parametrize("name", ARG_LISTS)
def test_each_position_has_exactly_one_name(name):
    idx = _indices(name)
    count = getattr(_C, name).precise_count if name == "compute_rt_args" else getattr(_C, name).count
    assert sorted(idx.values()) == list(range(count)), idx


def test_accessors_follow_the_plain_compile_time_args():
    assert _C.reader_ct_args.input_accessor == _C.reader_ct_args.count
    assert _C.writer_ct_args.output_accessor == _C.writer_ct_args.count


def _host(t):
    return ttnn.from_torch(t.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)


@pytest.mark.parametrize("dtype", [ttnn.bfloat16, ttnn.float32])
def test_factory_fills_every_argument_list_to_its_count(dtype):
    x = ttnn.from_torch(torch.randn(70, 96), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
    desc = lf.create_program_descriptor(x, core_grid=ttnn.CoreGrid(y=1, x=2))
    reader, compute, writer = desc.kernels
    assert len(reader.compile_time_args) == _C.reader_ct_args.count + 3 * 2  # 3 interleaved accessors, 2 words
    assert len(writer.compile_time_args) == _C.writer_ct_args.count + 2
    assert len(compute.compile_time_args) == _C.compute_ct_args.count
    # The default config (fp32 DEST) runs the precise (float32) or shifted (bfloat16) kernels: num_blocks, eps_bits.
    rt = _C.compute_rt_args.precise_count
    for k, n in ((reader, _C.reader_rt_args.count), (compute, rt), (writer, _C.writer_rt_args.count)):
        assert [len(a) for _, a in k.runtime_args] == [n, n], k.kernel_source
    # no gamma / beta: their address args are 0 and the affine flags clear
    assert {a[_C.reader_rt_args.gamma_addr] for _, a in reader.runtime_args} == {0}
    assert compute.compile_time_args[_C.compute_ct_args.affine_flags] == 0


def test_override_writes_only_the_address_args():
    x = _host(torch.randn(64, 64))
    g = _host(torch.randn(64))
    desc = lf.create_program_descriptor(x, g, None, core_grid=ttnn.CoreGrid(y=1, x=2))
    before = [[list(a) for _, a in k.runtime_args] for k in desc.kernels]
    args = _C.TensorArgs(_C.TensorDesc(shape=[64, 64], address=0x1000), _C.TensorDesc(shape=[64], address=0x2000))
    _C.override_runtime_arguments(desc, args, _C.TensorDesc(shape=[64, 64], address=0x3000))
    after = [[list(a) for _, a in k.runtime_args] for k in desc.kernels]
    changed = {(ki, i) for ki in range(3) for c in range(2) for i, (u, v) in
               enumerate(zip(before[ki][c], after[ki][c])) if u != v}
    r, w = _C.reader_rt_args, _C.writer_rt_args
    assert changed == {(0, r.input_addr), (0, r.gamma_addr), (2, w.output_addr)}
    for c in range(2):
        assert after[0][c][r.input_addr] == 0x1000 and after[0][c][r.gamma_addr] == 0x2000
        assert after[0][c][r.beta_addr] == 0 and after[2][c][w.output_addr] == 0x3000


def test_override_refuses_a_program_of_another_factory():
    desc = lf.create_program_descriptor(_host(torch.randn(32, 32)))
    desc.program_factory = "SomeOtherFactory"
    with pytest.raises(ValueError, match="program_factory .*SomeOtherFactory"):
        _C.override_runtime_arguments(desc, _C.TensorArgs(_C.TensorDesc(shape=[32, 32])), _C.TensorDesc(shape=[32, 32]))
    desc.program_factory = _C.program_factory_name()
    desc.kernels = [desc.kernels[1]]  # compute only
    with pytest.raises(ValueError, match="no reader or no writer"):
        _C.override_runtime_arguments(desc, _C.TensorArgs(_C.TensorDesc(shape=[32, 32])), _C.TensorDesc(shape=[32, 32]))
