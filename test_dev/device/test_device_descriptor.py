# SPDX-License-Identifier: Apache-2.0
"""Device path without a device: our descriptor -> real ``ttnn.ProgramDescriptor`` (python/layernorm_fused_rm/_device.py),
checked field by field through ttnn's own Python objects for several configurations.

TensorAccessorArgs: ``ttnn.TensorAccessorArgs(tensor)`` needs a tensor with device storage; without a Tenstorrent
device none can be made (even a mock-cluster device needs the SFPI compiler to build firmware when it opens).
So here the real call is shown to refuse host tensors, the factory's own accessor encoding is checked at the
offsets the device path replaces, and the splicing is checked with accessor arg lists of other lengths.
"""

from __future__ import annotations

import os

import pytest
import torch
import ttnn

import layernorm_fused_rm as lf
from _descriptors import program as _program
from layernorm_fused_rm import _C, _device

# Data-driven like the conformance table: configurations validation rejects are skipped with its message.
CONFIGS = [
    {"name": "bf16_w64_rows64", "shape": [1, 1, 64, 64]},
    {"name": "bf16_w320_rows150", "shape": [3, 50, 320], "program_factory": "resident"},
    {"name": "bf16_w1024_fp32acc_hifi2", "shape": [1, 1, 32, 1024],
     "compute": {"fp32_dest_acc_en": True, "math_fidelity": "HiFi2", "math_approx_mode": True}},
    {"name": "bf16_w128_rows2048_64cores", "shape": [1, 1, 2048, 128], "core_grid": [8, 8]},
    {"name": "bf16_w128_rows2048_1core", "shape": [1, 1, 2048, 128], "core_grid": [1, 1]},
    {"name": "bf16_w512_streaming", "shape": [1, 1, 64, 512], "program_factory": "streaming"},
    {"name": "bf16_w8192_streaming_64cores", "shape": [1, 1, 2048, 8192], "core_grid": [8, 8]},
    {"name": "bf16_w384_fullsync", "shape": [1, 1, 64, 384], "compute": {"dst_full_sync_en": True}},
    {"name": "fp32_w128", "shape": [1, 1, 64, 128], "dtype": "float32", "compute": {"fp32_dest_acc_en": True}},
    {"name": "bf16_w100_no_affine", "shape": [1, 1, 32, 100], "affine": "none"},
    {"name": "bf16_w200_gamma_only_streaming", "shape": [3, 40, 200], "affine": "gamma", "program_factory": "streaming"},
    {"name": "bf16_w16384_streaming", "shape": [1, 1, 32, 16384], "program_factory": "streaming"},
    {"name": "bf16_w4096_wsplit_64cores", "shape": [1, 1, 32, 4096], "program_factory": "wsplit"},
    {"name": "bf16_w320_wsplit_s2_beta", "shape": [2, 70, 320], "program_factory": "wsplit", "wsplit": 2,
     "affine": "beta"},
]
def _with_addresses(desc: _C.ProgramDescriptor) -> _C.ProgramDescriptor:
    """Distinct non-zero runtime args per core so a mix-up between cores or kernels shows."""
    for ki, k in enumerate(desc.kernels):
        k.runtime_args = [(core, [a + 1000 * (ki + 1) + 7 * i for a in args]) for i, (core, args) in enumerate(k.runtime_args)]
    return desc


def _spread_over_grid(desc: _C.ProgramDescriptor, nx: int = 8, ny: int = 8) -> _C.ProgramDescriptor:
    """The same program on an nx x ny grid (64 cores), each core with its own runtime args: the conversion must
    carry per-core args for any number of cores (the multi-core factory produces such descriptors)."""
    grid = _C.CoreRangeSet([_C.CoreRange(_C.CoreCoord(0, 0), _C.CoreCoord(nx - 1, ny - 1))])
    for cb in desc.cbs:
        cb.core_ranges = grid
    for ki, k in enumerate(desc.kernels):
        base = list(k.runtime_args[0][1])
        k.core_ranges = grid
        k.runtime_args = [(c, [v + 100 * (c.y * nx + c.x) + ki for v in base]) for c in grid.cores()]
    return desc


