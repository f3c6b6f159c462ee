# SPDX-License-Identifier: Apache-2.0
"""Stage 2: every validation rule raises the documented exception, and its message names the argument, what
was expected and what was given. Rules the public API cannot reach with host tensors (sharded inputs, tensors
on different devices) are checked through _C.validate with explicit TensorDescs."""

from __future__ import annotations

import math

import pytest
import torch
import ttnn
from conftest import to_tt

import layernorm_fused_rm as lf
from layernorm_fused_rm import _C


def raises_with(exc_type, fn, *fragments):
    with pytest.raises(exc_type) as info:
        fn()
    msg = str(info.value)
    for frag in fragments:
        assert frag in msg, f"{frag!r} not in message: {msg}"
    return msg


def rand(*shape):
    return torch.randn(*shape, dtype=torch.bfloat16)


def desc(shape, **kw):
    return _C.TensorDesc(shape=list(shape), **kw)


def attrs(**kw):
    return _C.OperationAttributes(**kw)


# --------------------------------------------------------------------------------------------- valid arguments


@pytest.mark.parametrize("shape", [[32], [1, 1, 64, 128], [3, 5, 96], [2, 1024]])
def test_valid_inputs_pass(shape):
    _C.validate(attrs(), _C.TensorArgs(desc(shape)))


@pytest.mark.parametrize("affine_shape", [[128], [1, 128], [1, 1, 128], [1, 1, 1, 128]])
def test_valid_affine_shapes_pass(device, affine_shape):
    x = to_tt(rand(1, 1, 64, 128), device)
    g = to_tt(rand(*affine_shape), device)
    b = to_tt(rand(*affine_shape), device)
    _C.validate(attrs(), _C.TensorArgs(desc([1, 1, 64, 128]), desc(affine_shape), desc(affine_shape)))
    # The public path converts the ttnn tensors and validates the same way (without building a program).
    from layernorm_fused_rm._op import _Prepared

    _Prepared(x, g, b, 1e-5, None, None)


# --------------------------------------------------------------------------------------------- input tensor


def test_layout_not_row_major(device):
    x = to_tt(rand(1, 1, 64, 128), device, layout=ttnn.TILE_LAYOUT)
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(x), "input_tensor", "layout", "ROW_MAJOR", "TILE")


def test_layout_not_row_major_cpp():
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(desc([64, 128], layout=_C.Layout.TILE))),
                "input_tensor", "ROW_MAJOR", "got TILE")


def test_fp32_input_needs_fp32_dest(device):
    x = to_tt(torch.randn(1, 1, 64, 128), device, dtype=ttnn.float32)
    cfg = _C.ComputeConfigDescriptor(fp32_dest_acc_en=False)
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(x, compute_kernel_config=cfg), "FLOAT32 input_tensor",
                "fp32_dest_acc_en = True", "got fp32_dest_acc_en = False")


@pytest.mark.parametrize("dtype", [_C.DType.BFLOAT8_B, _C.DType.UINT32, _C.DType.INT32, _C.DType.UINT16])
def test_dtype_unsupported_cpp(dtype):
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(desc([64, 128], dtype=dtype))),
                "input_tensor", "BFLOAT16 or FLOAT32", "got " + _C.to_string(dtype))


def test_output_dtype_unsupported():
    x = to_tt(torch.randn(64, 128), None)
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(x, dtype=ttnn.uint32), "dtype (output)",
                "ttnn.bfloat16 or ttnn.float32", "UINT32")


def test_rank_zero():
    x = ttnn.from_torch(torch.tensor(3.0, dtype=torch.bfloat16), layout=ttnn.ROW_MAJOR_LAYOUT)
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(x), "input_tensor", "rank", "got rank 0")
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(desc([]))), "input_tensor", "rank 0")


@pytest.mark.parametrize("shape,dim", [([0, 64], 0), ([2, 0, 64], 1), ([2, 32, 0], 2)])
def test_zero_dim(shape, dim):
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(desc(shape))),
                "input_tensor", "> 0", f"got 0 at dim {dim}")


