"""Emulator rules between cores (issue 12): semaphores, L1 <-> L1 NOC writes and reads, multicast. One broken
exchange per rule (test_dev/emulator/kernels/ok/sem_exchange.cpp with a define, broken/read_unflushed.cpp), each
failing fast with the rule's own text; the unbroken exchange delivers every core's data to every core. Then the
W-split program's writer broken in each of its two exchange rounds."""

from __future__ import annotations

import shutil
import struct
import time

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C

import harness as h

EmulatorError = layernorm_fused_rm.EmulatorError
DeadlockError = layernorm_fused_rm.DeadlockError
N = 3  # cores (0,0), (1,0), (2,0)


@pytest.fixture
def dev():
    return _C.EmuDevice("wormhole_b0")


@pytest.fixture
def bufs(dev):
    b = h.Buffers(dev)
    yield b
    b.free()


def _exchange(dev, bufs, defines=()):
    """The exchange program on N cores of grid row 0, its output buffer address."""
    arch = dev.arch
    x0, y = arch.worker_noc_coord(0, 0)
    page = N * 16
    out = bufs.alloc(N * page, page)
    cores = h.crs(0, 0, N - 1, 0)
    k = h.reader("ok/sem_exchange.cpp", ct=h.accessor_args(32 * ((page + 31) // 32)), cores=cores,
                 per_core_rt=lambda c: [c.x, N, x0, y, out], defines=list(defines))
    return h.program([k], [h.cb(0, 1, cores=cores)], [h.semaphore(0, cores)]), out


def _expect(dev, prog, exc, *fragments):
    t0 = time.monotonic()
    with pytest.raises(exc) as info:
        dev.run(prog)
    msg = str(info.value)
    for f in fragments:
        assert f in msg, f"missing {f!r} in:\n{msg}"
    assert time.monotonic() - t0 < 5.0
    return msg


def test_noc_coordinates_follow_the_arch_tables(dev):
    # Wormhole translated coordinates: logical + 18 (arch_params.cpp); Blackhole: the soc descriptor's NOC0 columns.
    assert dev.arch.worker_noc_coord(0, 0) == (18, 18)
    assert dev.arch.worker_noc_coord(7, 7) == (25, 25)
    bh = _C.EmuDevice("blackhole").arch
    assert bh.worker_noc_coord(6, 0) == (7, 2)
    assert bh.worker_noc_coord(7, 9) == (10, 11)


def test_exchange_delivers_every_slot_to_every_core(dev, bufs):
    prog, out = _exchange(dev, bufs)
    stats = dev.run(prog)
    data = struct.unpack(f"<{N * N * 4}I", dev.read_dram_buffer(out, N * N * 16))
    for core in range(N):
        for slot in range(N):
            got = data[(core * N + slot) * 4:(core * N + slot + 1) * 4]
            assert got == tuple((slot + 1) * 1000 + k for k in range(4)), (core, slot, got)
    assert stats.warnings == []


def test_one_core_never_signals_is_a_deadlock_naming_the_semaphore(dev, bufs):
    prog, _ = _exchange(dev, bufs, [("NEVER_SIGNAL", "1")])
    msg = _expect(dev, prog, DeadlockError, "deadlock: every kernel of the program is blocked",
                  "reader sem_exchange.cpp @ core (0,0): blocked in noc_semaphore_wait(semaphore 0, 2): "
                  "semaphore 0 at L1 35168 of core (0,0) holds 1, waits for == 2; changed so far by: reader "
                  "sem_exchange.cpp @ core (1,0)",
                  "could still change it: reader sem_exchange.cpp @ core (1,0)")
    assert "reader sem_exchange.cpp @ core (2,0): finished" in msg, msg


def test_semaphore_incremented_before_the_data_was_flushed_is_a_race(dev, bufs):
    prog, _ = _exchange(dev, bufs, [("NO_BARRIER", "1")])
    _expect(dev, prog, EmulatorError, "noc_semaphore_inc(semaphore 0): signals a semaphore of core (",
            "before the data it guards was flushed: this kernel's NOC write to L1 [",
            "no noc_async_write_barrier / noc_async_writes_flushed before the signal (a race)")


def test_reading_l1_a_remote_write_has_not_completed_is_a_race(dev):
    x, y = dev.arch.worker_noc_coord(1, 0)
    cores = h.crs(0, 0, 1, 0)
    k = h.reader("broken/read_unflushed.cpp", cores=cores, per_core_rt=lambda c: [x, y, int(c.x == 0)])
    prog = h.program([k], [h.cb(0, 1, cores=cores)])
    _expect(dev, prog, EmulatorError, "reader read_unflushed.cpp @ core (0,0): noc_async_read: source L1 [",
            "on core (1,0) overlaps a NOC write from reader read_unflushed.cpp @ core (0,0) that has not completed")
    fixed = h.reader("broken/read_unflushed.cpp", cores=cores, per_core_rt=lambda c: [x, y, int(c.x == 0)],
                     defines=[("FIX", "1")])
    dev.run(h.program([fixed], [h.cb(0, 1, cores=cores)]))


def test_multicast_rectangle_outside_the_program_is_refused(dev, bufs):
    prog, _ = _exchange(dev, bufs, [("MCAST_OUTSIDE", "1")])
    _expect(dev, prog, EmulatorError, "noc_async_write_multicast: multicast rectangle (18,18)..(21,18) includes "
            "NOC (21,18), which is not a core of this program")


def test_multicast_num_dests_must_count_the_rectangle(dev, bufs):
    prog, _ = _exchange(dev, bufs, [("NUM_DESTS", str(N))])
    _expect(dev, prog, EmulatorError, "noc_async_write_multicast: num_dests 3 but the rectangle (18,18)..(20,18) "
            "has 2 destinations besides the sender")


def test_semaphore_increments_need_an_atomic_barrier_before_the_kernel_ends(dev, bufs):
    prog, _ = _exchange(dev, bufs, [("NO_ATOMIC_BARRIER", "1")])
    _expect(dev, prog, EmulatorError, "finished with 2 semaphore increments (noc_semaphore_inc) not waited for "
            "by noc_async_atomic_barrier()")


def test_get_semaphore_of_an_undeclared_semaphore_is_refused(dev, bufs):
    prog, _ = _exchange(dev, bufs)
    prog.semaphores = [h.semaphore(1, h.crs(0, 0, N - 1, 0))]
    _expect(dev, prog, EmulatorError, "get_semaphore(0): the program has no semaphore 0 on this core")


def _mcast_flag(dev, bufs, defines=()):
    x0, y = dev.arch.worker_noc_coord(0, 0)
    out = bufs.alloc(N * 16, 16)
    cores = h.crs(0, 0, N - 1, 0)
    k = h.reader("ok/mcast_flag.cpp", ct=h.accessor_args(32), cores=cores,
                 per_core_rt=lambda c: [c.x, N, x0, y, out], defines=list(defines))
    return h.program([k], [h.cb(0, 1, cores=cores)], [h.semaphore(0, cores)]), out


def test_loopback_multicast_and_semaphore_multicast_deliver_to_every_core(dev, bufs):
    prog, out = _mcast_flag(dev, bufs)
    dev.run(prog)
    data = struct.unpack(f"<{N * 4}I", dev.read_dram_buffer(out, N * 16))
    assert data == tuple(7000 + k for _ in range(N) for k in range(4)), data


def test_semaphore_multicast_before_the_data_was_flushed_is_a_race(dev, bufs):
    prog, _ = _mcast_flag(dev, bufs, [("NO_FLUSH", "1")])
    _expect(dev, prog, EmulatorError, "noc_semaphore_set_multicast(semaphore 0): signals a semaphore of core (1,0) "
            "before the data it guards was flushed")


# The W-split program's own writer (cpp/device/kernels/dataflow/writer_layernorm_fused_rm_wsplit.cpp), broken by text
# substitution in a copy of the kernel root: one broken exchange per round, for both exchanges (the precise kernel's
# tile exchange, one round: the default config; the FPU kernel's two rounds: a 16-bit DEST).
WSPLIT_WRITER = "writer_layernorm_fused_rm_wsplit.cpp"
TILE_SIGNAL = "signal_peers<S>(sem_addr, my);"
TILE_BARRIER = "noc_async_write_barrier();  // the rows have landed everywhere before any peer is told so"
ROUND1_SIGNAL = "signal_peers<S>(sem1_addr, my);"
ROUND2_SIGNAL = "signal_peers<S>(sem2_addr, my);"
ROUND2_BARRIER = "noc_async_write_barrier();  // the block has landed everywhere before any peer is told so"


@pytest.fixture
def broken_wsplit_writer(tmp_path):
    """Returns break_(old, new, fp32_dest): the kernel root becomes a copy whose W-split writer has `old` replaced by
    `new`, run with fp32 DEST (the precise kernel's tile exchange) or a 16-bit DEST (the FPU kernel's exchange)."""
    root = tmp_path / "kernels"
    shutil.copytree(layernorm_fused_rm.KERNEL_ROOT, root)
    writer = root / "dataflow" / WSPLIT_WRITER
    src = writer.read_text()

    def break_(old, new, fp32_dest=True):
        assert src.count(old) == 1, f"the W-split writer changed: update this sabotage ({old!r})"
        writer.write_text(src.replace(old, new))
        _C.set_kernel_root(str(root))
        layernorm_fused_rm.clear_program_cache()
        x = ttnn.from_torch(torch.randn(1, 1, 32, 256).to(torch.bfloat16), dtype=ttnn.bfloat16,
                            layout=ttnn.ROW_MAJOR_LAYOUT)
        cfg = ttnn.WormholeComputeKernelConfig(math_fidelity=ttnn.MathFidelity.HiFi4, fp32_dest_acc_en=fp32_dest)
        t0 = time.monotonic()
        try:
            ttnn.layernorm_fused_rm(x, program_factory=_C.WSPLIT_PROGRAM_FACTORY, wsplit_cores_per_row=2,
                                    compute_kernel_config=cfg)
        finally:
            assert time.monotonic() - t0 < 10.0
    try:
        yield break_
    finally:
        _C.set_kernel_root(str(layernorm_fused_rm.KERNEL_ROOT))
        layernorm_fused_rm.clear_program_cache()


@pytest.mark.parametrize("signal,sem,fp32_dest", [(TILE_SIGNAL, 0, True), (ROUND1_SIGNAL, 0, False),
                                                  (ROUND2_SIGNAL, 2, False)], ids=["tiles", "round1", "round2"])
def test_wsplit_core_that_never_signals_is_a_deadlock_naming_the_rounds_semaphore(broken_wsplit_writer, signal, sem,
                                                                                  fp32_dest):
    # S = 2, one tile-row: core 1 skips its signal of one round; core 0 waits for it forever (round 2: core 0 got
    # core 1's partials, but never core 1's rows 16..31). In round 1, core 1 then waits in round 2 for core 0.
    with pytest.raises(DeadlockError) as info:
        broken_wsplit_writer(signal, "if (my != 1) { " + signal + " }", fp32_dest)
    msg = str(info.value)
    assert (f"writer {WSPLIT_WRITER} @ core (0,0): blocked in noc_semaphore_wait(semaphore {sem}, 1): semaphore {sem} "
            "at L1 ") in msg, msg
    assert "holds 0, waits for == 1" in msg, msg
    if sem == 2:  # round 1 completed on both cores
        assert "blocked in noc_semaphore_wait(semaphore 0" not in msg, msg


@pytest.mark.parametrize("barrier,sem,fp32_dest", [(TILE_BARRIER, 0, True), (ROUND2_BARRIER, 2, False)],
                         ids=["tiles", "round2"])
def test_wsplit_signal_before_the_rows_were_flushed_is_a_race(broken_wsplit_writer, barrier, sem, fp32_dest):
    with pytest.raises(EmulatorError) as info:
        broken_wsplit_writer(barrier, "", fp32_dest)
    msg = str(info.value)
    assert f"noc_semaphore_inc(semaphore {sem}): signals a semaphore of core (" in msg, msg
    assert "no noc_async_write_barrier / noc_async_writes_flushed before the signal (a race)" in msg, msg
