"""Programs around ttnn 0.81's own kernel files, run unmodified on the emulator (issue 11).

The kernels are used by their installed paths in the ttnn wheel, never copied. Each file a test builds on (the
kernel and the ttnn kernel_lib headers it includes) is pinned by its SHA-256 here: when the wheel changes one of
them, `pinned()` fails naming the file, because the emulator's support of that file (its calls, their arguments,
the compile-time choices kernel_lib makes from the generated headers) was established for these exact bytes and
must be re-checked before the new hash is recorded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import ttnn

from layernorm_fused_rm import _C

import harness as h

WHEEL = Path(ttnn.__file__).resolve().parent
OPS = "ttnn/cpp/ttnn/operations"
KLIB = "ttnn/cpp/ttnn/kernel_lib"

# relative path in the wheel -> SHA-256 of the ttnn 0.81.1 file the emulator was checked against
PINNED = {
    f"{OPS}/eltwise/unary/device/kernels/dataflow/reader_unary_interleaved_start_id.cpp": "8a337961b9debc552fe683301618ab8652d84eaf7f5a11776fa383e655d8e944",
    f"{OPS}/eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id.cpp": "9b7980c6a659ee45e05b2613584de7e7b133359c4d23cd04c8aaf8d7071ca3c4",
    f"{OPS}/eltwise/unary/device/kernels/compute/eltwise_sfpu.cpp": "2fa8a08ab3b8d052a25e5b6c559a7cd1908d69ac6fbec925fcb042101692ba54",
}


def sha256(rel: str) -> str:
    return hashlib.sha256((WHEEL / rel).read_bytes()).hexdigest()


def pinned(rel: str) -> str:
    """Absolute path of wheel file `rel` after checking it is the pinned version. Raises AssertionError naming
    the file when it is missing or its SHA-256 differs from PINNED[rel]."""
    path = WHEEL / rel
    assert path.is_file(), f"ttnn wheel file {rel} is missing from {WHEEL}: the upstream program cannot be built"
    got = sha256(rel)
    want = PINNED[rel]
    assert got == want, (
        f"ttnn wheel file {rel} changed (sha256 {got}, pinned {want}): the emulator's support of this upstream "
        f"kernel was checked against the pinned bytes; re-run and re-check it, then update PINNED")
    return str(path)


def split_pages(num_pages: int, cores: list) -> list[tuple[int, int]]:
    """(start_id, count) per core: pages split as evenly as possible, earlier cores one more (tt-metal's
    split_work_to_cores order)."""
    n = len(cores)
    base, extra = divmod(num_pages, n)
    out, start = [], 0
    for i in range(n):
        cnt = base + (1 if i < extra else 0)
        out.append((start, cnt))
        start += cnt
    return out


def grid(n: int):
    """CoreRangeSet of the first n cores of row 0..: n <= 8 -> (0,0)..(n-1,0)."""
    assert 1 <= n <= 8
    return h.crs(0, 0, n - 1, 0)


def metal2(**kw):
    return _C.Metal2KernelBindings(**kw)


def tensor_binding(name: str, cta_offset: int, addr_crta_offset: int = 0):
    return _C.Metal2TensorBinding(name, cta_offset, addr_crta_offset)
