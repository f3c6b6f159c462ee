"""Stage 6: the real kernels JIT-compile and run on the emulated Tensix core.

Checks the data movement the kernels must do (bytes read and written per buffer), the JIT cache, and
that a kernel broken to push one page too few is reported as a deadlock naming that CB, fast.
"""

import re
import shutil
import time
from pathlib import Path

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C


def _host(t):
    return ttnn.from_torch(t.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)


def _run(shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g)
    w = shape[-1]
    gamma = torch.randn(w, generator=g)
    beta = torch.randn(w, generator=g)
    return ttnn.layernorm_fused_rm(_host(x), _host(gamma), _host(beta), eps=1e-5, return_stats=True)


@pytest.mark.parametrize("shape", [[1, 1, 32, 32], [1, 1, 33, 64], [5, 96]])
def test_kernels_run_and_move_exactly_the_tensor_bytes(shape):
    out, stats = _run(shape)
    assert list(out.shape) == shape
    assert out.dtype == ttnn.bfloat16
    assert out.layout == ttnn.ROW_MAJOR_LAYOUT
    w = shape[-1]
    rows = 1
    for d in shape[:-1]:
        rows *= d
    stick = w * 2
    # Input read once, gamma and beta one stick each per core; output written once and never past the
    # last row.
    cores = min((rows + 31) // 32, 64)
    assert stats["dram_bytes_read"] == rows * stick + cores * 2 * stick
    assert stats["dram_bytes_written"] == rows * stick
    # Tiles packed by the compute kernels: gamma and beta tilized once per core (2 Wt), then per 32-row
    # block. The default config (fp32 DEST) runs the shifted kernel: tilize and untilize (2 Wt), and for the
    # mean and for the inverse std the row-sum tile, its bf16 part, its rest and the statistic (8). (The FPU
    # kernel of a 16-bit DEST packs tilize, (x-m)^2, x-m, normalize, gamma, untilize (6 Wt) plus mean,
    # variance, inverse std (3).)
    wt = w // 32
    blocks = (rows + 31) // 32
    assert stats["cores_used"] == cores  # one tile-row per core up to the 8x8 Wormhole grid
    assert stats["tiles_computed"] == cores * 2 * wt + blocks * (2 * wt + 8)
    assert stats["warnings"] == []


def test_jit_cache_hits_on_second_run():
    _run([1, 1, 32, 64])
    _, stats = _run([1, 1, 32, 64], seed=1)
    assert stats["jit_cache_hits"] == 3
    assert stats["jit_compiles"] == 0


def _descriptor_and_buffers(dev, shape):
    """Builds a descriptor over freshly allocated emulator buffers (bf16, ones/zeros affine)."""
    w = shape[-1]
    rows = 1
    for d in shape[:-1]:
        rows *= d
    stick = 2 * w
    x = torch.randn(shape).to(torch.bfloat16)
    addr_in = dev.allocate_dram_buffer(rows * stick, stick)
    dev.write_dram_buffer(addr_in, x.view(torch.int16).numpy().tobytes())
    addr_g = dev.allocate_dram_buffer(stick, stick)
    dev.write_dram_buffer(addr_g, torch.ones(w, dtype=torch.bfloat16).view(torch.int16).numpy().tobytes())
    addr_b = dev.allocate_dram_buffer(stick, stick)
    dev.write_dram_buffer(addr_b, torch.zeros(w, dtype=torch.bfloat16).view(torch.int16).numpy().tobytes())
    addr_out = dev.allocate_dram_buffer(rows * stick, stick)
    desc = layernorm_fused_rm.create_program_descriptor(_host(x), _host(torch.ones(w)), _host(torch.zeros(w)))
    reader, compute, writer = desc.kernels
    # Point the runtime args at the buffers just allocated (reader: in, gamma, beta; writer: out).
    core, rargs = reader.runtime_args[0]
    rargs = list(rargs)
    rargs[_C.reader_rt_args.input_addr] = addr_in
    rargs[_C.reader_rt_args.gamma_addr] = addr_g
    rargs[_C.reader_rt_args.beta_addr] = addr_b
    reader.runtime_args = [(core, rargs)]
    core, wargs = writer.runtime_args[0]
    wargs = list(wargs)
    wargs[_C.writer_rt_args.output_addr] = addr_out
    writer.runtime_args = [(core, wargs)]
    desc.kernels = [reader, compute, writer]
    return desc, [addr_in, addr_g, addr_b, addr_out]


def test_push_one_page_too_few_is_reported_as_deadlock_naming_the_cb(tmp_path):
    src = Path(_C.kernel_root()) / "dataflow" / "reader_layernorm_fused_rm.cpp"
    text = src.read_text()
    assert "cb_push_back(cb_in_rm, tiles);" in text
    # Same layout as the kernel root: the kernel includes ../layernorm_fused_rm_cb_index.hpp and
    # ../layernorm_fused_rm_kernel_args.hpp.
    (tmp_path / "dataflow").mkdir()
    for header in src.parent.parent.glob("*.hpp"):
        shutil.copy(header, tmp_path)
    broken = tmp_path / "dataflow" / "reader_push_one_too_few.cpp"
    broken.write_text(text.replace("cb_push_back(cb_in_rm, tiles);", "cb_push_back(cb_in_rm, tiles - 1);"))

    dev = _C.EmuDevice(_C.ArchParams.by_name("wormhole_b0"))
    desc, addrs = _descriptor_and_buffers(dev, [1, 1, 32, 128])
    reader = desc.kernels[0]
    reader.kernel_source = str(broken)
    desc.kernels = [reader, desc.kernels[1], desc.kernels[2]]
    t0 = time.monotonic()
    with pytest.raises(layernorm_fused_rm.DeadlockError) as info:
        dev.run(desc)
    elapsed = time.monotonic() - t0
    msg = str(info.value)
    # The compute kernel waits for the 4 pages of c_0 that never all arrive.
    assert re.search(r"compute .*blocked in cb_wait_front\(c_0, 4\): wants 4 pages, 3 available, capacity 4 pages", msg), msg
    assert re.search(r"writer .*blocked in cb_wait_front\(c_16, 4\)", msg), msg
    assert elapsed < 5.0, f"deadlock took {elapsed:.1f} s to report"
    for a in addrs:
        dev.deallocate_dram_buffer(a)


def test_unbroken_descriptor_runs_on_the_same_device():
    dev = _C.EmuDevice(_C.ArchParams.by_name("wormhole_b0"))
    desc, addrs = _descriptor_and_buffers(dev, [1, 1, 32, 128])
    stats = dev.run(desc)
    assert stats.dram_bytes_written == 32 * 128 * 2
    for a in addrs:
        dev.deallocate_dram_buffer(a)


def test_seed_hang_stick_paged_cb_is_named():
    # The earlier attempts paged the row-major input CB one stick per page while tilize_block counts
    # tile-sized pages, and hung on silicon (shared/seeds/001, 004). Same kernels, c_0 re-paged that way.
    dev = _C.EmuDevice(_C.ArchParams.by_name("wormhole_b0"))
    desc, addrs = _descriptor_and_buffers(dev, [1, 1, 32, 128])
    stick = 128 * 2
    cbs = desc.cbs
    c0 = [cb for cb in cbs if cb.format_descriptors[0].buffer_index == 0][0]
    assert c0.total_size == 32 * stick  # one tile-row block either way
    fmt = c0.format_descriptors[0]
    fmt.page_size = stick
    c0.format_descriptors = [fmt]
    t0 = time.monotonic()
    with pytest.raises(layernorm_fused_rm.EmulatorError) as info:
        dev.run(desc)
    assert time.monotonic() - t0 < 5.0
    msg = str(info.value)
    assert "tilize_block(c_0, 4, c_1)" in msg, msg
    assert "256 B pages but tilize_block counts tile-sized pages (2048 B)" in msg, msg
    for a in addrs:
        dev.deallocate_dram_buffer(a)


def test_counters_per_tensor_and_per_core():
    x = torch.randn(3 * 32 + 5, 160)
    # The row-resident program (the model may take a W-split here by default: next test).
    out, stats = ttnn.layernorm_fused_rm(_host(x), _host(torch.randn(160)), _host(torch.randn(160)), return_stats=True,
                                         program_factory=_C.program_factory_name())
    stick = 160 * 2
    cores = 4  # 4 tile-rows, one per core
    assert stats["dram_bytes_read_per_tensor"] == {"input": x.shape[0] * stick, "gamma": cores * stick,
                                                   "beta": cores * stick}
    assert stats["dram_bytes_written_per_tensor"] == {"output": x.shape[0] * stick}
    assert len(stats["tiles_computed_per_core"]) == cores
    assert sum(stats["tiles_computed_per_core"].values()) == stats["tiles_computed"]
    assert len(stats["l1_high_water_per_core"]) == cores
    assert stats["cores_used"] == cores


def test_counters_per_tensor_and_per_core_of_the_default_program():
    # The default program on the full grid (the model's fastest; a W-split of S cores per tile-row reads gamma and
    # beta once per group of S cores, each core its slice): the same per-tensor and per-core bookkeeping.
    x = torch.randn(3 * 32 + 5, 160)
    args = (_host(x), _host(torch.randn(160)), _host(torch.randn(160)))
    desc = layernorm_fused_rm.create_program_descriptor(*args)
    out, stats = ttnn.layernorm_fused_rm(*args, return_stats=True)
    stick = 160 * 2
    cores = stats["cores_used"]
    if desc.program_factory == _C.WSPLIT_PROGRAM_FACTORY:
        S = desc.kernels[2].compile_time_args[_C.wsplit_writer_ct_args.S]
        assert cores == 4 * S  # 4 tile-rows, one per group
        readers = cores // S
    else:
        assert cores == 4
        readers = cores
    assert stats["dram_bytes_read_per_tensor"] == {"input": x.shape[0] * stick, "gamma": readers * stick,
                                                   "beta": readers * stick}
    assert stats["dram_bytes_written_per_tensor"] == {"output": x.shape[0] * stick}
    assert len(stats["tiles_computed_per_core"]) == cores == len(stats["l1_high_water_per_core"])
    assert sum(stats["tiles_computed_per_core"].values()) == stats["tiles_computed"]
