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


def pytest_collection_modifyitems(session, config, items):
    """Run the staged gates first, stage 1 to stage 7 in order, then the other tests (file order kept)."""

    def stage(item) -> int:
        name = item.path.name
        if name.startswith("test_stage") and name[len("test_stage")].isdigit():
            return int(name[len("test_stage")])
        return 100

    items.sort(key=stage)  # stable: keeps the order inside each file
