"""Emulator strict rules: one deliberately broken kernel per rule (test_dev/emulator/kernels/broken/), each
failing fast with the rule's specific error text (issue 3)."""

from __future__ import annotations

import time

import pytest

import layernorm_fused_rm
from layernorm_fused_rm import _C

import harness as h

EmulatorError = layernorm_fused_rm.EmulatorError
DeadlockError = layernorm_fused_rm.DeadlockError


@pytest.fixture
def dev():
    return _C.EmuDevice("wormhole_b0")


def run_expect(dev, kernels, cbs, exc, *fragments):
    t0 = time.monotonic()
    with pytest.raises(exc) as info:
        dev.run(h.program(kernels, cbs))
    elapsed = time.monotonic() - t0
    msg = str(info.value)
    for f in fragments:
        assert f in msg, f"missing {f!r} in:\n{msg}"
    assert elapsed < 5.0, f"took {elapsed:.1f} s"
    return msg


# ---------------------------------------------------------------- circular buffers

def test_reserve_more_pages_than_capacity(dev):
    run_expect(dev, [h.reader("broken/reserve_over_capacity.cpp")], [h.cb(0, 4)], EmulatorError,
               "reader reserve_over_capacity.cpp @ core (0,0)",
               "cb_reserve_back(c_0, 5): reserves 5 pages but the CB holds only 4 pages (8192 B of 2048 B pages)")


def test_push_more_than_reserved(dev):
    run_expect(dev, [h.reader("broken/push_over_reserved.cpp")], [h.cb(0, 4)], EmulatorError,
               "cb_push_back(c_0, 2): pushes 2 pages but only 1 are reserved (push without reserve)")


def test_pop_more_than_waited(dev):
    run_expect(dev, [h.reader("broken/pop_over_waited.cpp")], [h.cb(0, 4)], EmulatorError,
               "cb_pop_front(c_0, 2): pops 2 pages but waited for only 1 (pop beyond what was waited for)")


def test_capacity_not_a_multiple_of_the_producer_chunk(dev):
    run_expect(dev, [h.reader("broken/chunk_not_dividing.cpp")], [h.cb(0, 3)], EmulatorError,
               "cb_reserve_back(c_0, 2): the reserved chunk would cross the end of the CB (write page 2 + 2 > "
               "capacity 3 pages): capacity must be a multiple of the producer's chunk")


def test_page_size_not_what_the_consumer_assumes(dev):
    run_expect(dev, [h.compute("broken/page_size_mismatch.cpp")],
               [h.cb(0, 2, page_size=1024), h.cb(16, 1)], EmulatorError,
               "compute page_size_mismatch.cpp @ core (0,0)",
               "copy_tile: c_0 has 1024 B pages but this call reads tile-sized pages (one Float16_b tile = 2048 B)")


def test_persistent_cb_popped_is_diagnosed(dev):
    msg = run_expect(dev, [h.reader("broken/persistent_reader.cpp"), h.compute("broken/persistent_popped.cpp")],
                     [h.cb(0, 1)], DeadlockError,
                     "blocked in cb_wait_front(c_0, 1): wants 1 pages, 0 available, capacity 1 pages",
                     "diagnosis: compute persistent_popped.cpp @ core (0,0) waits on c_0 but its producer (reader "
                     "persistent_reader.cpp @ core (0,0)) has finished after pushing 1 pages, of which 1 were popped: "
                     "a persistent CB was popped before its last use")
    assert "last CB operations: cb_wait_front(c_0, 1); cb_pop_front(c_0, 1); cb_wait_front(c_0, 1);" in msg, msg


def test_pages_left_at_program_end_is_a_warning_with_counts(dev):
    stats = dev.run(h.program([h.reader("broken/reader_two_pages.cpp"), h.compute("broken/leave_pages.cpp")],
                              [h.cb(0, 2)]))
    assert stats.warnings == ["c_0 on core (0,0) holds 1 pages at program end (pushed 2, popped 1)"]


