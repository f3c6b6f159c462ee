"""The JIT builds a program's kernels side by side (cpp/emulator/src/runner/program_run.cpp: one std::async per
kernel; cpp/emulator/src/jit/jit.cpp holds its process lock only around the cache index, and a second request for a
key being built waits for it). Each test's kernels carry a fresh NONCE define, so their cache keys are cold whatever
the cache dir holds."""

from __future__ import annotations

import uuid

import harness as h
import pytest

from layernorm_fused_rm import _C

KERNEL = "ok/empty_dm.cpp"


def _readers(n, defines_of):
    return [h.reader(KERNEL, cores=h.crs(i, 0), defines=defines_of(i)) for i in range(n)]


def test_one_key_twice_in_a_program_compiles_once():
    # Two kernel descriptors with the same source, args and defines on two cores: one key. Built concurrently, the
    # second waits for the first and loads it from memory.
    dev = _C.EmuDevice("wormhole_b0")
    nonce = [("NONCE", uuid.uuid4().hex)]
    stats = dev.run(h.program(_readers(2, lambda i: nonce), []))
    assert (stats.jit_compiles, stats.jit_cache_hits) == (1, 1)


def test_distinct_keys_each_compile_once_and_then_hit():
    dev = _C.EmuDevice("wormhole_b0")
    nonce = uuid.uuid4().hex
    prog = h.program(_readers(3, lambda i: [("NONCE", nonce), ("WHICH", str(i))]), [])
    stats = dev.run(prog)
    assert (stats.jit_compiles, stats.jit_cache_hits) == (3, 0)
    stats = dev.run(prog)
    assert (stats.jit_compiles, stats.jit_cache_hits) == (0, 3)


@pytest.mark.parametrize("broken", [(1,), (0, 2)], ids=["second", "first_and_third"])
def test_the_first_failing_kernel_in_order_is_reported(broken):
    # Compiles run concurrently; the error raised is the first failing kernel's in kernel order, after every build
    # has finished (its #error text names BREAK's value: the kernel's index).
    dev = _C.EmuDevice("wormhole_b0")
    nonce = uuid.uuid4().hex
    defines = lambda i: [("NONCE", nonce)] + ([("BREAK", f"kernel_{i}")] if i in broken else [])  # noqa: E731
    with pytest.raises(_C.CompileError) as info:
        dev.run(h.program(_readers(3, defines), []))
    msg = str(info.value)
    assert f"kernel_{broken[0]}" in msg and all(f"kernel_{i}" not in msg for i in range(3) if i != broken[0]), msg
