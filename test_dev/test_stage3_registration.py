# SPDX-License-Identifier: Apache-2.0
"""Stage 3: ttnn.layernorm_fused_rm is the package's function, with the documented signature."""

from __future__ import annotations

import inspect

import ttnn

import layernorm_fused_rm as lf


def test_ttnn_attribute_is_the_package_function():
    assert ttnn.layernorm_fused_rm is lf.layernorm_fused_rm
    from layernorm_fused_rm import _op

    assert ttnn.layernorm_fused_rm is _op.layernorm_fused_rm


def test_signature():
    sig = inspect.signature(ttnn.layernorm_fused_rm)
    params = sig.parameters
    assert list(params)[:4] == ["input_tensor", "gamma", "beta", "eps"]
    assert params["gamma"].default is None
    assert params["beta"].default is None
    assert params["eps"].default == 1e-5
    for kw in ("memory_config", "compute_kernel_config", "return_stats"):
        assert kw in params, kw
        assert params[kw].kind is inspect.Parameter.KEYWORD_ONLY, kw
    assert params["memory_config"].default is None
    assert params["compute_kernel_config"].default is None
    assert params["return_stats"].default is False


def test_create_program_descriptor_signature():
    params = inspect.signature(lf.create_program_descriptor).parameters
    assert list(params)[:4] == ["input_tensor", "gamma", "beta", "eps"]
    for kw in ("memory_config", "compute_kernel_config"):
        assert params[kw].kind is inspect.Parameter.KEYWORD_ONLY, kw


def test_docstrings():
    doc = ttnn.layernorm_fused_rm.__doc__
    assert doc and doc.strip()
    for word in ("input_tensor", "gamma", "beta", "eps", "Returns", "Raises", "ROW_MAJOR", "BFLOAT16"):
        assert word in doc, word
    for fn in (lf.create_program_descriptor, lf.golden, lf.emulator_device):
        assert fn.__doc__ and fn.__doc__.strip(), fn.__name__
    assert lf.__doc__ and lf._C.__doc__


def test_extension_docstrings():
    c = lf._C
    for obj in (c.validate, c.compute_output_specs, c.select_program_factory, c.create_program_descriptor,
                c.tilize_reference, c.EmuDevice.run, c.EmuDevice.read_dram_buffer, c.ProgramDescriptor,
                c.KernelDescriptor, c.CBDescriptor):
        assert obj.__doc__ and obj.__doc__.strip(), obj
