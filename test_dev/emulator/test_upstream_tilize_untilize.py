"""ttnn 0.81's tilize and untilize programs, unmodified from the wheel, on the emulator (issue 11). Both are
Metal 2.0 programs: their kernels name their buffers, tensors and arguments (`dfb::in`, `tensor::src`,
`get_arg(args::num_sticks)`), so each kernel descriptor carries the bindings tt-metal's single-core factories
declare (tilize_single_core_program_factory.cpp, untilize_single_core_program_factory.cpp in the wheel), and the
emulator's JIT generates the headers tt-metal's JIT would. Tilize and untilize move data only: the result must
equal the reference layout conversion bit for bit (bf16 through a 16-bit DEST is exact; fp32 through
UnpackToDest into a 32-bit DEST is exact, which is why upstream selects that mode for fp32).
"""

from __future__ import annotations

import numpy as np
import pytest

import harness as h
import upstream as up

TILIZE_READER = f"{up.OPS}/data_movement/tilize/device/kernels/dataflow/reader_unary_stick_layout_split_rows_singlecore.cpp"
TILIZE_COMPUTE = "ttnn/cpp/ttnn/kernel/compute/tilize_metal2.cpp"
TILE_WRITER = f"{up.OPS}/eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id_metal2.cpp"
UNTILIZE_READER = f"{up.OPS}/data_movement/untilize/device/kernels/dataflow/reader_unary_start_id_metal2.cpp"
UNTILIZE_COMPUTE = f"{up.OPS}/data_movement/untilize/device/kernels/compute/untilize_metal2.cpp"
STICK_WRITER = f"{up.OPS}/data_movement/untilize/device/kernels/dataflow/writer_unary_stick_layout_split_rows_single_core.cpp"


def data(shape, fmt, seed):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32) * 3
    return h.bf16_round(x) if fmt == h.BF16 else x


