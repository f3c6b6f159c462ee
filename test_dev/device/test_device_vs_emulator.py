# SPDX-License-Identifier: Apache-2.0
"""Device vs emulator: the same call on a Tenstorrent device (ttnn.generic_op) and on the host emulator.

Runs only where the `device` fixture can open a device; elsewhere every test skips with "no Tenstorrent device".
Both outputs are also compared with torch in float64 (the ground truth of the stage-7 gates); the device and the
emulator are expected to agree closely, not bit for bit (the emulator documents where its numerics differ).
"""

from __future__ import annotations

import pytest
import torch
import ttnn
from _compare import report

import layernorm_fused_rm as lf

CASES = [
    ([1, 1, 32, 64], True),
    ([2, 50, 320], True),
    ([1, 1, 256, 1024], False),
]


@pytest.fixture
def tt_device(device):
    if device is None:
        pytest.skip("no Tenstorrent device")
    return device


@pytest.mark.parametrize("shape,affine", CASES, ids=[f"{'x'.join(map(str, s))}-{'affine' if a else 'plain'}" for s, a in CASES])
def test_device_matches_emulator(tt_device, shape, affine):
    torch.manual_seed(1)
    w = shape[-1]
    x = torch.randn(shape, dtype=torch.bfloat16) * 3 + 0.5
    g = torch.randn(w, dtype=torch.bfloat16) if affine else None
    b = torch.randn(w, dtype=torch.bfloat16) if affine else None

    def tt(t, dev):
        if t is None:
            return None
        kw = {"device": dev} if dev is not None else {}
        return ttnn.from_torch(t, dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT, **kw)

    on_device = ttnn.to_torch(lf.layernorm_fused_rm(tt(x, tt_device), tt(g, tt_device), tt(b, tt_device), eps=1e-5))
    on_host = ttnn.to_torch(lf.layernorm_fused_rm(tt(x, None), tt(g, None), tt(b, None), eps=1e-5))
    ref = lf.golden(x, g, b, eps=1e-5)

    dev_vs_emu = report(on_device, on_host.double())
    dev_vs_ref = report(on_device, ref)
    assert on_device.shape == on_host.shape == x.shape
    assert dev_vs_ref["pcc"] >= 0.9999, dev_vs_ref
    assert dev_vs_emu["pcc"] >= 0.99999, dev_vs_emu
    torch.testing.assert_close(on_device.double(), on_host.double(), rtol=2e-2, atol=3e-2)
