# SPDX-License-Identifier: Apache-2.0
"""Stage 1: the package, its extension module, the ttnn registration and the kernel sources exist."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import torch
import ttnn


def test_package_imports():
    mod = importlib.import_module("layernorm_fused_rm")
    for name in ("layernorm_fused_rm", "create_program_descriptor", "golden", "emulator_device",
                 "EmulatorError", "DeadlockError", "CompileError"):
        assert hasattr(mod, name), name


def test_extension_module_loads():
    from layernorm_fused_rm import _C

    for name in ("ProgramDescriptor", "KernelDescriptor", "CBDescriptor", "CBFormatDescriptor", "CoreCoord",
                 "CoreRange", "CoreRangeSet", "DataFormat", "ComputeConfigDescriptor", "ReaderConfigDescriptor",
                 "WriterConfigDescriptor", "TensorDesc", "MemoryConfig", "OperationAttributes", "TensorArgs",
                 "EmuDevice", "ArchParams", "RunStats", "validate", "compute_output_specs",
                 "select_program_factory", "create_program_descriptor", "set_kernel_root", "kernel_root",
                 "set_include_root", "include_root", "set_cache_dir", "cache_dir", "tilize_reference"):
        assert hasattr(_C, name), name


def test_ttnn_op_is_callable():
    assert callable(ttnn.layernorm_fused_rm)


def test_helpers_are_callable():
    import layernorm_fused_rm as lf

    assert callable(lf.golden)
    assert callable(lf.create_program_descriptor)
    assert callable(lf.emulator_device)


def test_exception_hierarchy():
    import layernorm_fused_rm as lf

    assert issubclass(lf.EmulatorError, RuntimeError)
    assert issubclass(lf.DeadlockError, lf.EmulatorError)
    assert issubclass(lf.CompileError, lf.EmulatorError)
    assert not issubclass(lf.DeadlockError, lf.CompileError)


def test_kernel_sources_exist_at_kernel_root():
    from layernorm_fused_rm import _C

    root = Path(_C.kernel_root())
    assert root.is_absolute(), root
    assert root.is_dir(), f"kernel_root {root} is not a directory"
    assert sorted((root / "dataflow").glob("reader_*.cpp")), f"no dataflow/reader_*.cpp under {root}"
    assert sorted((root / "dataflow").glob("writer_*.cpp")), f"no dataflow/writer_*.cpp under {root}"
    assert sorted((root / "compute").glob("*.cpp")), f"no compute/*.cpp under {root}"


def test_include_root_is_a_directory():
    from layernorm_fused_rm import _C

    root = Path(_C.include_root())
    assert root.is_dir(), f"include_root {root} is not a directory"


def test_emulator_device_is_cached_per_arch():
    import layernorm_fused_rm as lf

    a = lf.emulator_device("wormhole_b0")
    assert a is lf.emulator_device("wormhole_b0")
    assert a.arch.name == "wormhole_b0"
    with pytest.raises(ValueError, match="arch"):
        lf.emulator_device("grayskull_x")


def test_golden_matches_the_definition():
    import layernorm_fused_rm as lf

    torch.manual_seed(1)
    x = torch.randn(3, 5, 64) * 3 + 1
    g = torch.randn(64)
    b = torch.randn(1, 1, 64)
    y = lf.golden(x, g, b, eps=1e-3)
    assert y.dtype == torch.float64 and y.shape == x.shape
    xd = x.double()
    mean = xd.mean(-1, keepdim=True)
    var = ((xd - mean) ** 2).mean(-1, keepdim=True)  # biased variance
    ref = (xd - mean) / torch.sqrt(var + 1e-3) * g.double() + b.double().reshape(64)
    torch.testing.assert_close(y, ref, rtol=1e-12, atol=1e-12)
    # defaults: no affine, eps 1e-5
    y0 = lf.golden(x)
    ref0 = (xd - mean) / torch.sqrt(var + 1e-5)
    torch.testing.assert_close(y0, ref0, rtol=1e-12, atol=1e-12)
