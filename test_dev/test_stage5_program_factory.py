# SPDX-License-Identifier: Apache-2.0
"""Stage 5: the program factory's descriptor (contract: cpp/device/layernorm_fused_rm_program_factory.hpp and
docs/ARCHITECTURE.md "The 13 circular buffers")."""

from __future__ import annotations

import os

import pytest
import torch
import ttnn
from conftest import to_tt

import layernorm_fused_rm as lf
from layernorm_fused_rm import _C

CB_INDICES = {0, 1, 2, 3, 4, 5, 6, 7, 16, 24, 25, 26, 27}
SHAPE = [1, 1, 64, 128]


@pytest.fixture(params=["affine", "no_affine"])
def program(request, device):
    torch.manual_seed(0)
    x = to_tt(torch.randn(*SHAPE, dtype=torch.bfloat16), device)
    if request.param == "affine":
        g = to_tt(torch.randn(128, dtype=torch.bfloat16), device)
        b = to_tt(torch.randn(1, 128, dtype=torch.bfloat16), device)
        return lf.create_program_descriptor(x, g, b, eps=1e-5)
    return lf.create_program_descriptor(x)


def _by_kind(program):
    readers = [k for k in program.kernels if k.is_reader]
    computes = [k for k in program.kernels if k.is_compute]
    writers = [k for k in program.kernels if k.is_writer]
    return readers, computes, writers


def test_program_factory_name(program):
    assert program.program_factory == "LayerNormFusedRMProgramFactory"


def test_thirteen_cbs_with_the_fixed_indices(program):
    assert len(program.cbs) == 13
    indices = [fd.buffer_index for cb in program.cbs for fd in cb.format_descriptors]
    assert len(indices) == 13, indices
    assert set(indices) == CB_INDICES


def test_cb_sizes_are_whole_pages(program):
    for cb in program.cbs:
        assert cb.total_size > 0
        assert len(cb.format_descriptors) >= 1
        for fd in cb.format_descriptors:
            assert fd.page_size > 0, fd
            assert cb.total_size % fd.page_size == 0, (cb.total_size, fd)
            assert fd.data_format in (_C.DataFormat.Float16_b, _C.DataFormat.Float32), fd


def test_cbs_on_core_0_0_and_fit_in_l1(program):
    arch = _C.ArchParams.by_name(os.environ.get("LAYERNORM_FUSED_RM_ARCH", "wormhole_b0"))
    total = 0
    for cb in program.cbs:
        assert cb.core_ranges.contains(_C.CoreCoord(0, 0))
        total += cb.total_size
    assert total <= arch.l1_size - arch.l1_unreserved_base
    # (8 * Wt + 2) bf16 tiles plus 3 statistics tiles, Float32 when the compute config accumulates in fp32.
    cc = [k for k in program.kernels if k.is_compute][0].config
    # Compute compile-time arg affine_flags: gamma and beta bits (both or neither in this fixture).
    flags = [k for k in program.kernels if k.is_compute][0].compile_time_args[_C.compute_ct_args.affine_flags]
    affine = flags == _C.affine_flag.gamma | _C.affine_flag.beta
    assert total == _C.row_resident_cb_bytes(128, _C.DType.BFLOAT16, cc, has_gamma=affine, has_beta=affine)
    # c_0, c_1, c_16, c_24: Wt = 4 tiles each; gamma/beta c_4..c_7: 4 tiles each when given, else 1 page;
    # scaler, eps: 1 tile each; mean, variance, inverse std: 1 Float32 tile each (fp32 DEST).
    gamma_beta_tiles = 4 * (4 if affine else 1)
    assert total == (4 * 4 + gamma_beta_tiles + 2) * 2048 + 3 * (4096 if cc.fp32_dest_acc_en else 2048)


def test_three_kernels_reader_compute_writer(program):
    assert len(program.kernels) == 3
    readers, computes, writers = _by_kind(program)
    assert (len(readers), len(computes), len(writers)) == (1, 1, 1)
    assert "reader" in os.path.basename(readers[0].kernel_source)
    assert "writer" in os.path.basename(writers[0].kernel_source)
    for k in program.kernels:
        assert os.path.isabs(k.kernel_source), k.kernel_source
        assert os.path.isfile(k.kernel_source), k.kernel_source
        assert k.core_ranges.contains(_C.CoreCoord(0, 0))


def test_runtime_args_for_core_0_0(program):
    readers, _, writers = _by_kind(program)
    for k in readers + writers:
        args = k.runtime_args_of(_C.CoreCoord(0, 0))
        assert args is not None and len(args) > 0, k.kernel_source


def test_compute_config(program):
    _, computes, _ = _by_kind(program)
    cfg = computes[0].config
    assert isinstance(cfg, _C.ComputeConfigDescriptor)
    assert cfg.math_fidelity == _C.MathFidelity.HiFi4


def test_compute_kernel_config_is_honoured(device):
    x = to_tt(torch.randn(*SHAPE, dtype=torch.bfloat16), device)
    cfg = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi2, fp32_dest_acc_en=True)
    program = lf.create_program_descriptor(x, compute_kernel_config=cfg)
    _, computes, _ = _by_kind(program)
    assert computes[0].config.math_fidelity == _C.MathFidelity.HiFi2
    assert computes[0].config.fp32_dest_acc_en is True


def test_addresses_go_into_runtime_args():
    shape = SHAPE
    addr = {"in": 0x10000, "gamma": 0x20040, "beta": 0x30080, "out": 0x400C0}
    ta = _C.TensorArgs(
        _C.TensorDesc(shape=shape, address=addr["in"]),
        _C.TensorDesc(shape=[128], address=addr["gamma"]),
        _C.TensorDesc(shape=[128], address=addr["beta"]),
    )
    out = _C.TensorDesc(shape=shape, address=addr["out"])
    program = _C.create_program_descriptor(_C.OperationAttributes(), ta, out)
    readers, _, writers = _by_kind(program)
    rargs = readers[0].runtime_args_of(_C.CoreCoord(0, 0)) + list(readers[0].common_runtime_args)
    wargs = writers[0].runtime_args_of(_C.CoreCoord(0, 0)) + list(writers[0].common_runtime_args)
    for key in ("in", "gamma", "beta"):
        assert addr[key] in rargs, (key, rargs)
    assert addr["out"] in wargs, wargs


def test_create_program_descriptor_validates():
    ta = _C.TensorArgs(_C.TensorDesc(shape=[64, 100]), _C.TensorDesc(shape=[99]))
    with pytest.raises(ValueError, match="gamma"):
        _C.create_program_descriptor(_C.OperationAttributes(), ta, _C.TensorDesc(shape=[64, 100]))
    ta = _C.TensorArgs(_C.TensorDesc(shape=[64, 128]))
    with pytest.raises(ValueError, match="output shape"):
        _C.create_program_descriptor(_C.OperationAttributes(), ta, _C.TensorDesc(shape=[64, 96]))