def _ranges(crs):
    if isinstance(crs, ttnn.CoreRangeSet):
        return sorted((r.start.x, r.start.y, r.end.x, r.end.y) for r in crs.ranges())
    return sorted((r.start.x, r.start.y, r.end.x, r.end.y) for r in crs.ranges)


def _assert_same(desc: _C.ProgramDescriptor, prog: ttnn.ProgramDescriptor, accessor=None):
    assert isinstance(prog, ttnn.ProgramDescriptor)
    # circular buffers
    assert len(prog.cbs) == len(desc.cbs) == 13
    for ours, theirs in zip(desc.cbs, prog.cbs):
        assert isinstance(theirs, ttnn.CBDescriptor)
        assert theirs.total_size == ours.total_size
        assert _ranges(theirs.core_ranges) == _ranges(ours.core_ranges)
        assert len(theirs.format_descriptors) == len(ours.format_descriptors)
        for fo, ft in zip(ours.format_descriptors, theirs.format_descriptors):
            assert ft.buffer_index == fo.buffer_index
            assert ft.page_size == fo.page_size
            assert ft.data_format_as_uint8 == {"Float16_b": 5, "Float32": 0}[fo.data_format.name]
    assert sorted(fd.buffer_index for cb in prog.cbs for fd in cb.format_descriptors) == [0, 1, 2, 3, 4, 5, 6, 7, 16, 24, 25, 26, 27]
    # semaphores (the W-split program's arrival counters)
    assert len(prog.semaphores) == len(desc.semaphores)
    for ours, theirs in zip(desc.semaphores, prog.semaphores):
        assert isinstance(theirs, ttnn.SemaphoreDescriptor)
        assert (theirs.id, theirs.initial_value, theirs.core_type) == (ours.id, ours.initial_value, ttnn.CoreType.WORKER)
        assert _ranges(theirs.core_ranges) == _ranges(ours.core_ranges)
    # kernels
    assert len(prog.kernels) == len(desc.kernels) == 3
    for ours, theirs in zip(desc.kernels, prog.kernels):
        assert isinstance(theirs, ttnn.KernelDescriptor)
        assert theirs.kernel_source == ours.kernel_source
        assert os.path.isabs(theirs.kernel_source) and os.path.isfile(theirs.kernel_source)
        assert theirs.kernel_source.startswith(str(lf.KERNEL_ROOT))
        assert theirs.source_type == ttnn.KernelDescriptor.SourceType.FILE_PATH
        assert _ranges(theirs.core_ranges) == _ranges(ours.core_ranges)
        assert list(theirs.compile_time_args) == _device.splice_accessor_args(ours, accessor)
        assert [tuple(d) for d in theirs.defines] == [tuple(d) for d in ours.defines]
        assert list(theirs.common_runtime_args) == list(ours.common_runtime_args)
        assert len(ours.runtime_args) == ours.core_ranges.num_cores()
        for core, args in ours.runtime_args:
            assert list(theirs.runtime_args[core.x][core.y]) == list(args), (core, ours.kernel_source)
        cfg = theirs.config
        if ours.is_reader:
            assert isinstance(cfg, ttnn.ReaderConfigDescriptor)
        elif ours.is_writer:
            assert isinstance(cfg, ttnn.WriterConfigDescriptor)
        else:
            assert isinstance(cfg, ttnn.ComputeConfigDescriptor)
            oc = ours.config
            assert cfg.math_fidelity == getattr(ttnn.MathFidelity, oc.math_fidelity.name)
            assert cfg.fp32_dest_acc_en == oc.fp32_dest_acc_en
            assert cfg.dst_full_sync_en == oc.dst_full_sync_en
            assert cfg.math_approx_mode == oc.math_approx_mode
            assert cfg.bfp8_pack_precise == oc.bfp8_pack_precise
            assert [m.name for m in cfg.unpack_to_dest_mode] == [m.name for m in oc.unpack_to_dest_mode]


