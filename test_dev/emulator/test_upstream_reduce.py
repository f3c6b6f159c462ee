"""ttnn 0.81's generic reduce program, unmodified from the wheel, on the emulator (issue 11): the reader
reader_unary_reduce_universal_start_id.cpp (builds the scaler tile with kernel_lib's prepare_reduce_scaler and
streams the input tiles), the compute kernel reduce.cpp (kernel_lib's reduce helper) and the Metal 2.0 tile
writer. The wheel ships the kernels but not this op's program factory (it is compiled into _ttnncpp.so), so the
bindings follow the kernels' own vocabulary (`dfb::in0`, `dfb::scaler`, `dfb::out`, `tensor::src`,
`args::num_tiles` ...) and the defines REDUCE_OP / REDUCE_DIM the kernels read.

Reference: the emulator's numerics model: bf16 inputs and a bf16 scaler of 1.0 are exact in SrcA/SrcB; SUM runs
the math-fidelity phases of each reduce_tile (HiFi4: 4), each phase a float32 sum of its SrcA x SrcB partial
products added into the 16-bit DEST with a rounding to bf16 (cpp/emulator/src/math/fidelity.hpp, whose numpy twin
is test_dev/emulator/numerics_model.py fpu_dot); MAX is exact. Both are compared bit for bit with that model; SUM
also against the float64 row sum within 4 half-ulps of bf16 per tile (one DEST rounding per phase) plus the float32
accumulation error, the bound that holds for silicon too whatever its summation order (ISA ELWADD.md: the
functional model is "a rough guide"), so it is the tolerance argued for silicon.
"""

from __future__ import annotations

import numpy as np
import pytest

import harness as h
import numerics_model as nm
import upstream as up

RDIR = f"{up.OPS}/reduction/generic/device/kernels"
READER = f"{RDIR}/dataflow/reader_unary_reduce_universal_start_id.cpp"
COMPUTE = f"{RDIR}/compute/reduce.cpp"
COL_READER = f"{RDIR}/dataflow/reader_unary_transpose_wh_universal_input_cols_partitioned.cpp"
WRITER = f"{up.OPS}/eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id_metal2.cpp"


def reduce_program(src, dst, ht, wt, op, dim, ncores=1):
    """REDUCE_ROW: the universal start-id reader, tiles in row-major order; REDUCE_COL: the transposing reader
    (reader_unary_transpose_wh_universal_input_cols_partitioned.cpp), tiles column-chunk by column-chunk as the
    reduce helper consumes them. One core, NC = 1, every tile one page of a bf16 interleaved tensor."""
    defines = [("REDUCE_OP", f"ckernel::PoolType::{op}"), ("REDUCE_DIM", f"ckernel::ReduceDim::REDUCE_{dim}")]
    scaler = h.f32_bits(1.0)
    cores = up.grid(ncores)
    core_list = list(cores.cores())
    split = {c.x: s for c, s in zip(core_list, up.split_pages(ht, core_list))}  # (first tile-row, tile-rows)
    if dim == "ROW":
        reader = h.reader(up.pinned(READER), cores=cores, ct=h.accessor_args(h.TILE_BF16), defines=defines,
                          per_core_rt=lambda c: [split[c.x][1] * wt, split[c.x][0] * wt, scaler])
        reader.named_compile_time_args = [("tiles_per_batch", wt)]
        rta = ["num_tiles", "start_id", "scaler_bits"]
        out_tiles = ht
    else:
        # kernel_lib dest_helpers.hpp reads the DEST mode of a dataflow kernel from these defines
        reader = h.reader(up.pinned(COL_READER), ct=h.accessor_args(h.TILE_BF16), rt=[0, 0, wt, scaler],
                          defines=defines + [("ENABLE_FP32_DEST_ACC", "0"), ("DST_SYNC_FULL", "0")])
        reader.named_compile_time_args = [
            ("Ht", ht), ("Wt", wt), ("HtWt", ht * wt), ("use_welford", 0), ("enable_fp32_sfpu", 0),
            ("tiles_per_batch", 1), ("num_h_slices", 1), ("slice_Ht", ht)]
        rta = ["col_start_tile_id", "curr_col_in_batch", "num_cols", "scaler_bits"]
        out_tiles = wt
    reader.common_runtime_args = [src]
    reader.metal2 = up.metal2(dfbs=[("in0", 0), ("scaler", 2)], tensors=[up.tensor_binding("src", 0)],
                              runtime_arg_names=rta)
    writer = h.writer(up.pinned(WRITER), cores=cores, ct=h.accessor_args(h.TILE_BF16),
                      per_core_rt=lambda c: [split[c.x][1], split[c.x][0]] if dim == "ROW" else [out_tiles, 0])
    writer.common_runtime_args = [dst]
    writer.metal2 = up.metal2(dfbs=[("out", 16)], tensors=[up.tensor_binding("dst", 0)],
                              runtime_arg_names=["num_pages", "start_id"])
    compute = h.compute(up.pinned(COMPUTE), cores=cores, fp32_dest=False, defines=defines,
                        per_core_rt=lambda c: [split[c.x][1] if dim == "ROW" else ht, wt, 1])
    compute.named_compile_time_args = [("enable_fp32_sfpu", 0)]
    compute.metal2 = up.metal2(dfbs=[("in0", 0), ("scaler", 2), ("out", 16)], runtime_arg_names=["Ht", "Wt", "NC"])
    in_pages = wt if dim == "ROW" else 2  # the ROW reader reserves a batch of tiles_per_batch = Wt pages
    return h.program([reader, writer, compute],
                     [h.cb(0, in_pages, cores=cores), h.cb(2, 1, cores=cores), h.cb(16, 2, cores=cores)])


