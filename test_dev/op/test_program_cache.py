# SPDX-License-Identifier: Apache-2.0
"""Program cache (issue 5, item 3): a second call with the same shapes, dtypes and config reuses the program
descriptor and only rewrites the buffer addresses in its runtime args, as tt-metal's program cache and
override_runtime_arguments do. Tested with counters, never with timing."""

from __future__ import annotations

import pytest
import torch
import ttnn

import layernorm_fused_rm
from layernorm_fused_rm import _C
from layernorm_fused_rm._op import ARCH_ENV, _Prepared
from _compare import report

SHAPE = [1, 1, 96, 64]  # 3 tile-rows: more than one core once the work is split over the grid


@pytest.fixture(autouse=True)
def fresh_cache():
    layernorm_fused_rm.clear_program_cache()
    yield
    layernorm_fused_rm.clear_program_cache()


def _counts() -> dict[str, int]:
    """program_cache_stats() without the capacity (which $LAYERNORM_FUSED_RM_PROGRAM_CACHE_SIZE may change)."""
    return {k: v for k, v in layernorm_fused_rm.program_cache_stats().items() if k != "capacity"}


def _host(t: torch.Tensor, dtype=ttnn.bfloat16) -> ttnn.Tensor:
    return ttnn.from_torch(t, dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)


def _inputs(shape, seed):
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(shape, generator=g) * 3 + 1).to(torch.bfloat16)
    gamma = (torch.rand(shape[-1], generator=g) + 0.5).to(torch.bfloat16)
    beta = torch.randn(shape[-1], generator=g).to(torch.bfloat16)
    return x, gamma, beta


def _run(x, gamma=None, beta=None, **kw):
    out, stats = ttnn.layernorm_fused_rm(
        _host(x), None if gamma is None else _host(gamma), None if beta is None else _host(beta),
        return_stats=True, **kw
    )
    return ttnn.to_torch(out), stats


def _bits(t: torch.Tensor) -> torch.Tensor:
    return t.contiguous().view(torch.int16)


def _signature(desc) -> tuple:
    """Every field of a descriptor as plain Python values (CoreCoord/CoreRange by repr)."""
    cbs = tuple(
        (cb.total_size, repr(cb.core_ranges),
         tuple((f.buffer_index, f.data_format.name, f.page_size) for f in cb.format_descriptors))
        for cb in desc.cbs
    )
    kernels = tuple(
        (k.kernel_source, repr(k.core_ranges), tuple(k.compile_time_args), tuple(map(tuple, k.defines)),
         tuple((repr(c), tuple(a)) for c, a in k.runtime_args), tuple(k.common_runtime_args), repr(k.config))
        for k in desc.kernels
    )
    return (desc.program_factory, cbs, kernels)


def test_api_exists_and_starts_empty():
    assert _counts() == {"hits": 0, "misses": 0, "evictions": 0, "entries": 0}


def test_miss_then_hit():
    x, gamma, beta = _inputs(SHAPE, 0)
    _, s1 = _run(x, gamma, beta)
    assert s1["program_cache_hit"] is False
    assert _counts() == {"hits": 0, "misses": 1, "evictions": 0, "entries": 1}
    x2, gamma2, beta2 = _inputs(SHAPE, 1)  # other values, same shapes and config
    _, s2 = _run(x2, gamma2, beta2)
    assert s2["program_cache_hit"] is True
    assert _counts() == {"hits": 1, "misses": 1, "evictions": 0, "entries": 1}
    # The emulator reuses its JIT-compiled kernels for the cached program: nothing compiled on the hit.
    assert s2["jit_compiles"] == 0
    assert s2["jit_cache_hits"] >= 3


def test_clear_resets_counters_and_entries():
    x, gamma, beta = _inputs(SHAPE, 0)
    _run(x, gamma, beta)
    _run(x, gamma, beta)
    assert layernorm_fused_rm.program_cache_stats()["entries"] == 1
    layernorm_fused_rm.clear_program_cache()
    assert _counts() == {"hits": 0, "misses": 0, "evictions": 0, "entries": 0}
    _, s = _run(x, gamma, beta)
    assert s["program_cache_hit"] is False