@pytest.mark.parametrize("cfg", CONFIGS, ids=[c["name"] for c in CONFIGS])
def test_conversion_one_core_per_factory(cfg):
    desc = _with_addresses(_program(cfg))
    _assert_same(desc, _device.to_ttnn_program_descriptor(desc))


@pytest.mark.parametrize("cfg", CONFIGS[:3], ids=[c["name"] for c in CONFIGS[:3]])
def test_conversion_64_cores(cfg):
    desc = _spread_over_grid(_program(cfg))
    prog = _device.to_ttnn_program_descriptor(desc)
    _assert_same(desc, prog)
    for k in prog.kernels:
        assert k.core_ranges.num_cores() == 64
    for cb in prog.cbs:
        assert cb.core_ranges.num_cores() == 64


def test_factory_multi_core_descriptor_has_per_core_args():
    desc = _program(CONFIGS[3])  # 2048 rows on an 8x8 grid
    prog = _device.to_ttnn_program_descriptor(desc)
    _assert_same(desc, prog)
    for ours, theirs in zip(desc.kernels, prog.kernels):
        assert ours.core_ranges.num_cores() == 64 == theirs.core_ranges.num_cores()
        assert len({tuple(a) for _, a in ours.runtime_args}) > 1 or ours.is_compute


def test_compute_config_fields_map_to_ttnn():
    # The row-resident shifted kernel keeps the caller's fidelity (the W-split's precise kernel would set HiFi4).
    cfg = {"name": "x", "shape": [1, 1, 32, 1024], "program_factory": "resident",
           "compute": {"fp32_dest_acc_en": True, "math_fidelity": "LoFi", "math_approx_mode": True, "dst_full_sync_en": True}}
    desc = _program(cfg)
    (k,) = [k for k in desc.kernels if k.is_compute]
    cc = k.config
    cc.unpack_to_dest_mode = [_C.UnpackToDestMode.Default] * 31 + [_C.UnpackToDestMode.UnpackToDestFp32]
    t = _device.compute_config(cc)
    assert t.math_fidelity == ttnn.MathFidelity.LoFi
    assert (t.fp32_dest_acc_en, t.math_approx_mode, t.dst_full_sync_en) == (True, True, True)
    assert len(t.unpack_to_dest_mode) == 32 and t.unpack_to_dest_mode[31] == ttnn.UnpackToDestMode.UnpackToDestFp32


def test_factory_accessor_encoding_is_where_the_device_path_replaces_it():
    """The factory encodes each interleaved DRAM accessor as [ArgConfig IsDram, aligned page size], starting at
    the offset the kernel source states (TensorAccessorArgs<N>()); the device path swaps exactly those words."""
    for cfg in (CONFIGS[1], CONFIGS[5]):  # W = 320 resident (stick 640 B) and the streaming program
        desc = _program(cfg)
        page = cfg["shape"][-1] * 2
        by_name = {os.path.basename(k.kernel_source): k for k in desc.kernels}
        assert set(_device.ACCESSOR_ARGS) <= set(by_name), by_name.keys()
        for name, roles in _device.ACCESSOR_ARGS.items():
            offset = _device.first_accessor_offset(by_name[name].kernel_source)
            args = list(by_name[name].compile_time_args)
            assert len(args) == offset + 2 * len(roles), (cfg["name"], name, offset, args)
            for i in range(len(roles)):
                flags, aligned = args[offset + 2 * i: offset + 2 * i + 2]
                assert flags == 2, (name, args)  # tensor_accessor::ArgConfig::IsDram
                assert aligned == page, (name, args)