def test_deadlock_report_names_every_kernel_and_its_last_cb_operations(dev):
    msg = run_expect(dev, [h.reader("broken/reader_one_short.cpp"), h.compute("broken/consumer_four.cpp")],
                     [h.cb(0, 4)], DeadlockError,
                     "deadlock: every kernel of the program is blocked",
                     "reader reader_one_short.cpp @ core (0,0): finished",
                     "compute consumer_four.cpp @ core (0,0): blocked in cb_wait_front(c_0, 4): wants 4 pages, "
                     "3 available, capacity 4 pages",
                     "the producer pushes fewer pages than the consumer waits for")
    assert "cb_push_back(c_0, 1); cb_reserve_back(c_0, 1); cb_push_back(c_0, 1);" in msg


# ---------------------------------------------------------------- compute

def test_compute_call_before_hw_startup(dev):
    run_expect(dev, [h.compute("broken/before_startup.cpp")], [h.cb(0, 1), h.cb(16, 1)], EmulatorError,
               "tilize_init before compute_kernel_hw_startup(): the unpacker, math and packer are not configured")


def test_tilize_without_init(dev):
    run_expect(dev, [h.compute("broken/tilize_no_init.cpp")], [h.cb(0, 1), h.cb(16, 1)], EmulatorError,
               "tilize_block(c_0, 1, c_16) without tilize_init for these CBs")


def test_pack_untilize_without_init(dev):
    run_expect(dev, [h.compute("broken/untilize_no_init.cpp")], [h.cb(0, 1), h.cb(16, 1)], EmulatorError,
               "pack_untilize_dest<1, 1>(c_16) without a matching pack_untilize_dest_init")


def test_switching_mode_without_uninit(dev):
    run_expect(dev, [h.compute("broken/no_uninit_switch.cpp")], [h.cb(0, 1), h.cb(16, 1)], EmulatorError,
               "pack_untilize_dest_init: tilize is still initialised (call tilize_uninit first)")


@pytest.mark.parametrize(
    "block,fp32,full_sync,limit,mode",
    [(9, False, False, 8, "16-bit DEST, half-sync"), (5, True, False, 4, "fp32 DEST, half-sync"),
     (17, False, True, 16, "16-bit DEST, full-sync"), (9, True, True, 8, "fp32 DEST, full-sync")],
)
def test_pack_untilize_block_wider_than_dest(dev, block, fp32, full_sync, limit, mode):
    k = h.compute("broken/untilize_block.cpp", fp32_dest=fp32, full_sync=full_sync,
                  defines=[("BLOCK", str(block)), ("FULL", str(block))])
    run_expect(dev, [k], [h.cb(0, 1), h.cb(16, 1)], EmulatorError,
               f"pack_untilize_dest_init<{block}, {block}>: block width {block} tiles exceeds the DEST limit of "
               f"{limit} tiles ({mode})")


def test_pack_untilize_full_width_not_a_multiple_of_the_block(dev):
    k = h.compute("broken/untilize_block.cpp", defines=[("BLOCK", "3"), ("FULL", "8")])
    run_expect(dev, [k], [h.cb(0, 1), h.cb(16, 1)], EmulatorError,
               "pack_untilize_dest_init<3, 8>: full width 8 is not a multiple of the block width 3")


@pytest.mark.parametrize("idx,fp32,full_sync,cap,mode", [
    (8, False, False, 8, "16-bit DEST, half-sync"), (4, True, False, 4, "fp32 DEST, half-sync"),
    (16, False, True, 16, "16-bit DEST, full-sync"), (8, True, True, 8, "fp32 DEST, full-sync")])
def test_dst_index_beyond_capacity(dev, idx, fp32, full_sync, cap, mode):
    k = h.compute("broken/dst_index.cpp", fp32_dest=fp32, full_sync=full_sync, defines=[("IDX", str(idx))])
    cbs = [h.cb(0, 1, fmt=h.FP32 if fp32 else h.BF16), h.cb(16, 1, fmt=h.FP32 if fp32 else h.BF16)]
    run_expect(dev, [k], cbs, EmulatorError,
               f"copy_tile: DST index {idx} is beyond the {cap} tiles DST holds in this mode ({mode})")