VARIANTS = {
    "shape": lambda x, g, b: _run(*_inputs([1, 1, 64, 64], 2)),
    "width": lambda x, g, b: _run(*_inputs([1, 1, 96, 128], 2)),
    "rank": lambda x, g, b: _run(x.reshape(96, 64), g, b),
    "eps": lambda x, g, b: _run(x, g, b, eps=1e-3),
    "eps_one_ulp": lambda x, g, b: _run(x, g, b, eps=float(torch.nextafter(torch.tensor(1e-5), torch.tensor(1.0)))),
    "no_gamma": lambda x, g, b: _run(x, None, b),
    "no_beta": lambda x, g, b: _run(x, g, None),
    "gamma_shape": lambda x, g, b: _run(x, g.reshape(1, 64), b),
    "dest_acc_16bit": lambda x, g, b: _run(  # the default is fp32 DEST accumulation
        x, g, b, compute_kernel_config=_C.ComputeConfigDescriptor(fp32_dest_acc_en=False)),
    "math_fidelity": lambda x, g, b: _run(
        x, g, b, compute_kernel_config=_C.ComputeConfigDescriptor(math_fidelity=_C.MathFidelity.HiFi2)),
    "output_memory_config": lambda x, g, b: _run(x, g, b, memory_config=ttnn.L1_MEMORY_CONFIG),
    "core_grid": lambda x, g, b: _run(x, g, b, core_grid=ttnn.CoreGrid(y=1, x=2)),
    "program_factory": lambda x, g, b: _run(x, g, b, program_factory=_C.STREAMING_PROGRAM_FACTORY),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_any_difference_in_the_key_is_a_miss(variant):
    x, gamma, beta = _inputs(SHAPE, 0)
    _run(x, gamma, beta)
    _, s = VARIANTS[variant](x, gamma, beta)
    assert s["program_cache_hit"] is False
    assert _counts() == {"hits": 0, "misses": 2, "evictions": 0, "entries": 2}
    # Both entries stay usable: the original call hits its own entry.
    _, s = _run(x, gamma, beta)
    assert s["program_cache_hit"] is True


def test_arch_is_part_of_the_key(monkeypatch):
    x, gamma, beta = _inputs(SHAPE, 0)
    monkeypatch.setenv(ARCH_ENV, "wormhole_b0")
    _, s = _run(x, gamma, beta)
    assert (s["arch"], s["program_cache_hit"]) == ("wormhole_b0", False)
    monkeypatch.setenv(ARCH_ENV, "blackhole")
    _, s = _run(x, gamma, beta)
    assert (s["arch"], s["program_cache_hit"]) == ("blackhole", False)
    _, s = _run(x, gamma, beta)
    assert (s["arch"], s["program_cache_hit"]) == ("blackhole", True)
    assert _counts() == {"hits": 1, "misses": 2, "evictions": 0, "entries": 2}


def test_hit_equals_fresh_build_bit_for_bit():
    x, gamma, beta = _inputs(SHAPE, 3)
    y_miss, s = _run(x, gamma, beta)
    assert s["program_cache_hit"] is False
    y_hit, s = _run(x, gamma, beta)
    assert s["program_cache_hit"] is True
    layernorm_fused_rm.clear_program_cache()
    y_fresh, s = _run(x, gamma, beta)
    assert s["program_cache_hit"] is False
    assert torch.equal(_bits(y_hit), _bits(y_miss))
    assert torch.equal(_bits(y_hit), _bits(y_fresh))


def test_hit_uses_the_new_buffer_addresses():
    """Two different inputs back to back, the second at other DRAM addresses (a buffer allocated in between
    shifts them): a hit that kept the first call's addresses would read the freed first input and write
    elsewhere. Each output must match its own golden, and the second run must read and write at addresses the
    first did not use."""
    arch = layernorm_fused_rm._op._arch_name(None)
    dev = layernorm_fused_rm.emulator_device(arch)
    x1, g1, b1 = _inputs(SHAPE, 4)
    x2, g2, b2 = _inputs(SHAPE, 5)
    y1, s1 = _run(x1, g1, b1)
    blocker = dev.allocate_dram_buffer(64 * 1024, 2048)
    try:
        y2, s2 = _run(x2, g2, b2)
    finally:
        dev.deallocate_dram_buffer(blocker)
    assert (s1["program_cache_hit"], s2["program_cache_hit"]) == (False, True)
    read1, read2 = set(s1["dram_bytes_read_per_buffer"]), set(s2["dram_bytes_read_per_buffer"])
    written1, written2 = set(s1["dram_bytes_written_per_buffer"]), set(s2["dram_bytes_written_per_buffer"])
    assert len(read2) == 3 and len(written2) == 1
    assert not (read2 & read1) and not (written2 & written1), (s1, s2)
    for y, x, g, b in ((y1, x1, g1, b1), (y2, x2, g2, b2)):
        r = report(y, layernorm_fused_rm.golden(x, g, b))
        assert r["pcc"] >= 0.9999 and r["max_ulp_at_scale"] <= 8.0, r
    assert not torch.equal(_bits(y1), _bits(y2))


@pytest.mark.parametrize("shape", [SHAPE, [4, 1, 256, 96], [1, 64]], ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("with_affine", [True, False])
@pytest.mark.parametrize("factory", ["chosen", "streaming"])
def test_override_equals_a_fresh_build_with_the_new_addresses(shape, with_affine, factory):
    """override_runtime_arguments on a descriptor built for addresses A gives exactly the descriptor built for
    addresses B (every field, every core), so nothing but the address args depends on an address."""
    x, gamma, beta = _inputs(shape, 6)
    g = _host(gamma) if with_affine else None
    b = _host(beta) if with_affine else None

    def build(addrs):
        forced = _C.STREAMING_PROGRAM_FACTORY if factory == "streaming" else None
        p = _Prepared(_host(x), g, b, 1e-5, None, None, None, forced)
        p.input.address, p.output.address = addrs[0], addrs[3]
        if p.gamma_desc is not None:
            p.gamma_desc.address = addrs[1]
        if p.beta_desc is not None:
            p.beta_desc.address = addrs[2]
        used = (p.tensor_args(), p.output)
        return _C.create_program_descriptor(p.attrs, p.tensor_args(), p.output), used

    a_desc, _ = build((0x10000, 0x20000, 0x30000, 0x40000))
    b_desc, b_used = build((0x50040, 0x60080, 0x700C0, 0x80100))
    if factory == "streaming":
        assert a_desc.program_factory == _C.STREAMING_PROGRAM_FACTORY
    assert _signature(a_desc) != _signature(b_desc)
    _C.override_runtime_arguments(a_desc, *b_used)
    assert _signature(a_desc) == _signature(b_desc)


@pytest.fixture
def restore_capacity():
    yield
    layernorm_fused_rm._op._program_cache_size[0] = None  # back to the default / environment, read at next use


def test_program_cache_is_a_bounded_lru(restore_capacity):
    """Capacity 2: the least recently used descriptor is evicted (not the oldest inserted), evictions are counted,
    and outputs after an eviction equal the first ones."""
    layernorm_fused_rm.set_program_cache_size(2)
    xs = {w: _inputs([32, w], w)[0] for w in (32, 64, 96)}
    first = {w: _bits(_run(xs[w])[0]) for w in (32, 64)}
    assert _run(xs[32])[1]["program_cache_hit"] is True  # 32 now more recently used than 64
    _run(xs[96])  # evicts 64 (LRU), not 32 (first inserted)
    assert _counts() == {"hits": 1, "misses": 3, "evictions": 1, "entries": 2}
    y32, s = _run(xs[32])
    assert s["program_cache_hit"] is True and torch.equal(_bits(y32), first[32])
    y64, s = _run(xs[64])
    assert s["program_cache_hit"] is False and torch.equal(_bits(y64), first[64])
    assert _counts() == {"hits": 2, "misses": 4, "evictions": 2, "entries": 2}
    assert layernorm_fused_rm.program_cache_stats()["capacity"] == 2
    layernorm_fused_rm.set_program_cache_size(1)  # shrinking evicts at once
    assert _counts()["entries"] == 1 and _counts()["evictions"] == 3


def test_program_cache_size_errors_name_the_argument(monkeypatch, restore_capacity):
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        layernorm_fused_rm.set_program_cache_size(0)
    with pytest.raises(TypeError, match="n must be an int >= 1, got str"):
        layernorm_fused_rm.set_program_cache_size("3")
    monkeypatch.setenv("LAYERNORM_FUSED_RM_PROGRAM_CACHE_SIZE", "many")
    layernorm_fused_rm._op._program_cache_size[0] = None
    with pytest.raises(ValueError, match="LAYERNORM_FUSED_RM_PROGRAM_CACHE_SIZE must be an integer >= 1.*'many'"):
        layernorm_fused_rm.program_cache_stats()
    monkeypatch.setenv("LAYERNORM_FUSED_RM_PROGRAM_CACHE_SIZE", "7")
    layernorm_fused_rm._op._program_cache_size[0] = None
    assert layernorm_fused_rm.program_cache_stats()["capacity"] == 7
    monkeypatch.delenv("LAYERNORM_FUSED_RM_PROGRAM_CACHE_SIZE")
    layernorm_fused_rm._op._program_cache_size[0] = None
    assert layernorm_fused_rm.program_cache_stats()["capacity"] == layernorm_fused_rm._op.DEFAULT_PROGRAM_CACHE_SIZE == 1024