def tilize_program(src, dst, rows, cols, fmt):
    """As TilizeSingleCoreProgramFactory with the whole row in one block (it fits L1 for these widths)."""
    esz = 2 if fmt == h.BF16 else 4
    tile = 1024 * esz
    wt = cols // 32
    fp32 = fmt == h.FP32
    reader = h.reader(up.pinned(TILIZE_READER), ct=h.accessor_args(cols * esz),
                      rt=[rows, wt, wt * 32 * esz, 1, 0])
    reader.common_runtime_args = [src]
    reader.named_compile_time_args = [("tile_height", 32)]
    reader.metal2 = up.metal2(dfbs=[("in", 0)], tensors=[up.tensor_binding("src", 0)],
                              runtime_arg_names=["num_sticks", "num_tiles_per_block", "block_width_size",
                                                 "num_full_blocks_in_row", "start_stick_id"])
    writer = h.writer(up.pinned(TILE_WRITER), ct=h.accessor_args(tile), rt=[rows // 32 * wt, 0])
    writer.common_runtime_args = [dst]
    writer.metal2 = up.metal2(dfbs=[("out", 16)], tensors=[up.tensor_binding("dst", 0)],
                              runtime_arg_names=["num_pages", "start_id"])
    compute = h.compute(up.pinned(TILIZE_COMPUTE), fp32_dest=fp32, unpack_to_dest=[0] if fp32 else None)
    compute.named_compile_time_args = [("per_core_block_cnt", rows // 32), ("per_core_block_tile_cnt", wt)]
    compute.metal2 = up.metal2(dfbs=[("in", 0), ("out", 16)])
    return h.program([reader, writer, compute],
                     [h.cb(0, wt, fmt, page_size=tile), h.cb(16, wt, fmt, page_size=tile)])


def untilize_program(src, dst, rows, cols, fmt):
    """As UntilizeSingleCoreProgramFactory (interleaved output: one column of blocks, whole row per block)."""
    esz = 2 if fmt == h.BF16 else 4
    tile = 1024 * esz
    wt = cols // 32
    fp32 = fmt == h.FP32
    reader = h.reader(up.pinned(UNTILIZE_READER), ct=h.accessor_args(tile), rt=[rows // 32 * wt, 0])
    reader.common_runtime_args = [src]
    reader.metal2 = up.metal2(dfbs=[("in", 0)], tensors=[up.tensor_binding("src", 0)],
                              runtime_arg_names=["num_tiles", "start_id"])
    writer = h.writer(up.pinned(STICK_WRITER), ct=h.accessor_args(cols * esz))
    writer.common_runtime_args = [dst]
    writer.named_compile_time_args = [
        ("tile_height", 32), ("num_blocks_across_height", rows // 32), ("num_output_columns_of_blocks", 1),
        ("num_blocks_per_output_column_row", 1), ("num_tiles_per_output_block", wt),
        ("output_single_block_width_size", wt * 32 * esz)]
    writer.metal2 = up.metal2(dfbs=[("out", 16)], tensors=[up.tensor_binding("dst", 0)])
    compute = h.compute(up.pinned(UNTILIZE_COMPUTE), fp32_dest=fp32, unpack_to_dest=[0] if fp32 else None)
    compute.named_compile_time_args = [("per_core_block_cnt", rows // 32), ("per_core_block_tile_cnt", wt)]
    compute.metal2 = up.metal2(dfbs=[("src", 0), ("out", 16)])
    return h.program([reader, writer, compute],
                     [h.cb(0, wt, fmt, page_size=tile), h.cb(16, wt, fmt, page_size=tile)])


@pytest.fixture
def dev():
    return h._C.EmuDevice("wormhole_b0")


@pytest.mark.parametrize("fmt", [h.BF16, h.FP32], ids=["bf16", "fp32_unpack_to_dest"])
@pytest.mark.parametrize("shape", [(32, 32), (64, 96), (96, 256)])
def test_tilize_single_core_bit_exact(dev, fmt, shape):
    rows, cols = shape
    x = data(shape, fmt, 1)
    esz = 2 if fmt == h.BF16 else 4
    _, out = up.run_program(dev, h.to_bytes(x, fmt), cols * esz, rows * cols * esz, 1024 * esz,
                            lambda src, dst: tilize_program(src, dst, rows, cols, fmt))
    got = h.from_bytes(out, fmt)
    np.testing.assert_array_equal(got.view(np.uint32), up.tiles_of(x).view(np.uint32))


@pytest.mark.parametrize("fmt", [h.BF16, h.FP32], ids=["bf16", "fp32_unpack_to_dest"])
@pytest.mark.parametrize("shape", [(32, 64), (64, 384), (32, 160)])
def test_untilize_single_core_bit_exact(dev, fmt, shape):
    """(64, 384) bf16: 12 tiles per row, wider than the 8-tile half-sync DEST, so kernel_lib splits each row into
    2 sub-blocks of 6 (pack_untilize_block with block_c_index 0, 1); fp32 (4-tile DEST) splits 160 into 5 x 1."""
    rows, cols = shape
    x = data(shape, fmt, 2)
    esz = 2 if fmt == h.BF16 else 4
    tile = 1024 * esz
    _, out = up.run_program(dev, h.to_bytes(up.tiles_of(x), fmt), tile, rows * cols * esz, cols * esz,
                            lambda src, dst: untilize_program(src, dst, rows, cols, fmt))
    got = h.from_bytes(out, fmt).reshape(rows, cols)
    np.testing.assert_array_equal(got.view(np.uint32), x.view(np.uint32))


MC_COMPUTE = f"{up.OPS}/data_movement/untilize/device/kernels/compute/untilize_variable_num_blocks_metal2.cpp"
MC_WRITER = f"{up.OPS}/data_movement/untilize/device/kernels/dataflow/writer_unary_stick_layout_split_rows_multi_core.cpp"


def untilize_multi_core_program(src, dst, rows, cols, fmt, ncores):
    """As UntilizeMultiCoreProgramFactory for interleaved input and output: tile-rows (blocks of a whole row of
    tiles) split over the cores; the writer places each block's 32 sticks by tile-row index."""
    esz = 2 if fmt == h.BF16 else 4
    tile = 1024 * esz
    wt, ht = cols // 32, rows // 32
    fp32 = fmt == h.FP32
    cores = up.grid(ncores)
    core_list = list(cores.cores())
    split = {(c.x, c.y): s for c, s in zip(core_list, up.split_pages(ht, core_list))}
    blk = lambda c: split[(c.x, c.y)]  # (first tile-row, tile-rows)
    reader = h.reader(up.pinned(UNTILIZE_READER), cores=cores, ct=h.accessor_args(tile),
                      per_core_rt=lambda c: [blk(c)[1] * wt, blk(c)[0] * wt])
    reader.common_runtime_args = [src]
    reader.metal2 = up.metal2(dfbs=[("in", 0)], tensors=[up.tensor_binding("src", 0)],
                              runtime_arg_names=["num_tiles", "start_id"])
    writer = h.writer(up.pinned(MC_WRITER), cores=cores, ct=h.accessor_args(cols * esz),
                      per_core_rt=lambda c: [blk(c)[1], blk(c)[0], cols, 0, 0])
    writer.common_runtime_args = [dst]
    writer.named_compile_time_args = [
        ("tile_height", 32), ("num_tiles_per_input_block", wt), ("num_output_blocks_across_width", 1),
        ("output_element_size", esz), ("num_cols_per_input_block", cols), ("num_cols_per_output_block", cols)]
    writer.metal2 = up.metal2(dfbs=[("out", 16)], tensors=[up.tensor_binding("dst", 0)], runtime_arg_names=[
        "num_input_blocks_to_process", "height_wise_input_block_start_index", "num_unpadded_cols_per_input_block",
        "width_wise_output_block_start_index", "num_cols_already_processed_in_first_output_block"])
    compute = h.compute(up.pinned(MC_COMPUTE), cores=cores, fp32_dest=fp32, unpack_to_dest=[0] if fp32 else None,
                        per_core_rt=lambda c: [blk(c)[1]])
    compute.named_compile_time_args = [("per_core_block_tile_cnt", wt)]
    compute.metal2 = up.metal2(dfbs=[("src", 0), ("out", 16)], runtime_arg_names=["per_core_block_cnt"])
    return h.program([reader, writer, compute],
                     [h.cb(0, wt, fmt, page_size=tile, cores=cores), h.cb(16, wt, fmt, page_size=tile, cores=cores)])


@pytest.mark.parametrize("fmt", [h.BF16, h.FP32], ids=["bf16", "fp32_unpack_to_dest"])
def test_untilize_multi_core_bit_exact(dev, fmt):
    """5 tile-rows of 12 tiles over 3 cores (2, 2, 1 blocks): wider than DEST, so sub-blocks on every core."""
    rows, cols, ncores = 160, 384, 3
    x = data((rows, cols), fmt, 3)
    esz = 2 if fmt == h.BF16 else 4
    tile = 1024 * esz
    stats, out = up.run_program(dev, h.to_bytes(up.tiles_of(x), fmt), tile, rows * cols * esz, cols * esz,
                                lambda src, dst: untilize_multi_core_program(src, dst, rows, cols, fmt, ncores))
    got = h.from_bytes(out, fmt).reshape(rows, cols)
    assert stats.cores_used == ncores
    np.testing.assert_array_equal(got.view(np.uint32), x.view(np.uint32))


MC_TILIZE_READER = f"{up.OPS}/data_movement/tilize/device/kernels/dataflow/reader_unary_stick_layout_split_rows_multicore.cpp"


def tilize_multi_core_program(src, dst, rows, cols, fmt, ncores):
    """As TilizeMultiCoreDefaultProgramFactory: tile-rows (blocks of a whole row of tiles) split as
    split_blocks_for_tilize does (ceil(nblocks / ncores) per core, the last core takes the remainder, "cliff"), one
    compute kernel for the full cores and one for the cliff core, each with its own per_core_block_cnt."""
    esz = 2 if fmt == h.BF16 else 4
    tile = 1024 * esz
    wt, nblocks = cols // 32, rows // 32
    fp32 = fmt == h.FP32
    per_core = -(-nblocks // ncores)
    used = -(-nblocks // per_core)
    cliff = nblocks % per_core
    counts = [per_core] * (used - (1 if cliff else 0)) + ([cliff] if cliff else [])
    starts = [sum(counts[:i]) for i in range(used)]
    cores = up.grid(used)
    blk = lambda c: (starts[c.x], counts[c.x])  # (first tile-row, tile-rows)
    reader = h.reader(up.pinned(MC_TILIZE_READER), cores=cores, ct=h.accessor_args(cols * esz),
                      per_core_rt=lambda c: [blk(c)[1] * 32, wt, cols * esz, 1, blk(c)[0] * 32])
    reader.common_runtime_args = [src]
    reader.named_compile_time_args = [("tile_height", 32), ("num_pages_in_row", 1),
                                      ("size_of_valid_data_in_last_page_in_row", cols * esz)]
    reader.metal2 = up.metal2(dfbs=[("in", 0)], tensors=[up.tensor_binding("src", 0)], runtime_arg_names=[
        "num_rows", "num_tiles_per_block", "block_width_size", "num_full_blocks_in_row", "start_page_id"])
    writer = h.writer(up.pinned(TILE_WRITER), cores=cores, ct=h.accessor_args(tile),
                      per_core_rt=lambda c: [blk(c)[1] * wt, blk(c)[0] * wt])
    writer.common_runtime_args = [dst]
    writer.metal2 = up.metal2(dfbs=[("out", 16)], tensors=[up.tensor_binding("dst", 0)],
                              runtime_arg_names=["num_pages", "start_id"])
    computes = []
    for first, last, cnt in ([(0, used - 2, per_core), (used - 1, used - 1, cliff)] if cliff else [(0, used - 1, per_core)]):
        if last < first:
            continue
        k = h.compute(up.pinned(TILIZE_COMPUTE), cores=h.crs(first, 0, last, 0), fp32_dest=fp32,
                      unpack_to_dest=[0] if fp32 else None)
        k.named_compile_time_args = [("per_core_block_cnt", cnt), ("per_core_block_tile_cnt", wt)]
        k.metal2 = up.metal2(dfbs=[("in", 0), ("out", 16)])
        computes.append(k)
    return h.program([reader, writer, *computes],
                     [h.cb(0, wt, fmt, page_size=tile, cores=cores), h.cb(16, wt, fmt, page_size=tile, cores=cores)])


@pytest.mark.parametrize("fmt", [h.BF16, h.FP32], ids=["bf16", "fp32_unpack_to_dest"])
def test_tilize_multi_core_bit_exact(dev, fmt):
    """5 tile-rows of 3 tiles over 3 cores: 2, 2 and a cliff core with 1."""
    rows, cols, ncores = 160, 96, 3
    x = data((rows, cols), fmt, 4)
    esz = 2 if fmt == h.BF16 else 4
    tile = 1024 * esz
    stats, out = up.run_program(dev, h.to_bytes(x, fmt), cols * esz, rows * cols * esz, tile,
                                lambda src, dst: tilize_multi_core_program(src, dst, rows, cols, fmt, ncores))
    got = h.from_bytes(out, fmt)
    assert stats.cores_used == ncores
    np.testing.assert_array_equal(got.view(np.uint32), up.tiles_of(x).view(np.uint32))
