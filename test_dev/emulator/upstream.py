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

import numpy as np

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
    f"{OPS}/data_movement/tilize/device/kernels/dataflow/reader_unary_stick_layout_split_rows_singlecore.cpp": "66a9f4497de52262c230aee356b79542f3af137344001941031cfe728f9904ec",
    f"ttnn/cpp/ttnn/kernel/compute/tilize_metal2.cpp": "979e38a2a03f7b5c90b49c891a007d94b5a6ae47553cbd4ebada9725b9775d37",
    f"{OPS}/eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id_metal2.cpp": "2b38232254febd0cbe5ff8347f8b11e249569d09177588655b052dd966207cec",
    f"{OPS}/data_movement/untilize/device/kernels/dataflow/reader_unary_start_id_metal2.cpp": "733acb936c5700e63b33838f8734cb4f0e81e1e799bba1148a198be32b75eee0",
    f"{OPS}/data_movement/untilize/device/kernels/compute/untilize_metal2.cpp": "c5bbdff2f8e66fc1fc0ca854dab467174110c3514c9028d034779747e524fd2c",
    f"{OPS}/data_movement/untilize/device/kernels/dataflow/writer_unary_stick_layout_split_rows_single_core.cpp": "b42c1b6ea7d64893d246c385e059e2cb9a45ed878b6f9ee37fc189418a7b2bd3",
    f"{KLIB}/tilize_helpers.hpp": "a4b87948fa5aa96656b92a9ba9fc2c357a6e4ef36ebe620ca13800879711f526",
    f"{KLIB}/tilize_helpers.inl": "f8b03fbf1bb7ce20fefe1b41e1907690e8be7283fd1ff5ed89cbbb9c368121cd",
    f"{KLIB}/untilize_helpers.hpp": "47415a7315b836f6345fb54cce6189b48a14d5bef173a1f9692097cc1b0e2a8d",
    f"{KLIB}/untilize_helpers.inl": "a20ce2cb275ec5603264389e5b46d15505cb11f2501de3655549fef2e0b3e831",
    f"{KLIB}/dest_helpers.hpp": "581b21aa6830f1d2d0429a33aa9af81639d95f005e4d9ee38912363d6dcc72c8",
    f"{KLIB}/dfb_helpers_compute.hpp": "a3809991c86a7d0fb6bf0912987f8f2ab2376d88de314544dfc4d2ce36bd42e3",
    f"{KLIB}/dfb_helpers_compute.inl": "fc214395a30a0989e1b7186d9451f90e609d96b6705622dbacb8f772adaedb87",
    f"{OPS}/data_movement/untilize/device/kernels/compute/untilize_variable_num_blocks_metal2.cpp": "b49b8faeaa8dc4189b4451cf90aec2d3533ba8e9d7617fa67999b29049ddfd6c",
    f"{OPS}/data_movement/untilize/device/kernels/dataflow/writer_unary_stick_layout_split_rows_multi_core.cpp": "957d7ac47e0be6f30c2cd7ac84cb497a17fb534ccee9c3a17dbb8bc1e0a2f83e",
    f"{OPS}/reduction/generic/device/kernels/dataflow/reader_unary_reduce_universal_start_id.cpp": "379b8fec4e1ab0de415cf52d02f8089b6e0af2540f8be2cb601734e21eba1320",
    f"{OPS}/reduction/generic/device/kernels/compute/reduce.cpp": "05c7e89bb0996dd50abf1c9c17eaf918e565c6dcd3dc1592d2cfe7a6eaf65b50",
    f"{OPS}/reduction/generic/device/kernels/compute/reduce_compute_common.hpp": "9b7199d26978ca6b10d77e816fd216a67a4a7712e967422fe363dd494217031b",
    f"{KLIB}/reduce_helpers_compute.hpp": "57b699e979f4904dff76dbf31494f6ccc12f594aa5ade44c5acf6cf003084cad",
    f"{KLIB}/reduce_helpers_compute.inl": "fe6168678b0caa1a06bec58392f9eb22f357a3c20165386b2dbfbd2b3c1874bd",
    f"{KLIB}/reduce_helpers_common.hpp": "46ed685f6c2785a61a7f5ff5659fce6b2207f37091aece70efff7d2a547a9e3e",
    f"{KLIB}/reduce_helpers_dataflow.hpp": "dc20c6c01a650a278b100433c20cb76353690c985df9b8f3d0f82dd89ef25448",
    f"{KLIB}/reduce_helpers_dataflow.inl": "48d1ddf1794712e241adc07916a27e8b9e1dfd5fbb35f7973b2fd745b6cb1f6d",
    f"{KLIB}/l1_helpers.hpp": "440a68481bfc897e1f24ee0fd0b4dec545ab9419bb603aac90917ea4fac666ec",
    f"{KLIB}/dfb_helpers_dataflow.hpp": "f645f905a6d9d9867ffaf500d862dba16fbae75f98dc58c517f9104349458f4b",
    f"{KLIB}/dfb_helpers_dataflow.inl": "29f050d5dee3019b340c9d43563f884b3365c59c029dbcdcab5a251d54b5dc10",
    f"{OPS}/reduction/generic/device/kernels/dataflow/reader_unary_transpose_wh_universal_input_cols_partitioned.cpp": "41451a9023bd56886c85793e1aee800954e4a419af13850bfc5bd264d27e0a61",
    f"{OPS}/normalization/layernorm/device/kernels/dataflow/reader_unary_interleaved_ln.cpp": "013682fcabb58c71f50cc0391d837479aba255527685b2a84286912ab0cc768f",
    f"{OPS}/normalization/layernorm/device/kernels/compute/layernorm.cpp": "f3880026972c2232a9064c2063a635791d22b2cc99044faec37f608bf32c835d",
    f"{OPS}/normalization/layernorm/device/kernels/dataflow/writer_unary_interleaved_start_id_blocked.cpp": "6f5eb1410f3b2065c90099feec849c5173fe6ca8502d722fd29e2a7219c88411",
    f"{OPS}/data_movement/tilize/device/kernels/dataflow/reader_unary_stick_layout_split_rows_multicore.cpp": "b1c031834d840df6f5c068ba512f7e0ca6bf118747a8f7c9a9f033901641135c",
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


def tiles_of(x: np.ndarray) -> np.ndarray:
    """[R, C] -> face-major tiles in row-major tile order (TILE_LAYOUT element order)."""
    r, c = x.shape
    return np.concatenate([h.tilize(x[i:i + 32, j:j + 32]) for i in range(0, r, 32) for j in range(0, c, 32)])


def untiles_of(v: np.ndarray, r: int, c: int) -> np.ndarray:
    t = v.reshape(-1, 1024)
    out = np.empty((r, c), np.float32)
    k = 0
    for i in range(0, r, 32):
        for j in range(0, c, 32):
            out[i:i + 32, j:j + 32] = h.untilize(t[k])
            k += 1
    return out


def run_program(dev, src: bytes, src_page: int, dst_size: int, dst_page: int, build):
    """Runs `build(src_addr, dst_addr)` (a ProgramDescriptor) with `src` in a DRAM buffer of src_page-byte pages
    and a dst_size-byte output buffer of dst_page-byte pages; returns (RunStats, the output bytes)."""
    bufs = h.Buffers(dev)
    try:
        s = bufs.put(src, src_page)
        d = bufs.alloc(dst_size, dst_page)
        stats = dev.run(build(s, d))
        return stats, dev.read_dram_buffer(d, dst_size)
    finally:
        bufs.free()
