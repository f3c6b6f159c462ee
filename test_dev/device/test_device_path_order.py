# SPDX-License-Identifier: Apache-2.0
"""The device path's order without a device (python/layernorm_fused_rm/_device.py run_on_device): validation first
(nothing converted or allocated for a refused call), then gamma/beta conversion on their device, output allocation,
and the program factory's override_runtime_arguments writing the real buffer addresses. ttnn's device calls are
replaced by recorders over host tensors: the real ones need a Tenstorrent device."""

from __future__ import annotations

import pytest
import torch
import ttnn

from layernorm_fused_rm import _C, _device


@pytest.fixture
def fake_device(monkeypatch):
    calls, addresses = [], {}

    def buffer_address(t):
        return addresses.setdefault(id(t), 0x10000 * (len(addresses) + 1))

    def to_layout(t, layout):
        calls.append(("to_layout", layout.name))
        return ttnn.from_torch(ttnn.to_torch(t), dtype=t.dtype, layout=layout)

    def typecast(t, dtype):
        calls.append(("typecast", dtype.name))
        return ttnn.from_torch(ttnn.to_torch(t).to(torch.bfloat16), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)

    def allocate(shape, dtype, layout, device, memory_config):
        calls.append(("allocate", dtype.name, memory_config.buffer_type.name))
        return ttnn.from_torch(torch.zeros(list(shape), dtype=torch.bfloat16), dtype=dtype, layout=layout)

    def generic_op(io_tensors, program):
        calls.append(("generic_op", [buffer_address(t) for t in io_tensors], program))
        return io_tensors[-1]

    monkeypatch.setattr(ttnn, "is_tensor_storage_on_device", lambda t: True)
    monkeypatch.setattr(ttnn.Tensor, "buffer_address", buffer_address)
    monkeypatch.setattr(ttnn, "to_layout", to_layout)
    monkeypatch.setattr(ttnn, "typecast", typecast)
    monkeypatch.setattr(ttnn, "allocate_tensor_on_device", allocate)
    monkeypatch.setattr(ttnn, "generic_op", generic_op)
    monkeypatch.setattr(_device, "accessor_args_of", lambda tensors: {r: [2, 256] for r in tensors})
    return calls


def _x():
    return ttnn.from_torch(torch.randn(64, 128).to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)


def _gamma_fp32_tile():
    return ttnn.from_torch(torch.ones(1, 128), dtype=ttnn.float32, layout=ttnn.TILE_LAYOUT)


def test_a_refused_call_converts_and_allocates_nothing(fake_device):
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        ttnn.layernorm_fused_rm(_x(), _gamma_fp32_tile(), None, eps=0.0)
    assert fake_device == []


def test_addresses_of_the_converted_gamma_and_the_output_reach_the_program(fake_device):
    ttnn.layernorm_fused_rm(_x(), _gamma_fp32_tile(), None, memory_config=ttnn.L1_MEMORY_CONFIG)
    steps = [c[0] for c in fake_device]
    assert steps == ["typecast", "to_layout", "allocate", "generic_op"], fake_device
    assert fake_device[0][1] == "BFLOAT16" and fake_device[1][1] == "ROW_MAJOR"
    assert fake_device[2][1:] == ("BFLOAT16", "L1")
    (_, io_addresses, program) = fake_device[-1]
    input_addr, gamma_addr, output_addr = io_addresses  # beta None stays absent
    reader, _, writer = program.kernels
    rt = [list(a) for a in _runtime_args_lists(reader)]
    wt = [list(a) for a in _runtime_args_lists(writer)]
    assert rt and wt
    assert {a[_C.reader_rt_args.input_addr] for a in rt} == {input_addr}
    assert {a[_C.reader_rt_args.gamma_addr] for a in rt} == {gamma_addr}
    assert {a[_C.reader_rt_args.beta_addr] for a in rt} == {0}
    assert {a[_C.writer_rt_args.output_addr] for a in wt} == {output_addr}


def _runtime_args_lists(kernel):
    """Per-core runtime args of a ttnn.KernelDescriptor, over its core ranges (RuntimeArgs indexed [x][y])."""
    out = []
    for r in kernel.core_ranges.ranges():
        for x in range(r.start.x, r.end.x + 1):
            for y in range(r.start.y, r.end.y + 1):
                out.append(kernel.runtime_args[x][y])
    return out