def test_pack_without_commit_and_wait(dev):
    run_expect(dev, [h.compute("broken/pack_without_commit.cpp")], [h.cb(0, 1), h.cb(16, 1)], EmulatorError,
               "pack_tile(0, c_16): DST is acquired (math), this call needs it waited (pack)")


def test_acquire_twice(dev):
    run_expect(dev, [h.compute("broken/acquire_twice.cpp")], [h.cb(0, 1), h.cb(16, 1)], EmulatorError,
               "tile_regs_acquire: DST is already acquired (acquire twice without tile_regs_release)")


def test_unpacking_a_cb_of_another_format_than_configured(dev):
    cbs = [h.cb(0, 1), h.cb(1, 1, fmt=h.FP32), h.cb(16, 1)]
    run_expect(dev, [h.compute("broken/format_mismatch.cpp")], cbs, EmulatorError,
               "copy_tile: c_1 holds Float32 but the unpacker (SrcA) is configured for Float16_b (by "
               "compute_kernel_hw_startup from c_0): call reconfig_data_format")
    # Fixed with reconfig_data_format_srca(c_0, c_1): runs.
    dev.run(h.program([h.compute("broken/format_mismatch.cpp", defines=[("FIX", "1")])], cbs))


def test_fpu_read_of_an_unpack_to_dest_fp32_cb(dev):
    """Issue 10: ISA UNPACR_Regular.md (FP32 out to SrcA/SrcB is UndefinedBehaviour), tt-llk cunpack_common.h
    is_unpacker_format_conversion_supported_dest(Float32, Float32, false) == false."""
    cbs = [h.cb(0, 1), h.cb(1, 1, fmt=h.FP32), h.cb(16, 1)]
    run_expect(dev, [h.compute("broken/fpu_reads_unpack_to_dest.cpp", fp32_dest=True, unpack_to_dest=[1])], cbs,
               EmulatorError, "compute fpu_reads_unpack_to_dest.cpp @ core (0,0)",
               "sub_tiles_bcast_cols: reads c_1 (Float32, marked UnpackToDestFp32) through SrcB",
               "ISA UNPACR_Regular.md", "is_unpacker_format_conversion_supported_dest")
    # Unmarked, the same kernel runs (c_1 reaches SrcB as TF32); marked, reading it into DEST runs.
    dev.run(h.program([h.compute("broken/fpu_reads_unpack_to_dest.cpp", fp32_dest=True)], cbs))
    dev.run(h.program([h.compute("broken/fpu_reads_unpack_to_dest.cpp", fp32_dest=True, unpack_to_dest=[1],
                                 defines=[("FIX", "1")])], cbs))


# ---------------------------------------------------------------- NOC and memory

def _dram_read(dev, bufs, *, page=0, offset=0, l1_skip=0, size=2048, no_barrier=False, pages=2):
    addr = bufs.alloc(pages * 2048, 2048)
    defines = [("PAGE", str(page)), ("OFFSET", str(offset)), ("L1_SKIP", str(l1_skip)), ("SIZE", str(size))]
    if no_barrier:
        defines.append(("NO_BARRIER", "1"))
    return h.reader("broken/dram_read.cpp", ct=h.accessor_args(2048), rt=[addr], defines=defines)


def test_dram_read_past_the_end_of_the_buffer(dev):
    bufs = h.Buffers(dev)
    try:
        k = _dram_read(dev, bufs, page=2)
        run_expect(dev, [k], [h.cb(0, 1)], EmulatorError, "noc_async_read: DRAM bank 2 [",
                   ", +2048) is not inside any allocated buffer")
    finally:
        bufs.free()


def test_l1_write_outside_the_cb_region(dev):
    bufs = h.Buffers(dev)
    try:
        k = _dram_read(dev, bufs, l1_skip=1024)
        base = dev.arch.l1_unreserved_base
        run_expect(dev, [k], [h.cb(0, 1)], EmulatorError,
                   f"noc_async_read: destination L1 [{base + 1024}, +2048) is outside the circular-buffer region "
                   f"[{base}, {base + 2048})")
    finally:
        bufs.free()


