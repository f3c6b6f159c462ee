"""Bad inputs (issue 13, item 3): each gets a TypeError / ValueError / RuntimeError naming the argument (or the
environment variable), what was expected and what was given; numpy and torch scalars work where a Python
float / int / bool does. The property test throws random Python values of every kind at every argument."""

from __future__ import annotations

import types

import numpy as np
import pytest
import torch
import ttnn
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import layernorm_fused_rm
from _compare import error_bound
from test_stage2_validation import raises_with

TT = {torch.bfloat16: ttnn.bfloat16, torch.float32: ttnn.float32}
FLT_MIN = 1.17549435e-38  # smallest normal float32
W = 32


def _host(t, dtype=torch.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT):
    return ttnn.from_torch(t.to(dtype), dtype=TT[dtype], layout=layout)


def _xgb(rows=32, w=W, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(rows, w, generator=g) * 2 + 1).to(torch.bfloat16), (torch.rand(w, generator=g) + 0.5).to(
        torch.bfloat16), torch.randn(w, generator=g).to(torch.bfloat16)


def _bits(t: ttnn.Tensor) -> torch.Tensor:
    return ttnn.to_torch(t).contiguous().view(torch.int16)


# --------------------------------------------------------------------------------------------- the table


@pytest.mark.parametrize("eps", [1e-45, 1e-39, 0.0, -1e-5, float("nan"), float("inf"), 1e39, 10**400])
def test_eps_must_be_a_finite_normal_float32(eps):
    x, _, _ = _xgb()
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(_host(x), eps=eps), "eps", "got")


def test_subnormal_eps_names_the_normal_range():
    x, _, _ = _xgb()
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(_host(x), eps=1e-45), "eps", "normal", "1.17549435e-38")


def test_smallest_normal_eps_is_accepted():
    x, g, b = _xgb()
    y = ttnn.to_torch(ttnn.layernorm_fused_rm(_host(x), _host(g), _host(b), eps=FLT_MIN)).double()
    ref = layernorm_fused_rm.golden(x, g, b, eps=FLT_MIN)
    assert ((y - ref).abs() <= error_bound(x, g, b, eps=FLT_MIN)).all()


@pytest.mark.parametrize("eps", [np.float32(1e-3), np.float64(1e-3), np.float16(1e-3), torch.tensor(1e-3),
                                 torch.tensor(1e-3, dtype=torch.float64), np.array(1e-3), np.int64(1), 1],
                         ids=lambda v: f"{type(v).__module__}.{type(v).__name__}")
def test_numpy_and_torch_scalars_are_accepted_as_eps(eps):
    x, g, b = _xgb()
    y = ttnn.layernorm_fused_rm(_host(x), _host(g), _host(b), eps=eps)
    ref = ttnn.layernorm_fused_rm(_host(x), _host(g), _host(b), eps=float(eps))
    assert torch.equal(_bits(y), _bits(ref))


@pytest.mark.parametrize("eps", ["1e-5", b"1", [1e-5], torch.tensor([1e-5, 1e-5]), torch.tensor(1 + 1j), True, None])
def test_eps_of_another_type_is_a_type_error(eps):
    x, _, _ = _xgb()
    raises_with(TypeError, lambda: ttnn.layernorm_fused_rm(_host(x), eps=eps), "eps", "got")


@pytest.mark.parametrize("value", ["no", 1, 0, None, "True", np.array([True])])
def test_return_stats_must_be_a_bool(value):
    x, _, _ = _xgb()
    raises_with(TypeError, lambda: ttnn.layernorm_fused_rm(_host(x), return_stats=value), "return_stats", "bool", "got")


def test_numpy_bool_return_stats_is_accepted():
    x, _, _ = _xgb()
    out = ttnn.layernorm_fused_rm(_host(x), return_stats=np.bool_(True))
    assert isinstance(out, tuple) and isinstance(out[1], dict)
    assert isinstance(ttnn.layernorm_fused_rm(_host(x), return_stats=np.bool_(False)), ttnn.Tensor)


# ttnn objects are built inside the tests: nanobind reports instances still alive at interpreter exit as leaks.
@pytest.mark.parametrize("kind,gx,gy", [("ttnn", 2**33, 1), ("ttnn", 1, 2**40), ("ns", -1, 1), ("ns", 10**30, 1)])
def test_core_grid_beyond_32_bits_is_refused_before_any_binding_call(kind, gx, gy):
    """Sizes the C++ CoreCoord cannot hold: Python's conversion refuses them (TypeError, the values given)."""
    grid = ttnn.CoreGrid(x=gx, y=gy) if kind == "ttnn" else types.SimpleNamespace(x=gx, y=gy)
    x, _, _ = _xgb()
    msg = raises_with(TypeError, lambda: ttnn.layernorm_fused_rm(_host(x), core_grid=grid), "core_grid",
                  "unsigned 32-bit", f"got x={grid.x!r}, y={grid.y!r}")
    assert "incompatible function arguments" not in msg