def test_zero_dim_public():
    x = ttnn.from_torch(torch.zeros(0, 64, dtype=torch.bfloat16), layout=ttnn.ROW_MAJOR_LAYOUT)
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(x), "input_tensor", "> 0", "got 0 at dim 0")


def test_input_sharded_cpp():
    mc = _C.MemoryConfig(_C.TensorMemoryLayout.HEIGHT_SHARDED, _C.BufferType.L1)
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(desc([64, 128], memory_config=mc))),
                "input_tensor", "INTERLEAVED", "HEIGHT_SHARDED")


def test_input_l1_interleaved_is_fine():
    mc = _C.MemoryConfig(_C.TensorMemoryLayout.INTERLEAVED, _C.BufferType.L1)
    _C.validate(attrs(), _C.TensorArgs(desc([64, 128], memory_config=mc)))


# --------------------------------------------------------------------------------------------- gamma / beta


@pytest.mark.parametrize("which", ["gamma", "beta"])
def test_affine_volume(device, which):
    x = to_tt(rand(1, 1, 64, 128), device)
    p = to_tt(rand(1, 64), device)
    kw = {which: p}
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(x, **kw), which, "volume", "W = 128", "[1, 64]",
                "volume 64")


@pytest.mark.parametrize("which", ["gamma", "beta"])
def test_affine_dtype(device, which):
    x = to_tt(rand(1, 1, 64, 128), device)
    p = to_tt(torch.randint(0, 5, (128,), dtype=torch.int32), device, dtype=ttnn.uint32)
    kw = {which: p}
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(x, **kw), which, "dtype", "BFLOAT16 or FLOAT32",
                "UINT32")


@pytest.mark.parametrize("which", ["gamma", "beta"])
def test_affine_dtype_must_match_input_cpp(which):
    # The C++ op (and so the device path) takes gamma/beta in the input's dtype; the Python API converts
    # host tensors of the other float dtype once.
    kw = {which: desc([128], dtype=_C.DType.FLOAT32)}
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(desc([64, 128]), **kw)), which,
                "dtype must equal input_tensor's", "BFLOAT16", "got FLOAT32")


@pytest.mark.parametrize("which", ["gamma", "beta"])
def test_affine_layout_cpp(which):
    kw = {which: desc([128], layout=_C.Layout.TILE)}
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(desc([64, 128]), **kw)), which,
                "layout", "ROW_MAJOR", "TILE")


@pytest.mark.parametrize("which", ["gamma", "beta"])
def test_affine_last_dim_not_w(which):
    kw = {which: desc([128, 1])}
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(desc([64, 128]), **kw)), which,
                "last dim must be W = 128", "[128, 1]")


@pytest.mark.parametrize("which", ["gamma", "beta"])
def test_affine_sharded_cpp(which):
    mc = _C.MemoryConfig(_C.TensorMemoryLayout.WIDTH_SHARDED, _C.BufferType.L1)
    kw = {which: desc([128], memory_config=mc)}
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(desc([64, 128]), **kw)),
                which, "INTERLEAVED", "WIDTH_SHARDED")


@pytest.mark.parametrize("which", ["gamma", "beta"])
def test_affine_not_a_ttnn_tensor(which):
    x = ttnn.from_torch(rand(1, 1, 64, 128), layout=ttnn.ROW_MAJOR_LAYOUT)
    kw = {which: rand(128)}
    raises_with(TypeError, lambda: ttnn.layernorm_fused_rm(x, **kw), which, "ttnn.Tensor", "torch.Tensor")


def test_input_not_a_ttnn_tensor():
    raises_with(TypeError, lambda: ttnn.layernorm_fused_rm(rand(1, 1, 64, 128)), "input_tensor", "ttnn.Tensor",
                "torch.Tensor")
    raises_with(TypeError, lambda: lf.create_program_descriptor([1.0] * 32), "input_tensor", "ttnn.Tensor", "list")


# --------------------------------------------------------------------------------------------- devices


@pytest.mark.parametrize("which", ["gamma", "beta"])
def test_affine_on_other_device_cpp(which):
    x = desc([64, 128], on_device=True, device_id=0)
    kw = {which: desc([128], on_device=True, device_id=1)}
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(x, **kw)),
                which, "same device", "expected device 0", "got device 1")


