"""The emulator's tilize must produce exactly the bytes ttnn's own host tilize produces.

ttnn 0.81.1 can tilize a host tensor (`ttnn.to_layout(t, ttnn.TILE_LAYOUT)` with no device), but
only once tt-metal knows the architecture. Without a Tenstorrent card that comes from a UMD
cluster descriptor named by TT_METAL_MOCK_CLUSTER_DESC_PATH (test_dev/data/mock_cluster_n150.yaml:
one Wormhole n150). tt-metal reads it when its global context is first created, so ttnn runs in a
child process with the variable set: other tests in this pytest process import ttnn too, and a
context created earlier without the variable could not be changed afterwards.

`ttnn.to_torch` of a TILE_LAYOUT tensor returns logical (row-major) data. The physical bytes come
from the tensor's host buffer: `np.from_dlpack(t.host_buffer().get_shard(ttnn.MeshCoordinate(0, 0)))`
is a uint8 view of the storage, i.e. tiles in row-of-tiles-outer order, each tile 4 faces of
16x16 (top-left, top-right, bottom-left, bottom-right), each face row-major.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
MOCK_CLUSTER_DESC = HERE.parent / "data" / "mock_cluster_n150.yaml"
SHAPES = [(32, 32), (64, 96), (128, 256)]

# Runs in a fresh interpreter. argv: work dir; it holds in_<R>x<C>.bin (row-major bf16) and
# receives tile_<R>x<C>.bin (ttnn's physical TILE_LAYOUT bytes) and rm_<R>x<C>.bin (ttnn's
# physical ROW_MAJOR bytes, to show the buffer read-out itself is faithful).
_CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import numpy as np
    import torch
    import ttnn

    work = Path(sys.argv[1])
    shapes = json.loads(sys.argv[2])

    def physical_bytes(t):
        shard = t.host_buffer().get_shard(ttnn.MeshCoordinate(0, 0))
        return np.from_dlpack(shard).tobytes()

    for rows, cols in shapes:
        raw = (work / f"in_{rows}x{cols}.bin").read_bytes()
        u16 = np.frombuffer(raw, dtype=np.int16).reshape(rows, cols).copy()
        x = torch.from_numpy(u16).view(torch.bfloat16)
        t_rm = ttnn.from_torch(x, dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)
        t_tile = ttnn.to_layout(t_rm, ttnn.TILE_LAYOUT)
        assert t_tile.layout == ttnn.TILE_LAYOUT, t_tile.layout
        (work / f"rm_{rows}x{cols}.bin").write_bytes(physical_bytes(t_rm))
        (work / f"tile_{rows}x{cols}.bin").write_bytes(physical_bytes(t_tile))
    print("CHILD_OK")
    """
)


def _random_bf16_bytes(rows: int, cols: int, seed: int) -> bytes:
    """Random bf16 bit patterns: every finite value incl. -0 and subnormals; no NaN/Inf."""
    rng = np.random.default_rng(seed)
    u16 = rng.integers(0, 1 << 16, size=(rows, cols), dtype=np.uint16)
    exp_all_ones = (u16 & 0x7F80) == 0x7F80
    u16 = np.where(exp_all_ones, u16 & 0x807F, u16).astype("<u2")
    return u16.tobytes()


def _face_major_numpy(raw: bytes, rows: int, cols: int) -> bytes:
    """Independent statement of the expected layout, used only to label a mismatch."""
    u16 = np.frombuffer(raw, dtype="<u2").reshape(rows // 32, 2, 16, cols // 32, 2, 16)
    # (tile_row, face_row, row_in_face, tile_col, face_col, col_in_face)
    #   -> (tile_row, tile_col, face_row, face_col, row_in_face, col_in_face)
    return u16.transpose(0, 3, 1, 4, 2, 5).tobytes()


class _Results(dict):
    """Keeps pytest's failure report short (it prints fixture values)."""

    def __repr__(self) -> str:
        return f"<ttnn host tilize results for {sorted(self)}>"


@pytest.fixture(scope="module")
def ttnn_tilized(tmp_path_factory):
    """{(rows, cols): (input_bytes, ttnn_rm_bytes, ttnn_tile_bytes)} from ttnn in a child process."""
    assert MOCK_CLUSTER_DESC.is_file(), MOCK_CLUSTER_DESC
    work = tmp_path_factory.mktemp("tilize_vs_ttnn")
    inputs = {}
    for i, (rows, cols) in enumerate(SHAPES):
        inputs[(rows, cols)] = _random_bf16_bytes(rows, cols, seed=1000 + i)
        (work / f"in_{rows}x{cols}.bin").write_bytes(inputs[(rows, cols)])
    env = dict(os.environ, TT_METAL_MOCK_CLUSTER_DESC_PATH=str(MOCK_CLUSTER_DESC))
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(work), json.dumps(SHAPES)],
        env=env,
        cwd=work,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 or "CHILD_OK" not in proc.stdout:
        pytest.fail(
            "ttnn host tilize failed in the child process "
            f"(exit {proc.returncode}).\nstdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-8000:]}"
        )
    return _Results(
        (
            shape,
            (
                inputs[shape],
                (work / f"rm_{shape[0]}x{shape[1]}.bin").read_bytes(),
                (work / f"tile_{shape[0]}x{shape[1]}.bin").read_bytes(),
            ),
        )
        for shape in SHAPES
    )


@pytest.mark.parametrize("rows,cols", SHAPES, ids=[f"{r}x{c}" for r, c in SHAPES])
def test_ttnn_host_tilize_is_face_major(ttnn_tilized, rows, cols):
    """Pins down what ttnn 0.81.1 gives us, independent of the emulator: the physical bytes of a
    host TILE_LAYOUT bf16 tensor are the input permuted into 32x32 tiles of four 16x16 faces."""
    data, rm_bytes, tile_bytes = ttnn_tilized[(rows, cols)]
    assert rm_bytes == data, "reading the host buffer of a ROW_MAJOR tensor must return the input"
    assert len(tile_bytes) == rows * cols * 2
    assert tile_bytes != data, "ttnn returned row-major data for a TILE_LAYOUT tensor"
    assert tile_bytes == _face_major_numpy(data, rows, cols)


@pytest.mark.parametrize("rows,cols", SHAPES, ids=[f"{r}x{c}" for r, c in SHAPES])
def test_emulator_tilize_matches_ttnn_bytes(ttnn_tilized, rows, cols):
    from layernorm_fused_rm import _C

    assert hasattr(_C, "tilize_reference"), "layernorm_fused_rm._C must export tilize_reference"
    data, _, ttnn_bytes = ttnn_tilized[(rows, cols)]
    ours = _C.tilize_reference(data, rows, cols, _C.DataFormat.Float16_b)
    ours = bytes(ours)
    assert len(ours) == len(ttnn_bytes), (len(ours), len(ttnn_bytes))
    if ours != ttnn_bytes:
        a = np.frombuffer(ours, dtype="<u2")
        b = np.frombuffer(ttnn_bytes, dtype="<u2")
        bad = np.flatnonzero(a != b)
        first = int(bad[0])
        tile, within = divmod(first, 1024)
        face, in_face = divmod(within, 256)
        pytest.fail(
            f"{rows}x{cols}: {bad.size} of {a.size} bf16 words differ; first at word {first} "
            f"(tile {tile}, face {face}, row {in_face // 16}, col {in_face % 16}): "
            f"emulator 0x{a[first]:04x}, ttnn 0x{b[first]:04x}"
        )