@pytest.mark.parametrize("gx,gy", [(0, 1), (1, 9), (9, 1)])
def test_core_grid_outside_the_arch_grid_is_a_value_error(gx, gy):
    grid = ttnn.CoreGrid(x=gx, y=gy)
    x, _, _ = _xgb()
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(_host(x), core_grid=grid), "core_grid",
            f"got x={grid.x}, y={grid.y}")


@pytest.mark.parametrize("grid", [types.SimpleNamespace(x=1.5, y=1), types.SimpleNamespace(x="2", y=1),
                                  types.SimpleNamespace(x=True, y=1), (2, 2)], ids=str)
def test_core_grid_of_another_type_is_a_type_error(grid):
    x, _, _ = _xgb()
    raises_with(TypeError, lambda: ttnn.layernorm_fused_rm(_host(x), core_grid=grid), "core_grid", "got")


def test_numpy_ints_in_core_grid_are_accepted():
    x, g, b = _xgb(rows=96)
    grid = types.SimpleNamespace(x=np.int64(2), y=torch.tensor(1))
    y = ttnn.layernorm_fused_rm(_host(x), _host(g), _host(b), core_grid=grid)
    ref = ttnn.layernorm_fused_rm(_host(x), _host(g), _host(b), core_grid=ttnn.CoreGrid(y=1, x=2))
    assert torch.equal(_bits(y), _bits(ref))


def test_arch_variable_is_named(monkeypatch):
    x, _, _ = _xgb()
    monkeypatch.setenv("LAYERNORM_FUSED_RM_ARCH", "garbage")
    raises_with(ValueError, lambda: ttnn.layernorm_fused_rm(_host(x)), "LAYERNORM_FUSED_RM_ARCH", "'garbage'",
            "wormhole_b0", "blackhole")


@pytest.mark.parametrize("dtype", ["FLOAT32", "bfloat16", 0, torch.float32, ttnn.Layout.TILE])
def test_output_dtype_of_another_type_is_a_type_error(dtype):
    x, _, _ = _xgb()
    raises_with(TypeError, lambda: ttnn.layernorm_fused_rm(_host(x), dtype=dtype), "dtype", "got")


# --------------------------------------------------------------------------------------------- property test

ARGS = ["input_tensor", "gamma", "beta", "eps", "memory_config", "compute_kernel_config", "core_grid",
        "program_factory", "dtype", "return_stats"]


def _tensor(shape, dtype, layout, seed):
    t = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
    if dtype in ("bfloat16", "float32"):
        return ttnn.from_torch(t, dtype=getattr(ttnn, dtype), layout=layout)
    return ttnn.from_torch((t * 10).to(torch.int32), dtype=ttnn.int32, layout=layout)


_tensors = st.builds(
    _tensor,
    st.sampled_from([(32, W), (W,), (1, W), (1, 1, 1, W), (2, W), (W + 1,), (3, 5, W), (7, 64), (1,), (0, W), ()]),
    st.sampled_from(["bfloat16", "float32", "int32"]),
    st.just(ttnn.ROW_MAJOR_LAYOUT),  # a TILE host tensor of these shapes needs a (mock) cluster: test_stage2 has them
    st.integers(0, 3),
)
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(),
    st.floats(min_value=1e-7, max_value=1.0), st.text(max_size=6), st.binary(max_size=4),
    st.builds(np.float32, st.floats(width=32)), st.builds(np.float64, st.floats()),
    st.builds(np.int64, st.integers(-(2**63), 2**63 - 1)), st.builds(np.bool_, st.booleans()),
    st.builds(lambda v: torch.tensor(v), st.floats(width=32)), st.builds(lambda v: torch.tensor(v), st.integers(-9, 9)),
    st.lists(st.integers(), max_size=3), st.tuples(st.integers(0, 9), st.integers(0, 9)),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_ttnn_things = st.sampled_from([
    lambda: ttnn.bfloat16, lambda: ttnn.float32, lambda: ttnn.uint32, lambda: ttnn.bfloat8_b,
    lambda: ttnn.ROW_MAJOR_LAYOUT, lambda: ttnn.TILE_LAYOUT, lambda: ttnn.DRAM_MEMORY_CONFIG,
    lambda: ttnn.L1_MEMORY_CONFIG, lambda: ttnn.L1_WIDTH_SHARDED_MEMORY_CONFIG, lambda: ttnn.MathFidelity.HiFi2,
    lambda: ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=True),
    lambda: ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.LoFi, fp32_dest_acc_en=False),
    lambda: "LayerNormFusedRMProgramFactory", lambda: "LayerNormFusedRMStreamingProgramFactory", lambda: "",
]).map(lambda make: make())
_grids = st.one_of(
    st.builds(lambda x, y: ttnn.CoreGrid(x=x, y=y), st.integers(0, 2**34), st.integers(0, 2**34)),
    st.builds(lambda x, y: ttnn.CoreGrid(x=x, y=y), st.integers(1, 9), st.integers(1, 9)),
    st.builds(types.SimpleNamespace, x=_scalars, y=st.integers(1, 3)),
)
_values = st.one_of(_scalars, _ttnn_things, _tensors, _grids)
_reals = st.one_of(st.floats(), st.floats(min_value=1e-7, max_value=1.0), st.builds(np.float32, st.floats(width=32)),
                   st.builds(lambda v: torch.tensor(v), st.floats(width=32)), st.integers(-3, 3))