@pytest.mark.parametrize("which", ["gamma", "beta"])
def test_affine_host_vs_device_cpp(which):
    x = desc([64, 128])  # host
    kw = {which: desc([128], on_device=True, device_id=0)}
    raises_with(ValueError, lambda: _C.validate(attrs(), _C.TensorArgs(x, **kw)),
                which, "same device", "expected host", "got device 0")


def test_affine_on_same_device_is_fine():
    x = desc([64, 128], on_device=True, device_id=3)
    _C.validate(attrs(), _C.TensorArgs(x, desc([128], on_device=True, device_id=3),
                                       desc([1, 128], on_device=True, device_id=3)))


# --------------------------------------------------------------------------------------------- eps


@pytest.mark.parametrize("eps", [0.0, -1e-5, float("nan"), float("inf"), -float("inf")])
def test_eps_public(device, eps):
    x = to_tt(rand(1, 1, 64, 128), device)
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(x, eps=eps), "eps", "finite", "> 0", f"got {eps!r}")


@pytest.mark.parametrize("eps", [0.0, -1.0, float("nan"), float("inf")])
def test_eps_cpp(eps):
    msg = raises_with(ValueError, lambda: _C.validate(attrs(eps=eps), _C.TensorArgs(desc([64, 128]))),
                      "eps", "finite", "> 0", "got")
    got = msg.rsplit("got ", 1)[1].strip().lower()
    if math.isnan(eps):
        assert "nan" in got
    elif math.isinf(eps):
        assert "inf" in got
    else:
        assert float(got) == eps


def test_eps_type():
    x = ttnn.from_torch(rand(1, 1, 64, 128), layout=ttnn.ROW_MAJOR_LAYOUT)
    raises_with(TypeError, lambda: ttnn.layernorm_fused_rm(x, eps="1e-5"), "eps", "float", "str")


# --------------------------------------------------------------------------------------------- output memory


def test_output_memory_config_sharded(device):
    x = to_tt(rand(1, 1, 64, 128), device)
    mc = ttnn.MemoryConfig(ttnn.TensorMemoryLayout.HEIGHT_SHARDED, ttnn.BufferType.L1)
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(x, memory_config=mc), "memory_config", "INTERLEAVED",
                "HEIGHT_SHARDED")


@pytest.mark.parametrize("layout", [_C.TensorMemoryLayout.HEIGHT_SHARDED, _C.TensorMemoryLayout.BLOCK_SHARDED])
def test_output_memory_config_sharded_cpp(layout):
    a = attrs(output_memory_config=_C.MemoryConfig(layout, _C.BufferType.L1))
    raises_with(ValueError, lambda: _C.validate(a, _C.TensorArgs(desc([64, 128]))), "memory_config",
                "INTERLEAVED", _C.to_string(layout))


def test_memory_config_type():
    x = ttnn.from_torch(rand(1, 1, 64, 128), layout=ttnn.ROW_MAJOR_LAYOUT)
    raises_with(TypeError, lambda: ttnn.layernorm_fused_rm(x, memory_config="DRAM"), "memory_config",
                "ttnn.MemoryConfig", "str")


# --------------------------------------------------------------------------------------------- L1 capacity


def _args_with_affine(w):
    # gamma and beta given: their CBs take Wt tiles each (the largest L1 the program needs for W).
    return _C.TensorArgs(desc([32, w]), desc([w]), desc([w]))


def _l1_limits(arch_name):
    arch = _C.ArchParams.by_name(arch_name)
    free = arch.l1_size - arch.l1_unreserved_base
    tile = 2048  # bf16 tile bytes
    # 8 row CBs of Wt tiles, scaler and eps, 3 statistics tiles (bf16 with the default 16-bit DEST).
    wt_max = (free - 5 * tile) // (8 * tile)  # largest Wt with (8*Wt + 5)*tile <= free
    assert (8 * wt_max + 5) * tile <= free < (8 * (wt_max + 1) + 5) * tile
    return arch, free, wt_max