@pytest.mark.parametrize("arch,offset,align", [("wormhole_b0", 16, 32), ("blackhole", 32, 64)])
def test_dram_address_misaligned(arch, offset, align):
    dev = _C.EmuDevice(arch)
    bufs = h.Buffers(dev)
    try:
        k = _dram_read(dev, bufs, offset=offset, size=64)
        run_expect(dev, [k], [h.cb(0, 1)], EmulatorError, f"is not {align}-byte aligned")
    finally:
        bufs.free()


def test_push_of_read_data_without_barrier(dev):
    bufs = h.Buffers(dev)
    try:
        k = _dram_read(dev, bufs, no_barrier=True)
        run_expect(dev, [k], [h.cb(0, 1)], EmulatorError,
                   "cb_push_back(c_0, 1): 1 NOC reads into L1 were issued without noc_async_read_barrier() before "
                   "the push")
    finally:
        bufs.free()


@pytest.mark.parametrize("arch,l1,base", [("wormhole_b0", 1499136, 105824), ("blackhole", 1572864, 111744)])
def test_cbs_beyond_the_cores_l1(arch, l1, base):
    dev = _C.EmuDevice(arch)
    pages = (l1 - base) // 2048 + 1
    run_expect(dev, [h.reader("broken/persistent_reader.cpp")], [h.cb(0, pages)], EmulatorError,
               f"circular buffers need {pages * 2048} B of L1 on core (0,0), above the {l1 - base} B free above the "
               f"reserved base {base} of {l1} B {arch} L1")


# ---------------------------------------------------------------- arch parameters

def test_arch_params_wormhole_and_blackhole():
    wh = _C.ArchParams.by_name("n150")
    assert (wh.name, wh.grid_x, wh.grid_y, wh.l1_size, wh.l1_unreserved_base) == ("wormhole_b0", 8, 8, 1499136, 105824)
    assert (wh.num_dram_banks, wh.dram_alignment, wh.l1_alignment) == (12, 32, 16)
    bh = _C.ArchParams.by_name("p150")
    assert (bh.name, bh.grid_x, bh.grid_y, bh.l1_size, bh.l1_unreserved_base) == ("blackhole", 13, 10, 1572864, 111744)
    assert (bh.num_dram_banks, bh.dram_alignment, bh.l1_alignment) == (8, 64, 16)


def test_arch_from_env(monkeypatch):
    monkeypatch.setenv("LAYERNORM_FUSED_RM_ARCH", "blackhole")
    assert _C.EmuDevice().arch.name == "blackhole"
    assert _C.ArchParams.from_env().name == "blackhole"
    monkeypatch.delenv("LAYERNORM_FUSED_RM_ARCH")
    assert _C.EmuDevice().arch.name == "wormhole_b0"
    assert _C.EmuDevice("p150").arch.name == "blackhole"


@pytest.mark.parametrize("mode", ["none", "FLUSH", "BARRIER"])
def test_pop_of_written_data_needs_the_writes_flushed(dev, mode):
    """A CB page may be popped (released to its producer) once the writes reading it have left L1: after
    noc_async_writes_flushed as after noc_async_write_barrier (dataflow_api.h: flushed waits for the writes "to
    depart, but will not wait for them to complete"); ttnn's own writers pop after a flush (issue 11, item 5)."""
    bufs = h.Buffers(dev)
    try:
        k = h.writer("broken/dram_write.cpp", ct=h.accessor_args(2048), rt=[bufs.alloc(2048, 2048)],
                     defines=[] if mode == "none" else [(mode, "1")])
        if mode == "none":
            run_expect(dev, [k], [h.cb(0, 1)], EmulatorError,
                       "cb_pop_front(c_0, 1): 1 NOC writes from this CB were issued without noc_async_write_barrier() "
                       "(or noc_async_writes_flushed()) before the pop")
        else:
            dev.run(h.program([k], [h.cb(0, 1)]))
    finally:
        bufs.free()