# Per argument: values of roughly the right kind (half the draws), so that many calls get past the type check.
_RELEVANT = {
    "input_tensor": _tensors, "gamma": _tensors, "beta": _tensors, "eps": _reals,
    "memory_config": _ttnn_things, "compute_kernel_config": _ttnn_things, "dtype": _ttnn_things,
    "program_factory": _ttnn_things, "core_grid": _grids,
    "return_stats": st.one_of(st.booleans(), st.builds(np.bool_, st.booleans())),
}


def _as_torch(t):
    return ttnn.to_torch(t).to(torch.float64) if isinstance(t, ttnn.Tensor) else None


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_value_for_any_argument_is_a_named_error_or_a_right_result(data):
    arg = data.draw(st.sampled_from(ARGS), label="argument")
    relevant = data.draw(st.booleans(), label="of the argument's kind")  # st.one_of would flatten into _values
    value = data.draw(_RELEVANT[arg] if relevant else _values, label="value")
    x, g, b = _xgb()
    kwargs = {"input_tensor": _host(x), "gamma": _host(g), "beta": _host(b), "eps": 1e-5, "return_stats": False}
    kwargs[arg] = value
    try:
        out = ttnn.layernorm_fused_rm(**kwargs)
    except (TypeError, ValueError, RuntimeError) as e:
        msg = str(e)
        event(f"{arg}: {type(e).__name__}")
        assert arg in msg, f"{arg}={value!r}: {type(e).__name__} does not name the argument: {msg}"
        assert "incompatible function arguments" not in msg, msg
        assert "got" in msg or "expected" in msg, f"{arg}={value!r}: what was given? {msg}"
        return
    event(f"{arg}: result")
    y = out[0] if isinstance(out, tuple) else out
    assert isinstance(out, tuple) == bool(kwargs["return_stats"])
    xin = _as_torch(kwargs["input_tensor"])
    gin, bin_ = _as_torch(kwargs["gamma"]), _as_torch(kwargs["beta"])
    eps = float(kwargs["eps"])
    ref = layernorm_fused_rm.golden(xin, gin, bin_, eps=eps)
    got = ttnn.to_torch(y).to(torch.float64)
    assert got.shape == ref.shape
    bound = error_bound(ttnn.to_torch(kwargs["input_tensor"]), ttnn.to_torch(kwargs["gamma"]) if gin is not None else None,
                        ttnn.to_torch(kwargs["beta"]) if bin_ is not None else None, eps=eps)
    if arg == "dtype" or arg == "compute_kernel_config":  # another output rounding / fidelity: 2 more bf16 ULPs
        bound = bound + 2.0 ** -7 * ref.abs()
    if arg == "compute_kernel_config":
        # Another math fidelity: each of the kernel's two FPU multiplies of the output (normalize, gamma) may be off
        # by that fidelity's worst per-multiply error on bf16 operands with a 16-bit DEST, in bf16 ULPs of the
        # product, as the emulator models fidelity from the ISA (ELWMUL.md / SrcASrcB.md phases; measured by
        # test_dev/emulator/test_fidelity_sfpu.py): LoFi 14.2, HiFi2 2.8, HiFi3 and HiFi4 1.4. Of the row scale:
        fidelity = value.math_fidelity.name if value is not None else "HiFi4"  # None: the op's default, HiFi4
        per_multiply = {"LoFi": 14.2, "HiFi2": 2.8, "HiFi3": 1.4, "HiFi4": 1.4}[fidelity]
        scale = ref.abs().amax(dim=-1, keepdim=True)
        bound = bound + 2 * per_multiply * torch.exp2(torch.floor(torch.log2(scale)) - 7)
    assert ((got - ref).abs() <= bound).all(), (arg, value, float((got - ref).abs().max()))
