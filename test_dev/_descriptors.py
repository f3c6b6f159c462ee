# SPDX-License-Identifier: Apache-2.0
"""Shared by test_dev/device/test_device_descriptor.py and the stage-7 gate: one configuration dict -> this op's
program descriptor (``layernorm_fused_rm.create_program_descriptor``), built over zero input, ones gamma and zeros
beta host tensors. A test-dev helper module (like ``_compare.py``), importable from every test folder because pytest
puts ``test_dev`` on ``sys.path`` for the staged gates at its top level."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm as lf
from layernorm_fused_rm import _C

_DTYPES = {"bfloat16": (torch.bfloat16, ttnn.bfloat16, 5), "float32": (torch.float32, ttnn.float32, 0)}


def program(cfg):
    """cfg: {"name", "shape", optional "dtype" ("bfloat16" | "float32"), "affine" ("both" | "gamma" | "beta" |
    "none"), "compute" (ComputeConfigDescriptor fields, "math_fidelity" by name), "core_grid" [y, x],
    "program_factory" ("resident" | "streaming" | "wsplit"), "wsplit" (cores per tile-row)}. Returns the
    ProgramDescriptor; skips the calling test with validation's message when the op rejects the configuration."""
    tdt, dt, _ = _DTYPES[cfg.get("dtype", "bfloat16")]
    w = cfg["shape"][-1]
    x = ttnn.from_torch(torch.zeros(cfg["shape"], dtype=tdt), dtype=dt, layout=ttnn.ROW_MAJOR_LAYOUT)
    g = ttnn.from_torch(torch.ones(w, dtype=tdt), dtype=dt, layout=ttnn.ROW_MAJOR_LAYOUT)
    b = ttnn.from_torch(torch.zeros(w, dtype=tdt), dtype=dt, layout=ttnn.ROW_MAJOR_LAYOUT)
    affine = cfg.get("affine", "both")
    g = g if affine in ("both", "gamma") else None
    b = b if affine in ("both", "beta") else None
    cc = None
    if "compute" in cfg:
        c = dict(cfg["compute"])
        cc = _C.ComputeConfigDescriptor(math_fidelity=getattr(_C.MathFidelity, c.pop("math_fidelity", "HiFi4")), **c)
    extra = {}
    if "core_grid" in cfg:
        extra["core_grid"] = ttnn.CoreGrid(y=cfg["core_grid"][0], x=cfg["core_grid"][1])
    if "program_factory" in cfg:
        extra["program_factory"] = {"resident": _C.program_factory_name(), "streaming": _C.STREAMING_PROGRAM_FACTORY,
                                    "wsplit": _C.WSPLIT_PROGRAM_FACTORY}[cfg["program_factory"]]
    if "wsplit" in cfg:
        extra["wsplit_cores_per_row"] = cfg["wsplit"]
    try:
        return lf.create_program_descriptor(x, g, b, eps=1e-5, compute_kernel_config=cc, **extra)
    except (ValueError, TypeError, RuntimeError) as e:
        pytest.skip(f"{cfg['name']}: rejected by validation: {e}")
