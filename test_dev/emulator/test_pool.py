"""The emulator runs every kernel of a program as a fiber on a bounded pool of host threads (issue 5): more
kernels than threads must neither deadlock nor serialise wrongly, deadlock detection stays exact and immediate
across the whole program, and the per-core counters are reported."""

from __future__ import annotations

import time

import numpy as np
import pytest

import layernorm_fused_rm
from layernorm_fused_rm import _C

import harness as h

GRID = h.crs(0, 0, 7, 7)  # all 64 Wormhole n150 worker cores


def _core_index(c):
    return c.y * 8 + c.x


def test_64_cores_192_kernels_on_2_threads():
    dev = _C.EmuDevice("wormhole_b0")
    rng = np.random.default_rng(0)
    a = h.bf16_round(rng.standard_normal((64, 32, 32)).astype(np.float32))
    b = h.bf16_round(rng.standard_normal((32, 32)).astype(np.float32))
    bufs = h.Buffers(dev)
    try:
        addr_a = bufs.put(b"".join(h.to_bytes(h.tilize(t), h.BF16) for t in a), 2048)
        addr_b = bufs.put(h.to_bytes(h.tilize(b), h.BF16), 2048)
        outs = [bufs.alloc(2048, 2048) for _ in range(64)]
        acc = h.accessor_args(2048)
        # Reader of core i reads tile i of A (CT: 1 tile of A starting at the accessor base of page i).
        ks = [
            h.reader("ok/reader_tiles.cpp", ct=[1, 1, *acc, *acc], cores=GRID,
                     per_core_rt=lambda c: [addr_a + (_core_index(c) // 12) * 2048, addr_b]),
            h.compute("ok/tile_math.cpp", ct=[1, 0], cores=GRID,
                      defines=[("OP_BINARY", "add_tiles"), ("OP_BINARY_INIT", "add_init")]),
            h.writer("ok/writer_tiles.cpp", ct=[1, *acc], cores=GRID, per_core_rt=lambda c: [outs[_core_index(c)]]),
        ]
        cbs = [h.cb(0, 1, cores=GRID), h.cb(1, 1, cores=GRID), h.cb(16, 1, cores=GRID)]
        t0 = time.monotonic()
        stats = dev.run(h.program(ks, cbs), max_threads=2)
        elapsed = time.monotonic() - t0
        assert elapsed < 10, elapsed
        assert stats.host_threads == 2
        assert stats.kernels_run == 192
        assert stats.cores_used == 64
        assert stats.tiles_computed == 64
        assert stats.tiles_computed_per_core == {(x, y): 1 for x in range(8) for y in range(8)}
        base = dev.arch.l1_unreserved_base
        assert stats.l1_high_water_per_core == {(x, y): base + 3 * 2048 for x in range(8) for y in range(8)}
        assert stats.noc_transactions_per_core == {(x, y): 3 for x in range(8) for y in range(8)}
        assert stats.noc_transactions == 192
        assert sum(stats.dram_bytes_written_per_buffer.values()) == 64 * 2048
        for i, addr in enumerate(outs):
            # page i of A lives in bank i % 12 at base + (i // 12) * 2048: the reader's accessor (base shifted by
            # (i // 12) pages) reads its page 0 from bank 0, i.e. global page 12 * (i // 12).
            src = a[12 * (i // 12)]
            got = h.untilize(h.from_bytes(dev.read_dram_buffer(addr, 2048), h.BF16))
            np.testing.assert_array_equal(got, h.bf16_round(src + b))
    finally:
        bufs.free()


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_blocking_kernels_outnumbering_threads_complete(threads):
    dev = _C.EmuDevice("wormhole_b0")
    ks = [h.reader("ok/pingpong_producer.cpp", ct=[50], cores=GRID),
          h.compute("ok/pingpong_consumer.cpp", ct=[50], cores=GRID)]
    stats = dev.run(h.program(ks, [h.cb(0, 1, cores=GRID)]), max_threads=threads)
    assert stats.host_threads == threads
    assert stats.kernels_run == 128
    assert stats.warnings == []


def test_deadlock_across_64_cores_is_exact_and_immediate():
    dev = _C.EmuDevice("wormhole_b0")
    ks = [h.reader("broken/reader_one_short.cpp", cores=GRID), h.compute("broken/consumer_four.cpp", cores=GRID)]
    t0 = time.monotonic()
    with pytest.raises(layernorm_fused_rm.DeadlockError) as info:
        dev.run(h.program(ks, [h.cb(0, 4, cores=GRID)]), max_threads=2)
    assert time.monotonic() - t0 < 5
    msg = str(info.value)
    assert msg.count("blocked in cb_wait_front(c_0, 4): wants 4 pages, 3 available, capacity 4 pages") == 64
    assert "compute consumer_four.cpp @ core (7,7): blocked" in msg


def test_no_false_deadlock_when_one_core_finishes_early():
    # 63 cores ping-pong 50 pages, one core's pair only 1: it finishes long before the others.
    dev = _C.EmuDevice("wormhole_b0")
    one = h.crs(0, 0)
    rest = [h.crs(x, y) for y in range(8) for x in range(8) if (x, y) != (0, 0)]
    ks = [h.reader("ok/pingpong_producer.cpp", ct=[1], cores=one), h.compute("ok/pingpong_consumer.cpp", ct=[1], cores=one)]
    for r in rest:
        ks += [h.reader("ok/pingpong_producer.cpp", ct=[50], cores=r),
               h.compute("ok/pingpong_consumer.cpp", ct=[50], cores=r)]
    stats = dev.run(h.program(ks, [h.cb(0, 1, cores=GRID)]), max_threads=2)
    assert stats.kernels_run == 128


def test_thread_count_from_env(monkeypatch):
    monkeypatch.setenv("LAYERNORM_FUSED_RM_EMU_THREADS", "3")
    dev = _C.EmuDevice("wormhole_b0")
    ks = [h.reader("ok/pingpong_producer.cpp", ct=[5], cores=GRID), h.compute("ok/pingpong_consumer.cpp", ct=[5], cores=GRID)]
    assert dev.run(h.program(ks, [h.cb(0, 1, cores=GRID)])).host_threads == 3
    monkeypatch.setenv("LAYERNORM_FUSED_RM_EMU_THREADS", "zero")
    with pytest.raises(layernorm_fused_rm.EmulatorError, match="LAYERNORM_FUSED_RM_EMU_THREADS='zero'"):
        dev.run(h.program(ks, [h.cb(0, 1, cores=GRID)]))