def test_real_accessor_args_are_spliced_in_order_whatever_their_length():
    desc = _program(CONFIGS[0])
    fake = {"input": [0x82], "gamma": [2, 4096, 99], "beta": [2, 128], "output": [0x82]}  # RuntimePageSize: 1 word
    prog = _device.to_ttnn_program_descriptor(desc, fake)
    by_name = {os.path.basename(k.kernel_source): k for k in prog.kernels}
    ours = {os.path.basename(k.kernel_source): k for k in desc.kernels}
    rk = ours["reader_layernorm_fused_rm.cpp"]
    ro = _device.first_accessor_offset(rk.kernel_source)
    r = list(rk.compile_time_args)
    assert list(by_name["reader_layernorm_fused_rm.cpp"].compile_time_args) == r[:ro] + [0x82, 2, 4096, 99, 2, 128]
    wk = ours["writer_layernorm_fused_rm.cpp"]
    wo = _device.first_accessor_offset(wk.kernel_source)
    w = list(wk.compile_time_args)
    assert list(by_name["writer_layernorm_fused_rm.cpp"].compile_time_args) == w[:wo] + [0x82]
    (ck,) = [k for k in desc.kernels if k.is_compute]
    (ct,) = [k for k in prog.kernels if isinstance(k.config, ttnn.ComputeConfigDescriptor)]
    assert list(ct.compile_time_args) == list(ck.compile_time_args)  # compute has no accessors
    _assert_same(desc, prog, fake)


