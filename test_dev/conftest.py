# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures. `device` is a real Tenstorrent device when one can be opened, else None: the same test
body then runs on the device path or the host (emulator) path."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm  # noqa: F401  (registers ttnn.layernorm_fused_rm)


@pytest.fixture(scope="session")
def device():
    """ttnn device 0, opened once per session; None when no Tenstorrent device can be opened."""
    try:
        dev = ttnn.open_device(device_id=0)
    except Exception:  # no device on this machine (e.g. "sfpi not found")
        yield None
        return
    try:
        yield dev
    finally:
        ttnn.close_device(dev)


def to_tt(t: torch.Tensor, device, *, dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT, memory_config=None):
    """torch -> ttnn tensor, on `device` when it is not None, else a host tensor."""
    kwargs = {}
    if device is not None:
        kwargs["device"] = device
        if memory_config is not None:
            kwargs["memory_config"] = memory_config
    return ttnn.from_torch(t, dtype=dtype, layout=layout, **kwargs)