@pytest.mark.parametrize("arch_name", ["wormhole_b0", "blackhole"])
def test_cb_bytes_formula(arch_name):
    for w in (32, 128, 1024):
        assert _C.row_resident_cb_bytes(w, _C.DType.BFLOAT16) == (8 * (w // 32) + 5) * 2048
        # fp32 DEST: the mean, variance and inverse-std CBs hold Float32 tiles (4096 B).
        fp32_dest = _C.ComputeConfigDescriptor(fp32_dest_acc_en=True)
        assert _C.row_resident_cb_bytes(w, _C.DType.BFLOAT16, fp32_dest) == (8 * (w // 32) + 2) * 2048 + 3 * 4096


@pytest.mark.parametrize("arch_name", ["wormhole_b0", "blackhole"])
def test_widest_row_that_fits_passes(arch_name):
    _, _, wt_max = _l1_limits(arch_name)
    _C.validate(attrs(arch=arch_name), _args_with_affine(32 * wt_max))


@pytest.mark.parametrize("arch_name", ["wormhole_b0", "blackhole"])
def test_row_too_wide_for_l1_when_row_resident_is_forced(arch_name):
    arch, free, wt_max = _l1_limits(arch_name)
    w = 32 * (wt_max + 1)
    need = (8 * (wt_max + 1) + 5) * 2048
    forced = attrs(arch=arch_name)
    forced.program_factory = _C.program_factory_name()
    raises_with(RuntimeError, lambda: _C.validate(forced, _args_with_affine(w)),
                "input_tensor", f"W = {w}", str(need), f"at most {free}", arch.name, "row-resident",
                "streaming program")


@pytest.mark.parametrize("arch_name", ["wormhole_b0", "blackhole"])
def test_row_too_wide_for_l1_selects_streaming(arch_name):
    _, _, wt_max = _l1_limits(arch_name)
    a = attrs(arch=arch_name, core_grid=_C.CoreCoord(1, 1))  # one core: no W-split, the L1 rule alone decides
    _C.validate(a, _args_with_affine(32 * (wt_max + 1)))
    assert _C.select_program_factory(a, _args_with_affine(32 * (wt_max + 1))) == _C.STREAMING_PROGRAM_FACTORY
    assert _C.select_program_factory(a, _args_with_affine(32 * wt_max)) == _C.program_factory_name()


@pytest.mark.parametrize("arch_name", ["wormhole_b0", "blackhole"])
def test_row_too_wide_for_l1_selects_the_fastest_program_that_fits(arch_name):
    # The full grid: the program with the lowest modelled time among those that fit L1 (not row-resident, whose
    # CBs do not fit) and keep the numerics (attrs() has a 16-bit DEST: the FPU kernels, whose bounds the W-split
    # keeps). Wormhole: Wt = 85 splits over S = 5 cores, a W-split that beats the streaming program's three
    # reads; Blackhole: Wt = 89 is prime (no rectangle of 89 cores), so streaming is all there is.
    _, _, wt_max = _l1_limits(arch_name)
    a, args = attrs(arch=arch_name), _args_with_affine(32 * (wt_max + 1))
    cands = _C.model.candidates(a, args)
    assert _C.program_factory_name() not in {c["factory"] for c in cands}
    assert _C.select_program_factory(a, args) == cands[0]["factory"]
    # the lowest modelled time, or a one-read program within the model's error of a faster streaming one
    best = min(cands, key=lambda c: c["us"])
    assert cands[0] == best or (best["factory"] == _C.STREAMING_PROGRAM_FACTORY and
                                cands[0]["us"] <= best["us"] * (1 + _C.model.MODEL_ERROR))
    wsplit = {"wormhole_b0": (_C.WSPLIT_PROGRAM_FACTORY, 5), "blackhole": (_C.STREAMING_PROGRAM_FACTORY, 1)}
    assert (cands[0]["factory"], cands[0]["split"]) == wsplit[arch_name]
    _C.validate(a, args)


def test_unknown_program_factory_is_rejected():
    a = attrs()
    a.program_factory = "NoSuchFactory"
    raises_with(ValueError, lambda: _C.validate(a, _C.TensorArgs(desc([32, 64]))),
                "program_factory", "NoSuchFactory", _C.STREAMING_PROGRAM_FACTORY)
