"""A process of the JIT cache tests (test_jit_cache.py): runs the op's own program for a few widths on the
emulator with only the C++ extension loaded (no ttnn / torch import: ~0.1 s a process), and prints one JSON
line: ``{"ok": true, "outputs": {W: sha256 of the output bytes}, "stats": {...}, "jit": {...}}`` or
``{"ok": false, "error": "<type>: <message>"}``.

Usage: ``python jit_worker.py KERNEL_ROOT INCLUDE_ROOT W[,W...] [--max-loaded N] [--repeat R]``.
The cache dir is $LAYERNORM_FUSED_RM_JIT_CACHE, as for any user. Each width runs a [64, W] bfloat16 input
(seeded normal values) with gamma and beta, eps 1e-5, fp32 DEST, on the whole Wormhole grid.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
import types

import numpy as np


def load_extension():
    """layernorm_fused_rm._C without the package's __init__ (which imports ttnn and torch)."""
    spec = importlib.util.find_spec("layernorm_fused_rm")
    pkg = types.ModuleType("layernorm_fused_rm")
    pkg.__path__ = list(spec.submodule_search_locations)
    sys.modules["layernorm_fused_rm"] = pkg
    from layernorm_fused_rm import _C

    return _C


def bf16_bytes(values: np.ndarray) -> bytes:
    """float32 values -> bfloat16 bytes, round to nearest even (the values are finite)."""
    u = values.astype(np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return u.astype(np.uint16).tobytes()


def run_width(_C, dev, w: int, rows: int = 64) -> tuple[str, object]:
    rng = np.random.default_rng(w)
    dram = _C.MemoryConfig(_C.TensorMemoryLayout.INTERLEAVED, _C.BufferType.DRAM)
    stick = 2 * w
    x = bf16_bytes(rng.standard_normal((rows, w)) * 3 + 1)
    gamma = bf16_bytes(rng.standard_normal(w))
    beta = bf16_bytes(rng.standard_normal(w))
    addrs = []

    def upload(data: bytes) -> int:
        a = dev.allocate_dram_buffer(len(data), stick)
        dev.write_dram_buffer(a, data)
        addrs.append(a)
        return a

    desc = lambda shape, addr: _C.TensorDesc(shape=shape, memory_config=dram, address=addr)  # noqa: E731
    inp = desc([rows, w], upload(x))
    g = desc([w], upload(gamma))
    b = desc([w], upload(beta))
    out_addr = dev.allocate_dram_buffer(rows * stick, stick)
    addrs.append(out_addr)
    out = desc([rows, w], out_addr)
    attrs = _C.OperationAttributes(eps=1e-5, compute_config=_C.ComputeConfigDescriptor(fp32_dest_acc_en=True))
    program = _C.create_program_descriptor(attrs, _C.TensorArgs(inp, g, b), out)
    stats = dev.run(program)
    raw = dev.read_dram_buffer(out_addr, rows * stick)
    for a in addrs:
        dev.deallocate_dram_buffer(a)
    return hashlib.sha256(bytes(raw)).hexdigest(), stats


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("kernel_root")
    ap.add_argument("include_root")
    ap.add_argument("widths")
    ap.add_argument("--max-loaded", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    _C = load_extension()
    _C.set_kernel_root(a.kernel_root)
    _C.set_include_root(a.include_root)
    try:
        if a.max_loaded:
            _C.set_jit_max_loaded(a.max_loaded)
        dev = _C.EmuDevice("wormhole_b0")
        outputs, compiles, hits = {}, 0, 0
        for _ in range(a.repeat):
            for w in (int(v) for v in a.widths.split(",")):
                digest, stats = run_width(_C, dev, w)
                if outputs.setdefault(str(w), digest) != digest:
                    raise RuntimeError(f"W={w}: output differs between repeats")
                compiles += stats.jit_compiles
                hits += stats.jit_cache_hits
        print(json.dumps({"ok": True, "outputs": outputs, "stats": {"jit_compiles": compiles, "jit_cache_hits": hits},
                          "jit": dict(_C.jit_cache_stats())}))
    except Exception as e:  # noqa: BLE001  (the test reads the error)
        print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
