# SPDX-License-Identifier: Apache-2.0
"""Stage 4: device-operation contract: output spec and program-factory selection."""

from __future__ import annotations

import pytest

from layernorm_fused_rm import _C


@pytest.mark.parametrize("shape", [[32], [1, 1, 64, 128], [2, 3, 32, 96]])
def test_output_spec_same_shape_row_major(shape):
    spec = _C.compute_output_specs(_C.OperationAttributes(), _C.TensorArgs(_C.TensorDesc(shape=shape)))
    assert spec.shape == shape
    assert spec.dtype == _C.DType.BFLOAT16
    assert spec.layout == _C.Layout.ROW_MAJOR
    assert spec.memory_config.memory_layout == _C.TensorMemoryLayout.INTERLEAVED
    assert spec.memory_config.buffer_type == _C.BufferType.DRAM


def test_output_spec_follows_attrs():
    a = _C.OperationAttributes(
        output_dtype=_C.DType.FLOAT32,
        output_memory_config=_C.MemoryConfig(_C.TensorMemoryLayout.INTERLEAVED, _C.BufferType.L1),
    )
    # the input's own dtype/layout/memory must not leak into the output spec
    x = _C.TensorDesc(shape=[4, 64], dtype=_C.DType.BFLOAT16, layout=_C.Layout.TILE)
    spec = _C.compute_output_specs(a, _C.TensorArgs(x))
    assert spec.shape == [4, 64]
    assert spec.dtype == _C.DType.FLOAT32
    assert spec.layout == _C.Layout.ROW_MAJOR
    assert spec.memory_config.buffer_type == _C.BufferType.L1


def test_select_program_factory():
    one_core = _C.OperationAttributes(core_grid=_C.CoreCoord(1, 1))  # no W-split: the L1 rule alone decides
    name = _C.select_program_factory(one_core, _C.TensorArgs(_C.TensorDesc(shape=[64, 128])))
    assert name == "LayerNormFusedRMProgramFactory"
    assert name == _C.program_factory_name()


def test_select_program_factory_on_the_full_grid_takes_the_lowest_modelled_time():
    # OperationAttributes() has a 16-bit DEST (the FPU kernels), whose numerics the W-split keeps: every program is
    # a default candidate, and the fastest runs.
    args = _C.TensorArgs(_C.TensorDesc(shape=[64, 128]))
    cands = _C.model.candidates(_C.OperationAttributes(), args)
    assert _C.select_program_factory(_C.OperationAttributes(), args) == cands[0]["factory"]
    # the lowest modelled time, or a one-read program within the model's error of a faster streaming one
    best = min(cands, key=lambda c: c["us"])
    assert cands[0] == best or (best["factory"] == _C.STREAMING_PROGRAM_FACTORY and
                                cands[0]["us"] <= best["us"] * (1 + _C.model.MODEL_ERROR))
    assert {c["factory"] for c in cands} == {_C.program_factory_name(), _C.STREAMING_PROGRAM_FACTORY,
                                             _C.WSPLIT_PROGRAM_FACTORY}
    forced = _C.OperationAttributes(program_factory=_C.STREAMING_PROGRAM_FACTORY)
    assert _C.select_program_factory(forced, args) == _C.STREAMING_PROGRAM_FACTORY  # program_factory= still forces


def test_enum_names():
    assert _C.to_string(_C.Layout.ROW_MAJOR) == "ROW_MAJOR"
    assert _C.to_string(_C.DType.BFLOAT16) == "BFLOAT16"
    assert _C.to_string(_C.DType.FLOAT32) == "FLOAT32"
    assert _C.to_string(_C.BufferType.L1) == "L1"
    assert _C.to_string(_C.TensorMemoryLayout.BLOCK_SHARDED) == "BLOCK_SHARDED"
    assert _C.to_string(_C.DataFormat.Float16_b) == "Float16_b"


def test_descriptor_types_are_mutable():
    crs = _C.CoreRangeSet([_C.CoreRange(_C.CoreCoord(0, 0), _C.CoreCoord(1, 2))])
    assert crs.num_cores() == 6
    assert crs.cores()[:3] == [_C.CoreCoord(0, 0), _C.CoreCoord(1, 0), _C.CoreCoord(0, 1)]
    cb = _C.CBDescriptor(total_size=4096, core_ranges=crs,
                         format_descriptors=[_C.CBFormatDescriptor(3, _C.DataFormat.Float16_b, 2048)])
    k = _C.KernelDescriptor("/x/reader.cpp", crs, [1, 2], [("A", "1")], [(_C.CoreCoord(0, 0), [7, 8])], [9],
                            _C.ReaderConfigDescriptor())
    p = _C.ProgramDescriptor([k], [cb], "f")
    p.cbs[0].total_size = 8192
    p.cbs[0].format_descriptors[0].page_size = 4096
    p.kernels[0].runtime_args = [(_C.CoreCoord(1, 1), [5])]
    assert p.cbs[0].total_size == 8192
    assert p.cbs[0].format_descriptors[0].page_size == 4096
    assert p.kernels[0].runtime_args_of(_C.CoreCoord(1, 1)) == [5]
    assert p.kernels[0].runtime_args_of(_C.CoreCoord(0, 0)) is None
    assert p.kernels[0].is_reader and not p.kernels[0].is_compute and not p.kernels[0].is_writer
    assert p.kernels[0].defines == [("A", "1")]
    p.kernels[0].config = _C.ComputeConfigDescriptor(math_fidelity=_C.MathFidelity.LoFi, fp32_dest_acc_en=True)
    assert p.kernels[0].is_compute
    assert p.kernels[0].config.math_fidelity == _C.MathFidelity.LoFi


def test_tilize_reference_layout():
    import numpy as np

    a = np.arange(32 * 64, dtype=np.uint16).reshape(32, 64)
    t = np.frombuffer(_C.tilize_reference(a.tobytes(), 32, 64, _C.DataFormat.Float16_b), dtype=np.uint16)
    # tile 0 = columns 0..31; faces: (rows 0-15, cols 0-15), (rows 0-15, cols 16-31), (rows 16-31, ...)
    expect = np.concatenate([
        a[0:16, 0:16].ravel(), a[0:16, 16:32].ravel(), a[16:32, 0:16].ravel(), a[16:32, 16:32].ravel(),
        a[0:16, 32:48].ravel(), a[0:16, 48:64].ravel(), a[16:32, 32:48].ravel(), a[16:32, 48:64].ravel(),
    ])
    assert (t == expect).all()
    with pytest.raises(ValueError, match="bytes"):
        _C.tilize_reference(b"\0" * 10, 32, 32, _C.DataFormat.Float16_b)
