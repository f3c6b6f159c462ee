# SPDX-License-Identifier: Apache-2.0
"""ttnn.layernorm_fused_rm is a ttnn operation: registered, with a golden that ttnn's comparison mode runs,
and visible to ttnn's pre/post operation hooks (ttnn 0.81.1 ``ttnn/decorators.py``)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
import torch
import ttnn

import layernorm_fused_rm as lf
from layernorm_fused_rm import _C

W = 64
ROWS = 64  # two 32-row blocks: a writer that permutes rows inside a block changes the output


def _inputs(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, 1, ROWS, W, generator=g).bfloat16()
    gamma = (torch.rand(W, generator=g) + 0.5).bfloat16()
    beta = torch.randn(W, generator=g).bfloat16()
    tt = [ttnn.from_torch(t, dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT) for t in (x, gamma, beta)]
    return (x, gamma, beta), tt


def test_registered_operation_is_listed_and_is_the_package_function():
    ops = ttnn.query_registered_operations()
    mine = [op for op in ops if op.python_fully_qualified_name == "ttnn.layernorm_fused_rm"]
    assert len(mine) == 1
    assert mine[0] is ttnn.layernorm_fused_rm is lf.layernorm_fused_rm
    assert not mine[0].is_experimental and not mine[0].is_cpp_operation


def test_golden_function_is_attached_and_is_float64_layer_norm_in_the_input_dtype():
    golden = ttnn.get_golden_function(ttnn.layernorm_fused_rm)
    assert golden is lf.golden_function
    (x, gamma, beta), _ = _inputs(1)
    out = golden(x, gamma, beta, eps=1e-5)
    assert out.dtype == torch.bfloat16 and out.shape == x.shape
    want = torch.nn.functional.layer_norm(x.double(), (W,), gamma.double(), beta.double(), 1e-5)
    assert torch.equal(out, want.to(torch.bfloat16))
    assert golden(x.float(), eps=1e-3).dtype == torch.float32
    assert golden(x, dtype=ttnn.float32).dtype == torch.float32
    with pytest.raises(ValueError, match="return_stats"):
        golden(x, return_stats=True)


def _comparison_mode(should_raise: bool = True):
    """ttnn's comparison mode as ttnn asks for it (its config warns that fast runtime mode must be off)."""
    stack = contextlib.ExitStack()
    stack.enter_context(ttnn.manage_config("enable_fast_runtime_mode", False))
    stack.enter_context(ttnn.manage_config("enable_comparison_mode", True))
    stack.enter_context(ttnn.manage_config("comparison_mode_should_raise_exception", should_raise))
    return stack


def _run_in_comparison_mode(tt):
    with _comparison_mode():
        return ttnn.layernorm_fused_rm(*tt, eps=1e-5)


def test_comparison_mode_passes_the_real_kernels():
    (x, gamma, beta), tt = _inputs(2)
    out = ttnn.to_torch(_run_in_comparison_mode(tt))
    want = torch.nn.functional.layer_norm(x.double(), (W,), gamma.double(), beta.double(), 1e-5)
    assert (out.double() - want).abs().max() < 0.05


@pytest.fixture
def broken_kernel_root(tmp_path: Path):
    """A copy of the kernel sources whose writer reverses the rows of each 32-row block (each row is a
    correct LayerNorm, written to the wrong stick): a plausible indexing bug only a comparison catches."""
    root = tmp_path / "kernels"
    shutil.copytree(lf.KERNEL_ROOT, root)
    writer = root / "dataflow" / "writer_layernorm_fused_rm.cpp"
    src = writer.read_text()
    right = "out_acc.get_noc_addr(stick + r,"
    assert right in src, "the writer's stick addressing changed: update this sabotage"
    writer.write_text(src.replace(right, "out_acc.get_noc_addr(stick + (rows - 1 - r),"))
    _C.set_kernel_root(str(root))
    try:
        yield root
    finally:
        _C.set_kernel_root(str(lf.KERNEL_ROOT))


def test_comparison_mode_catches_a_broken_kernel(broken_kernel_root):
    _, tt = _inputs(3)
    with pytest.raises(RuntimeError, match=r"ttnn.layernorm_fused_rm: Comparing output tensor 0 against CPU locally failed"):
        _run_in_comparison_mode(tt)
    # Without comparison mode the broken kernel returns its wrong output silently.
    out = ttnn.to_torch(ttnn.layernorm_fused_rm(*tt, eps=1e-5))
    want = ttnn.get_golden_function(ttnn.layernorm_fused_rm)(*(ttnn.to_torch(t) for t in tt), eps=1e-5)
    for block in (slice(0, 32), slice(32, 64)):
        got, ref = out[..., block, :].double(), want[..., block, :].double()
        assert torch.allclose(got, ref.flip(-2), atol=0.05)
        assert not torch.allclose(got, ref, atol=0.5)


def test_pre_and_post_operation_hooks_see_the_call():
    _, tt = _inputs(4)
    seen = []

    def pre(operation, args, kwargs):
        seen.append(("pre", operation.python_fully_qualified_name, args[0] is tt[0], kwargs.get("eps")))

    def post(operation, args, kwargs, output):
        seen.append(("post", operation.python_fully_qualified_name, output))

    # ttnn runs the hooks on its slow path (fast runtime mode off, as in ttnn's own hook tests).
    with ttnn.manage_config("enable_fast_runtime_mode", False), \
            ttnn.register_pre_operation_hook(pre), ttnn.register_post_operation_hook(post):
        out = ttnn.layernorm_fused_rm(*tt, eps=1e-3)
    assert seen[0] == ("pre", "ttnn.layernorm_fused_rm", True, 1e-3)
    assert seen[1][:2] == ("post", "ttnn.layernorm_fused_rm") and seen[1][2] is out
    assert len(seen) == 2


def test_comparison_mode_with_return_stats_has_no_golden():
    _, tt = _inputs(5)
    with _comparison_mode(should_raise=False):
        out, stats = ttnn.layernorm_fused_rm(tt[0], return_stats=True)  # warns, skips the comparison
    assert isinstance(out, ttnn.Tensor) and stats["arch"]
    with _comparison_mode(should_raise=True), pytest.raises(ValueError, match="return_stats=True has no golden"):
        ttnn.layernorm_fused_rm(tt[0], return_stats=True)
