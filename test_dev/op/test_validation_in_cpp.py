# SPDX-License-Identifier: Apache-2.0
"""Validation lives in C++ (issue 9, item 4): Python converts ttnn objects into the op's descriptions and raises
TypeError for wrong Python types only; every value rule is LayerNormFusedRMDeviceOperation::validate, run once per
call. The stage-2 gate checks each message through the public API; this file checks where each rule lives."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C, _op


def _host(t, dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT):
    return ttnn.from_torch(t, dtype=dtype, layout=layout)


def _x(shape=(64, 128)):
    return _host(torch.randn(*shape).to(torch.bfloat16))


ENUM_PAIRS = [(ttnn.DataType, _C.DType), (ttnn.Layout, _C.Layout), (ttnn.BufferType, _C.BufferType),
              (ttnn.TensorMemoryLayout, _C.TensorMemoryLayout), (ttnn.MathFidelity, _C.MathFidelity)]


@pytest.mark.parametrize("pair", ENUM_PAIRS, ids=[p[0].__name__ for p in ENUM_PAIRS])
def test_every_ttnn_enum_member_has_a_cpp_counterpart(pair):
    """So whatever the caller gives reaches validate, which accepts or refuses it (nothing is refused in Python)."""
    ttnn_enum, c_enum = pair
    for name in ttnn_enum.__members__:
        assert _op._c_enum(getattr(ttnn_enum, name), c_enum, ttnn_enum, "x").name == name


# Arguments with a bad VALUE, each: (kwargs for the call, fragments of the C++ message).
BAD_VALUES = {
    "eps_zero": ({"eps": 0.0}, ["eps must be a finite number > 0", "got 0.0"]),
    "eps_nan": ({"eps": float("nan")}, ["eps", "got nan"]),
    "output_dtype": ({"dtype": ttnn.uint32}, ["dtype (output)", "ttnn.bfloat16 or ttnn.float32", "got UINT32"]),
    "output_buffer_type": ({"memory_config": ttnn.MemoryConfig(ttnn.TensorMemoryLayout.INTERLEAVED,
                                                               ttnn.BufferType.L1_SMALL)},
                           ["memory_config (output) buffer type must be DRAM or L1, got L1_SMALL"]),
    "output_nd_sharded": ({"memory_config": ttnn.MemoryConfig(ttnn.TensorMemoryLayout.ND_SHARDED, ttnn.BufferType.L1)},
                          ["memory_config (output) memory layout must be INTERLEAVED", "got ND_SHARDED"]),
    "core_grid_zero": ({"core_grid": ttnn.CoreGrid(y=1, x=0)}, ["core_grid must have x >= 1 and y >= 1, got x=0, y=1"]),
    "core_grid_too_large": ({"core_grid": ttnn.CoreGrid(y=1, x=99)},
                            ["core_grid must fit the", "worker grid (x <= ", "got x=99, y=1"]),
    "math_fidelity": (
        {"compute_kernel_config": _C.ComputeConfigDescriptor(math_fidelity=_C.MathFidelity.Invalid)},
        ["compute_kernel_config.math_fidelity must be LoFi, HiFi2, HiFi3 or HiFi4, got Invalid"]),
    "gamma_dtype": ({"gamma": _host(torch.ones(128, dtype=torch.int32), dtype=ttnn.uint32)},
                    ["gamma dtype must be BFLOAT16 or FLOAT32, got UINT32"]),
    "beta_volume": ({"beta": _host(torch.ones(1, 64))}, ["beta must have volume W = 128", "[1, 64]"]),
    "program_factory": ({"program_factory": "NoSuchFactory"}, ["program_factory must be", "got \"NoSuchFactory\""]),
}


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_value_rules_are_not_checked_in_python_but_in_cpp_validate(case):
    kwargs, fragments = BAD_VALUES[case]
    gamma, beta = kwargs.pop("gamma", None), kwargs.pop("beta", None)
    kw = {"eps": 1e-5, "memory_config": None, "compute_kernel_config": None, **kwargs}
    p = _op._Prepared(_x(), gamma, beta, kw.pop("eps"), kw.pop("memory_config"), kw.pop("compute_kernel_config"),
                      kw.pop("core_grid", None), kw.pop("program_factory", None), kw.pop("dtype", None))
    with pytest.raises(ValueError) as info:
        _C.validate(p.attrs, p.tensor_args(), p.output)
    msg = str(info.value)
    assert msg.startswith("ttnn.layernorm_fused_rm: "), msg
    for frag in fragments:
        assert frag in msg, (frag, msg)


@pytest.mark.parametrize("bad", [ttnn.TILE_LAYOUT, "rank0", "zero_dim", "uint32"])
def test_input_value_rules_pass_python_conversion(bad):
    if bad == "rank0":
        x = ttnn.from_torch(torch.tensor(3.0, dtype=torch.bfloat16), layout=ttnn.ROW_MAJOR_LAYOUT)
    elif bad == "zero_dim":
        x = _host(torch.zeros(0, 64, dtype=torch.bfloat16))
    elif bad == "uint32":
        x = _host(torch.ones(32, 64, dtype=torch.int32), dtype=ttnn.uint32)
    else:
        x = _host(torch.randn(64, 64).to(torch.bfloat16), layout=bad)
    p = _op._Prepared(x, None, None, 1e-5, None, None)
    with pytest.raises(ValueError, match="^ttnn.layernorm_fused_rm: input_tensor"):
        _C.validate(p.attrs, p.tensor_args(), p.output)


def test_gamma_of_either_float_dtype_and_layout_is_accepted_when_the_caller_converts():
    attrs = _C.OperationAttributes(convert_affine=True)
    x = _C.TensorDesc(shape=[64, 128])
    for dtype in (_C.DType.BFLOAT16, _C.DType.FLOAT32):
        for layout in (_C.Layout.ROW_MAJOR, _C.Layout.TILE):
            _C.validate(attrs, _C.TensorArgs(x, _C.TensorDesc(shape=[128], dtype=dtype, layout=layout)))
    with pytest.raises(ValueError, match="gamma layout must be ROW_MAJOR or TILE, got INVALID"):
        _C.validate(attrs, _C.TensorArgs(x, _C.TensorDesc(shape=[128], layout=_C.Layout.INVALID)))
    # Without convert_affine the program's own form is required (the stage-2 gate checks those messages).
    with pytest.raises(ValueError, match="gamma layout must be ROW_MAJOR, got TILE"):
        _C.validate(_C.OperationAttributes(), _C.TensorArgs(x, _C.TensorDesc(shape=[128], layout=_C.Layout.TILE)))


@pytest.mark.parametrize("field,value,fragment", [
    ("shape", [64, 64], "output shape must equal the input_tensor shape [64, 128], got [64, 64]"),
    ("dtype", _C.DType.FLOAT32, "output dtype must be BFLOAT16, got FLOAT32"),
    ("layout", _C.Layout.TILE, "output layout must be ROW_MAJOR, got TILE"),
])
def test_output_is_checked_by_validate(field, value, fragment):
    out = _C.TensorDesc(shape=[64, 128])
    setattr(out, field, value)
    args = _C.TensorArgs(_C.TensorDesc(shape=[64, 128]))
    for call in (lambda: _C.validate(_C.OperationAttributes(), args, out),
                 lambda: _C.create_program_descriptor(_C.OperationAttributes(), args, out)):
        with pytest.raises(ValueError) as info:
            call()
        assert fragment in str(info.value)


@pytest.mark.parametrize("kwargs,fragment", [
    ({"dtype": "bfloat16"}, "dtype (output) must be a ttnn.DataType or None, got str"),
    ({"core_grid": type("Grid", (), {"x": -1, "y": 2})()}, "core_grid must be a ttnn.CoreGrid (x, y unsigned 32-bit ints)"),
    ({"compute_kernel_config": "HiFi4"}, "compute_kernel_config must be"),
    ({"program_factory": 3}, "program_factory must be a str or None, got int"),
])
def test_wrong_python_types_raise_type_error_in_python(kwargs, fragment):
    with pytest.raises(TypeError) as info:
        ttnn.layernorm_fused_rm(_x(), **kwargs)
    assert fragment in str(info.value)


class _Counting:
    def __init__(self, monkeypatch):
        self.calls = {"validate": 0, "create_program_descriptor": 0}
        for name in self.calls:
            real = getattr(_C, name)

            def wrapper(*a, _real=real, _name=name, **kw):
                self.calls[_name] += 1
                return _real(*a, **kw)

            monkeypatch.setattr(_C, name, wrapper)


def test_one_validation_per_call(monkeypatch):
    """A miss validates inside create_program_descriptor, a hit with validate: never both, never twice."""
    layernorm_fused_rm.clear_program_cache()
    counting = _Counting(monkeypatch)
    x = torch.randn(64, 96).to(torch.bfloat16)
    ttnn.layernorm_fused_rm(_host(x), _host(torch.ones(96)), None)
    assert counting.calls == {"validate": 0, "create_program_descriptor": 1}
    ttnn.layernorm_fused_rm(_host(x), _host(torch.ones(96)), None)
    assert counting.calls == {"validate": 1, "create_program_descriptor": 1}
    layernorm_fused_rm.create_program_descriptor(_host(x))
    assert counting.calls == {"validate": 1, "create_program_descriptor": 2}
    layernorm_fused_rm.clear_program_cache()


def test_a_refused_call_changes_no_cache_counter():
    layernorm_fused_rm.clear_program_cache()
    with pytest.raises(ValueError, match="eps"):
        ttnn.layernorm_fused_rm(_x(), eps=-1.0)
    stats = layernorm_fused_rm.program_cache_stats()
    assert {k: stats[k] for k in ("hits", "misses", "evictions", "entries")} == {"hits": 0, "misses": 0, "evictions": 0,
                                                                                 "entries": 0}


def test_wormhole_compute_kernel_config_defaults_run_with_the_op_default_fidelity():
    # ttnn.WormholeComputeKernelConfig() has math_fidelity=Invalid ("the op's default", as ttnn's ops read it) and
    # math_approx_mode=True: it runs, at HiFi4, with the 16-bit DEST it asks for.
    cfg = ttnn.WormholeComputeKernelConfig()
    assert cfg.math_fidelity == ttnn.MathFidelity.Invalid
    p = _op._Prepared(_x(), None, None, 1e-5, None, cfg)
    assert p.attrs.compute_config.math_fidelity == _C.MathFidelity.HiFi4
    assert p.attrs.compute_config.math_approx_mode and not p.attrs.compute_config.fp32_dest_acc_en
    x = torch.randn(64, 128).to(torch.bfloat16)
    y = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), compute_kernel_config=cfg)).double()
    ref = torch.nn.functional.layer_norm(x.double(), (128,))
    assert (y - ref).abs().max() < 8 * 2.0**-7 * ref.abs().max()  # README: 16-bit DEST, narrow centered rows