def fidelity_model(x_rows: np.ndarray, ntiles: int, data_in_srca: bool) -> np.ndarray:
    """The emulator's SUM model along axis 1 of x_rows [N, 32 * ntiles]: per tile, numerics_model.fpu_dot at HiFi4
    with a 16-bit DEST. REDUCE_ROW SUM puts the scaler (1.0) in SrcA and the data in SrcB, REDUCE_COL the data in
    SrcA and the scaler in SrcB (api/compute/reduce.h reduce_init)."""
    d = np.zeros(x_rows.shape[0], np.float32)
    ones = np.ones((x_rows.shape[0], 32), np.float32)
    for t in range(ntiles):
        data = x_rows[:, t * 32:(t + 1) * 32]
        d = nm.fpu_dot(d, data, ones, "HiFi4", False) if data_in_srca else nm.fpu_dot(d, ones, data, "HiFi4", False)
    return d


@pytest.mark.parametrize("dim,ncores", [("ROW", 1), ("COL", 1), ("ROW", 3)])
@pytest.mark.parametrize("op", ["SUM", "MAX"])
def test_reduce(op, dim, ncores):
    """COL with Wt = 10 tiles: wider than the 8-tile DEST, so the helper reduces in two column chunks (8 + 2).
    ROW over 3 cores: 5 tile-rows split 2, 2, 1 by start_id, as the multi-core row reduce splits them."""
    ht, wt = ((2, 3) if ncores == 1 else (5, 3)) if dim == "ROW" else (3, 10)
    x = h.bf16_round(np.random.default_rng(5).standard_normal((ht * 32, wt * 32)).astype(np.float32))
    out_tiles = ht if dim == "ROW" else wt
    stats, out = up.run_program(h._C.EmuDevice("wormhole_b0"), h.to_bytes(up.tiles_of(x), h.BF16), h.TILE_BF16,
                                out_tiles * h.TILE_BF16, h.TILE_BF16,
                                lambda src, dst: reduce_program(src, dst, ht, wt, op, dim, ncores))
    y = h.from_bytes(out, h.BF16)
    assert stats.cores_used == ncores
    if dim == "ROW":
        got = up.untiles_of(y, ht * 32, 32)[:, 0]
        rows, nt = x, wt
    else:
        got = up.untiles_of(y, 32, wt * 32)[0, :]
        rows, nt = np.ascontiguousarray(x.T), ht
    if op == "MAX":
        np.testing.assert_array_equal(got, rows.max(axis=1))
        return
    np.testing.assert_array_equal(got.view(np.uint32), fidelity_model(rows, nt, dim == "COL").view(np.uint32))
    # against float64: one bf16 rounding per phase (4 per tile), each at most half a bf16 ulp of that partial sum,
    # plus the float32 accumulation inside each tile
    ref = rows.astype(np.float64).sum(axis=1)
    partial = np.abs(np.cumsum(rows.reshape(rows.shape[0], nt, 32).sum(axis=2), axis=1)).max(axis=1)
    bound = 4 * nt * 0.5 * np.spacing(partial.astype(np.float32)) * 2 ** 16 + 32 * nt * np.spacing(np.float32(partial))
    assert np.all(np.abs(got - ref) <= bound), np.abs(got - ref).max()
