"""ttnn 0.81's generic reduce program, unmodified from the wheel, on the emulator (issue 11): the reader
reader_unary_reduce_universal_start_id.cpp (builds the scaler tile with kernel_lib's prepare_reduce_scaler and
streams the input tiles), the compute kernel reduce.cpp (kernel_lib's reduce helper) and the Metal 2.0 tile
writer. The wheel ships the kernels but not this op's program factory (it is compiled into _ttnncpp.so), so the
bindings follow the kernels' own vocabulary (`dfb::in0`, `dfb::scaler`, `dfb::out`, `tensor::src`,
`args::num_tiles` ...) and the defines REDUCE_OP / REDUCE_DIM the kernels read.

Reference: the emulator's numerics model (cpp/emulator/src/numerics.hpp): bf16 inputs and a bf16 scaler of 1.0
are exact in SrcA/SrcB; SUM accumulates in float32 (sequentially per reduce_tile, rounding into a 16-bit DEST
once per call: numerics.hpp "Order and fusion of FPU arithmetic"), MAX is exact. Both are compared bit for bit
with that model; SUM also against the float64 row sum within Wt half-ulps of bf16 (one DEST rounding per tile)
plus the float32 accumulation error, the bound that holds for silicon too whatever its summation order
(ISA ELWADD.md: the functional model is "a rough guide"), so it is the tolerance argued for silicon.
"""

from __future__ import annotations

import numpy as np
import pytest

import harness as h
import upstream as up

RDIR = f"{up.OPS}/reduction/generic/device/kernels"
READER = f"{RDIR}/dataflow/reader_unary_reduce_universal_start_id.cpp"
COMPUTE = f"{RDIR}/compute/reduce.cpp"
WRITER = f"{up.OPS}/eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id_metal2.cpp"


def reduce_row_program(src, dst, ht, wt, op):
    defines = [("REDUCE_OP", f"ckernel::PoolType::{op}"), ("REDUCE_DIM", "ckernel::ReduceDim::REDUCE_ROW")]
    reader = h.reader(up.pinned(READER), ct=h.accessor_args(h.TILE_BF16), rt=[ht * wt, 0, h.f32_bits(1.0)],
                      defines=defines)
    reader.common_runtime_args = [src]
    reader.named_compile_time_args = [("tiles_per_batch", wt)]
    reader.metal2 = up.metal2(dfbs=[("in0", 0), ("scaler", 2)], tensors=[up.tensor_binding("src", 0)],
                              runtime_arg_names=["num_tiles", "start_id", "scaler_bits"])
    writer = h.writer(up.pinned(WRITER), ct=h.accessor_args(h.TILE_BF16), rt=[ht, 0])
    writer.common_runtime_args = [dst]
    writer.metal2 = up.metal2(dfbs=[("out", 16)], tensors=[up.tensor_binding("dst", 0)],
                              runtime_arg_names=["num_pages", "start_id"])
    compute = h.compute(up.pinned(COMPUTE), fp32_dest=False, rt=[ht, wt, 1], defines=defines)
    compute.named_compile_time_args = [("enable_fp32_sfpu", 0)]
    compute.metal2 = up.metal2(dfbs=[("in0", 0), ("scaler", 2), ("out", 16)], runtime_arg_names=["Ht", "Wt", "NC"])
    return h.program([reader, writer, compute],
                     [h.cb(0, wt), h.cb(2, 1), h.cb(16, 2)])


@pytest.mark.parametrize("op", ["SUM", "MAX"])
def test_reduce_row_single_core(op):
    ht, wt = 2, 3
    x = h.bf16_round(np.random.default_rng(5).standard_normal((ht * 32, wt * 32)).astype(np.float32))
    dev = h._C.EmuDevice("wormhole_b0")
    bufs = h.Buffers(dev)
    try:
        src = bufs.put(h.to_bytes(up.tiles_of(x), h.BF16), h.TILE_BF16)
        dst = bufs.alloc(ht * h.TILE_BF16, h.TILE_BF16)
        dev.run(reduce_row_program(src, dst, ht, wt, op))
        y = up.untiles_of(h.from_bytes(dev.read_dram_buffer(dst, ht * h.TILE_BF16), h.BF16), ht * 32, 32)
    finally:
        bufs.free()
    col = y[:, 0]
    if op == "MAX":
        np.testing.assert_array_equal(col, x.max(axis=1))
    else:
        # the model: per reduce_tile, a float32 sequential sum of the tile row's 32 values, added to DEST and
        # rounded to bf16 (16-bit DEST, nearest even)
        d = np.zeros(ht * 32, np.float32)
        for t in range(wt):
            acc = np.zeros(ht * 32, np.float32)
            for c in range(32):
                acc = acc + x[:, t * 32 + c]
            d = h.bf16_round(d + acc)
        np.testing.assert_array_equal(col.view(np.uint32), d.view(np.uint32))
        # against float64: one bf16 rounding per tile, each at most half a bf16 ulp of that partial sum
        ref = x.astype(np.float64).sum(axis=1)
        partial = np.abs(np.cumsum(x.reshape(ht * 32, wt, 32).sum(axis=2), axis=1)).max(axis=1)
        bound = wt * 0.5 * np.spacing(partial.astype(np.float32)) * 2 ** 16 + 32 * wt * np.spacing(np.float32(partial))
        assert np.all(np.abs(col - ref) <= bound), np.abs(col - ref).max()
