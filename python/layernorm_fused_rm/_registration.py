# SPDX-License-Identifier: Apache-2.0
"""Registers ``ttnn.layernorm_fused_rm`` through ttnn's own operation mechanism, with its golden function.

ttnn 0.81.1 ``ttnn/decorators.py``: ``register_python_operation(name=...)`` wraps a Python function in a
``FastOperation`` (``Operation`` when ``ttnn.CONFIG.enable_fast_runtime_mode`` is off), adds it to
``REGISTERED_OPERATIONS`` (what ``ttnn.query_registered_operations()`` lists) and sets it as the module
attribute; ``attach_golden_function`` is what ``ttnn.get_golden_function`` returns and what comparison mode
(``ttnn.CONFIG.enable_comparison_mode``) runs against the op's output (PCC >= ``comparison_mode_pcc``).
Pre/post operation hooks (``ttnn.register_pre_operation_hook`` / ``register_post_operation_hook``) and
graph capture run on the slow path, i.e. when fast runtime mode is off or comparison mode / logging is on.
"""

from __future__ import annotations

import inspect
from typing import Any

import torch
import ttnn
import ttnn.decorators

from . import _op

OPERATION_NAME = "ttnn.layernorm_fused_rm"

_TORCH_OF_TTNN = {"BFLOAT16": torch.bfloat16, "FLOAT32": torch.float32}


def golden_function(input_tensor: torch.Tensor, gamma: torch.Tensor | None = None, beta: torch.Tensor | None = None,
                    eps: float = 1e-5, *, dtype: Any = None, return_stats: bool = False, **_: Any) -> torch.Tensor:
    """The golden of ``ttnn.layernorm_fused_rm`` (what ``ttnn.get_golden_function`` returns).

    ``torch.nn.functional.layer_norm`` over the last dim computed in float64 (``_op.golden``), cast back.
    ttnn's comparison mode calls it with the op's arguments converted by
    ``ttnn.decorators.default_preprocess_golden_function_inputs`` (ttnn.Tensor -> torch.Tensor); the
    op-only keyword arguments (memory_config, compute_kernel_config, core_grid, program_factory) do not
    change the result and are ignored.

    Args:
        input_tensor: torch.Tensor [..., W], any float dtype.
        gamma, beta: None or torch.Tensor of W elements.
        eps: float > 0.
        dtype: None (the output has input_tensor's dtype) or ttnn.bfloat16 / ttnn.float32 / a torch dtype,
            as the op's ``dtype`` argument.
        return_stats: must be False: the emulator's run counters have no golden.

    Returns:
        torch.Tensor, the shape of input_tensor, dtype ``dtype`` or input_tensor's dtype.

    Raises:
        ValueError: return_stats is True, or dtype is not BFLOAT16 / FLOAT32.
    """
    if return_stats:
        raise ValueError("ttnn.layernorm_fused_rm golden: return_stats=True has no golden (the stats are emulator "
                         "run counters); call the op without return_stats to compare it")
    if dtype is None:
        out_dtype = input_tensor.dtype
    elif isinstance(dtype, torch.dtype):
        out_dtype = dtype
    else:
        name = getattr(dtype, "name", str(dtype).split(".")[-1])
        if name not in _TORCH_OF_TTNN:
            raise ValueError(f"ttnn.layernorm_fused_rm golden: dtype must be BFLOAT16 or FLOAT32, got {name}")
        out_dtype = _TORCH_OF_TTNN[name]
    return _op.golden(input_tensor, gamma, beta, eps).to(out_dtype)


def _registered(name: str) -> Any:
    for operation in ttnn.decorators.REGISTERED_OPERATIONS:
        if operation.python_fully_qualified_name == name:
            return operation
    return None


def register() -> Any:
    """Register ``_op.layernorm_fused_rm`` as ``ttnn.layernorm_fused_rm`` (once per process) and return it.

    The returned ttnn operation object is also bound as ``_op.layernorm_fused_rm`` so that the package
    function, ``_op``'s and ``ttnn``'s are one object. It keeps the function's docstring and, through
    ``__wrapped__``, its signature for ``inspect.signature``; the plain function stays at
    ``operation.function``.

    Returns:
        ttnn.decorators.FastOperation (or Operation when fast runtime mode is off at import).

    Raises:
        RuntimeError: another operation is already registered as ``ttnn.layernorm_fused_rm``.
    """
    existing = _registered(OPERATION_NAME)
    if existing is not None:
        if getattr(existing, "function", None) is not _raw_function():
            raise RuntimeError(f"{OPERATION_NAME} is already registered by {existing.function!r}")
        operation = existing
    else:
        operation = ttnn.register_python_operation(name=OPERATION_NAME, golden_function=golden_function)(
            _raw_function())
        operation.__wrapped__ = operation.function  # inspect.signature follows __wrapped__
        operation.__signature__ = inspect.signature(operation.function)
    ttnn.layernorm_fused_rm = operation
    _op.layernorm_fused_rm = operation
    return operation


def _raw_function():
    """The plain Python function of the op, before or after registration rebinds ``_op.layernorm_fused_rm``."""
    f = _op.layernorm_fused_rm
    return getattr(f, "function", f)