def test_tensor_accessor_args_need_a_device_tensor():
    """What can and cannot be exercised here: ttnn.TensorAccessorArgs refuses a host tensor."""
    t = ttnn.from_torch(torch.zeros(1, 64, dtype=torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)
    with pytest.raises(RuntimeError, match="DeviceStorage"):
        ttnn.TensorAccessorArgs(t)
    with pytest.raises(RuntimeError, match="DeviceStorage"):
        _device.accessor_args_of({"input": t})


def test_absent_gamma_beta_keep_the_factory_placeholder_accessors():
    cfg = {"name": "x", "shape": [1, 1, 32, 100], "affine": "none"}
    desc = _program(cfg)
    prog = _device.to_ttnn_program_descriptor(desc, {"input": [0x82], "output": [0x82]})
    (rk,) = [k for k in desc.kernels if k.is_reader]
    (rt,) = [k for k in prog.kernels if isinstance(k.config, ttnn.ReaderConfigDescriptor)]
    off = _device.first_accessor_offset(rk.kernel_source)
    r = list(rk.compile_time_args)
    assert list(rt.compile_time_args) == r[:off] + [0x82] + r[off + 2:]


def test_missing_kernel_source_is_reported(tmp_path):
    desc = _program(CONFIGS[0])
    desc.kernels[0].kernel_source = str(tmp_path / "nope.cpp")
    with pytest.raises(FileNotFoundError, match="nope.cpp"):
        _device.to_ttnn_program_descriptor(desc)


def test_sharded_accessor_encoding_is_refused():
    desc = _program(CONFIGS[0])
    (reader,) = [k for k in desc.kernels if k.is_reader]
    args = list(reader.compile_time_args)
    args[_device.first_accessor_offset(reader.kernel_source)] |= 1  # ArgConfig::Sharded
    reader.compile_time_args = args
    with pytest.raises(ValueError, match="sharded"):
        _device.to_ttnn_program_descriptor(desc, {"input": [2, 64], "gamma": [2, 64], "beta": [2, 64], "output": [2, 64]})


def test_device_tensor_dispatches_to_device_path(monkeypatch):
    """The dispatch point: a device tensor goes to _device.run_on_device (here faked: no device needed)."""
    x = ttnn.from_torch(torch.randn(1, 1, 32, 64, dtype=torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)
    from layernorm_fused_rm import _op

    seen = {}

    def fake_prepared(*a, **kw):
        p = real_prepared(*a, **kw)
        p.on_device = True
        return p

    def fake_run(p):
        seen["p"] = p
        return "device-result"

    real_prepared = _op._Prepared
    monkeypatch.setattr(_op, "_Prepared", fake_prepared)
    monkeypatch.setattr(_device, "run_on_device", fake_run)
    assert ttnn.layernorm_fused_rm(x) == "device-result"
    assert seen["p"].W == 64
    out, stats = ttnn.layernorm_fused_rm(x, return_stats=True)
    assert out == "device-result" and stats["target"] == "device"


# ------------------------------------------------------------------------------ gamma/beta on a device

@pytest.mark.parametrize(
    "layout,dtype,expected",
    [
        ("TILE", "bfloat16", [("typecast", "FLOAT32"), ("to_layout", "ROW_MAJOR")]),  # typecast, then untilize
        ("ROW_MAJOR", "bfloat16", [("to_layout", "TILE"), ("typecast", "FLOAT32"), ("to_layout", "ROW_MAJOR")]),
        ("TILE", "float32", [("to_layout", "ROW_MAJOR")]),
        ("ROW_MAJOR", "float32", []),
    ],
)
def test_device_gamma_is_converted_once_on_its_device(monkeypatch, layout, dtype, expected):
    # Up to the device: ttnn's conversion ops are replaced by recorders that do the same on the host; the
    # real calls (ttnn.to_layout / ttnn.typecast on device storage) need a Tenstorrent device.
    from layernorm_fused_rm import _op

    calls = []

    def to_layout(t, lay):
        calls.append(("to_layout", lay.name))
        return ttnn.from_torch(ttnn.to_torch(t), dtype=t.dtype, layout=lay)

    def typecast(t, dt):
        calls.append(("typecast", dt.name))
        assert t.layout == ttnn.TILE_LAYOUT  # the op typecasts tiles
        # (a host fp32 TILE tensor would need an arch to tilize: return it row-major, as to_layout then would)
        return ttnn.from_torch(ttnn.to_torch(t).float(), dtype=dt, layout=ttnn.ROW_MAJOR_LAYOUT)

    monkeypatch.setattr(ttnn, "is_tensor_storage_on_device", lambda t: True)
    monkeypatch.setattr(ttnn, "to_layout", to_layout)
    monkeypatch.setattr(ttnn, "typecast", typecast)
    values = torch.randn(1, 128).to(torch.bfloat16).float()
    g = ttnn.from_torch(values.to(getattr(torch, dtype)), dtype=getattr(ttnn, dtype),
                        layout=getattr(ttnn, f"{layout}_LAYOUT"))
    t, d = _op._affine(g, "gamma", _C.TensorDesc(shape=[64, 128], dtype=_C.DType.FLOAT32))
    assert calls == expected
    assert d.dtype == _C.DType.FLOAT32 and d.layout == _C.Layout.ROW_MAJOR
    assert torch.equal(ttnn.to_torch(t).float(), values)


class _FakeDevice:
    """compute_with_storage_grid_size / worker_core_from_logical_core of a device with a given NOC offset."""

    def __init__(self, offset):
        self.offset = offset

    def compute_with_storage_grid_size(self):
        return ttnn.CoreCoord(8, 8)

    def worker_core_from_logical_core(self, c):
        return ttnn.CoreCoord(c.x + self.offset, c.y + self.offset)


def test_wsplit_noc_coordinates_are_checked_against_the_device():
    # Wormhole with translation tables: logical + 18 (arch_params.cpp); another mapping is refused before running.
    _device.check_noc_coordinates(_FakeDevice(18), "wormhole_b0")
    with pytest.raises(RuntimeError, match=r"device worker \(0,0\) is at NOC \(1,1\), the W-split factory assumes"):
        _device.check_noc_coordinates(_FakeDevice(1), "wormhole_b0")
