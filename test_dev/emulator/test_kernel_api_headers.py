# SPDX-License-Identifier: Apache-2.0
"""The emulator's compute kernel API headers (cpp/emulator/include/api/compute) are split as tt-metal 0.81's:
a kernel that includes only the header tt-metal defines a call in finds the call.

For every compute call the emulator implements, the header that defines it is looked up in the installed ttnn
0.81.1 wheel (tt_metal/hw/inc/api/compute, outside experimental/), never written down here; then a kernel that
includes only the emulator's header of that name and makes the calls is syntax-checked with the host compiler,
as the emulator's JIT compiles kernels (g++ -std=c++20).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import ttnn

REPO = Path(__file__).resolve().parents[2]
EMU_INCLUDE = REPO / "cpp" / "emulator" / "include"
WHEEL_COMPUTE = Path(ttnn.__file__).resolve().parent / "tt_metal" / "hw" / "inc" / "api" / "compute"

# Every compute call the emulator implements, as a kernel would write it: (name, statement).
CALLS = [
    ("cb_wait_front", "cb_wait_front(0, 1);"),
    ("cb_pop_front", "cb_pop_front(0, 1);"),
    ("cb_reserve_back", "cb_reserve_back(16, 1);"),
    ("cb_push_back", "cb_push_back(16, 1);"),
    ("tile_regs_acquire", "tile_regs_acquire();"),
    ("tile_regs_commit", "tile_regs_commit();"),
    ("tile_regs_wait", "tile_regs_wait();"),
    ("tile_regs_release", "tile_regs_release();"),
    ("acquire_dst", "acquire_dst();"),
    ("release_dst", "release_dst();"),
    ("pack_tile", "pack_tile(0, 16); pack_tile<true>(0, 16, 1);"),
    ("compute_kernel_hw_startup", "compute_kernel_hw_startup(0, 1, 16); compute_kernel_hw_startup(0, 16);"),
    ("reconfig_data_format", "reconfig_data_format(0, 1); reconfig_data_format(0, 1, 2, 3);"),
    ("reconfig_data_format_srca", "reconfig_data_format_srca(0); reconfig_data_format_srca(0, 1);"),
    ("reconfig_data_format_srcb", "reconfig_data_format_srcb(0); reconfig_data_format_srcb(0, 1);"),
    ("pack_reconfig_data_format", "pack_reconfig_data_format(16); pack_reconfig_data_format(16, 17);"),
    ("tilize_init", "tilize_init(0, 1, 16);"),
    ("tilize_block", "tilize_block(0, 1, 16);"),
    ("tilize_uninit", "tilize_uninit(0, 16);"),
    ("pack_untilize_init", "pack_untilize_init<1, 1>(0, 16);"),
    ("pack_untilize_block", "pack_untilize_block<1, 1>(0, 1, 16);"),
    ("pack_untilize_dest_init", "pack_untilize_dest_init<1, 1>(16);"),
    ("pack_untilize_dest", "pack_untilize_dest<1, 1>(16);"),
    ("pack_untilize_uninit", "pack_untilize_uninit(16);"),
    ("reduce_init", "reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(0, 1, 16);"),
    ("reduce_tile", "reduce_tile<PoolType::MAX, ReduceDim::REDUCE_COL>(0, 1, 0, 0, 0);"),
    ("reduce_uninit", "reduce_uninit();"),
    ("add_init", "add_init(0, 1);"),
    ("sub_init", "sub_init(0, 1);"),
    ("mul_init", "mul_init(0, 1);"),
    ("add_tiles", "add_tiles(0, 1, 0, 0, 0);"),
    ("sub_tiles", "sub_tiles(0, 1, 0, 0, 0);"),
    ("mul_tiles", "mul_tiles(0, 1, 0, 0, 0);"),
    *[
        (f"{op}_tiles_bcast_{dim}", f"{op}_tiles_bcast_{dim}(0, 1, 0, 0, 0);")
        for op in ("add", "sub", "mul")
        for dim in ("rows", "cols", "scalar")
    ],
    *[(f"{op}_bcast_{dim}_init", f"{op}_bcast_{dim}_init(0, 1);") for op in ("add", "sub", "mul") for dim in ("rows", "cols", "scalar")],
    ("unary_bcast_init", "unary_bcast_init<BroadcastType::ROW>(0);"),
    ("unary_bcast", "unary_bcast<BroadcastType::COL>(0, 0, 0);"),
    ("unary_bcast_uninit", "unary_bcast_uninit<BroadcastType::SCALAR>(0);"),
    ("copy_init", "copy_init(0);"),
    ("copy_tile", "copy_tile(0, 0, 0);"),
    ("square_tile_init", "square_tile_init();"),
    ("square_tile", "square_tile(0);"),
    ("rsqrt_tile_init", "rsqrt_tile_init();"),
    ("rsqrt_tile", "rsqrt_tile(0);"),
    ("binop_with_scalar_tile_init", "binop_with_scalar_tile_init();"),
    ("mul_unary_tile", "mul_unary_tile(0, 0x3f800000u);"),
    ("add_unary_tile", "add_unary_tile(0, 0x3f800000u);"),
    ("sub_unary_tile", "sub_unary_tile(0, 0x3f800000u);"),
    ("add_binary_tile_init", "add_binary_tile_init();"),
    ("sub_binary_tile_init", "sub_binary_tile_init();"),
    ("mul_binary_tile_init", "mul_binary_tile_init();"),
    ("add_binary_tile", "add_binary_tile(0, 1, 0); add_binary_tile<DstRoundingMode::NearestEven>(0, 1, 0);"),
    ("sub_binary_tile", "sub_binary_tile(0, 1, 0);"),
    ("mul_binary_tile", "mul_binary_tile(0, 1, 0);"),
    ("sfpu_bcast_col_init", "sfpu_bcast_col_init();"),
    ("sfpu_sub_bcast_col_init", "sfpu_sub_bcast_col_init();"),
    ("sfpu_add_bcast_col_init", "sfpu_add_bcast_col_init();"),
    ("sfpu_mul_bcast_col_init", "sfpu_mul_bcast_col_init();"),
    ("sfpu_sub_bcast_col", "sfpu_sub_bcast_col(0, 1);"),
    ("sfpu_add_bcast_col", "sfpu_add_bcast_col(0, 1);"),
    ("sfpu_mul_bcast_col", "sfpu_mul_bcast_col(0, 1);"),
    ("sfpu_normalize_bcast_col", "sfpu_normalize_bcast_col(0, 1, 2);"),
    ("addcmul_tile_init", "addcmul_tile_init();"),
    ("copy_dest_values_init", "copy_dest_values_init();"),
    ("copy_dest_values", "copy_dest_values<DataFormat::Float32>(0, 1);"),
    ("sfpu_reduce_init", "sfpu_reduce_init<PoolType::SUM, DataFormat::Float32>();"),
    ("sfpu_reduce", "sfpu_reduce<PoolType::SUM, DataFormat::Float32, ReduceDim::REDUCE_COL>(0);"),
    ("transpose_dest_init", "transpose_dest_init<true, true>();"),
    ("transpose_dest", "transpose_dest<true, true>(0);"),
    ("addcmul_tile", "addcmul_tile<DataFormat::Float32>(0, 1, 2, 0, 0x3f800000u);"),
]


def _defining_headers(name: str) -> list[str]:
    """Headers of the wheel's api/compute (outside experimental/) that define `ALWI void name(`."""
    pattern = re.compile(r"\bALWI\s+void\s+" + re.escape(name) + r"\s*\(")
    found = []
    for path in sorted(WHEEL_COMPUTE.rglob("*.h")):
        rel = path.relative_to(WHEEL_COMPUTE).as_posix()
        if rel.startswith("experimental/"):
            continue
        if pattern.search(path.read_text(errors="replace")):
            found.append(rel)
    return found


def _wheel_includes(header: str) -> set[str]:
    """The api/compute headers the wheel's `header` includes directly ("api/compute/x.h" or a bare sibling)."""
    out = set()
    for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)"', (WHEEL_COMPUTE / header).read_text(), re.M):
        rel = inc[len("api/compute/"):] if inc.startswith("api/compute/") else (Path(header).parent / inc).as_posix()
        if (WHEEL_COMPUTE / rel).is_file() and not rel.startswith(("experimental/", "sentinel/", "debug/")):
            out.add(rel)
    return out


# Where the emulator deliberately includes more than tt-metal: its compute_kernel_api.h also includes common.h,
# because the emulator's test kernels (test_dev/emulator/kernels) include only compute_kernel_api.h and call
# cb_*, tile_regs_*, pack_tile and compute_kernel_hw_startup (the header says so).
DEVIATIONS = {"compute_kernel_api.h": {"common.h"}}


def _closure(header: str) -> set[str]:
    seen, todo = set(), [header]
    while todo:
        h = todo.pop()
        if h in seen or not (WHEEL_COMPUTE / h).is_file():
            continue
        seen.add(h)
        todo.extend(_wheel_includes(h) | DEVIATIONS.get(h, set()))
    return seen


DEFINED_IN = {name: _defining_headers(name) for name, _ in CALLS} if WHEEL_COMPUTE.is_dir() else {}
EMU_HEADERS = sorted(p.relative_to(EMU_INCLUDE / "api" / "compute").as_posix() for p in (EMU_INCLUDE / "api" / "compute").rglob("*.h"))


def _split(header: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(calls a kernel including only `header` finds in tt-metal, calls it does not find)."""
    reach = _closure(header)
    visible = [c for c in CALLS if DEFINED_IN[c[0]][0] in reach]
    hidden = [c for c in CALLS if DEFINED_IN[c[0]][0] not in reach]
    return visible, hidden


def _syntax_check(header: str, calls: list[tuple[str, str]], tmp_path: Path) -> subprocess.CompletedProcess:
    src = tmp_path / "kernel.cpp"
    body = "\n    ".join(stmt for _, stmt in calls)
    src.write_text(f'#include "api/compute/{header}"\n\nvoid kernel_main() {{\n    {body}\n}}\n')
    cxx = os.environ.get("CXX") or "g++"
    return subprocess.run(
        [cxx, "-std=c++20", "-fsyntax-only", f"-I{EMU_INCLUDE}", "-DKERNEL_COMPILE_TIME_ARGS=", str(src)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},  # ASCII quotes in diagnostics
    )


def test_wheel_defines_every_call_in_exactly_one_header():
    assert WHEEL_COMPUTE.is_dir(), f"the ttnn wheel has no kernel API headers at {WHEEL_COMPUTE}"
    bad = {name: hs for name, hs in DEFINED_IN.items() if len(hs) != 1}
    assert not bad, bad
    # the calls live in many headers, as in tt-metal, and the emulator has a header of each name
    homes = {hs[0] for hs in DEFINED_IN.values()}
    assert len(homes) >= 12, sorted(homes)
    assert homes <= set(EMU_HEADERS), sorted(homes - set(EMU_HEADERS))


def test_every_emulator_header_has_a_tt_metal_namesake():
    missing = [h for h in EMU_HEADERS if not (WHEEL_COMPUTE / h).is_file()]
    assert not missing, f"tt-metal 0.81 has no api/compute/{missing}"


# Headers reaching no implemented call (common_globals.h, src_order.h) have nothing to compile.
@pytest.mark.parametrize("header", [h for h in EMU_HEADERS if DEFINED_IN and _split(h)[0]])
def test_header_alone_gives_what_tt_metal_gives(header, tmp_path):
    """Every call tt-metal's header of this name reaches (itself or through its includes) compiles."""
    visible, _ = _split(header)
    proc = _syntax_check(header, visible, tmp_path)
    assert proc.returncode == 0, (
        f"api/compute/{header} alone does not give {[n for n, _ in visible]}:\n{proc.stdout}{proc.stderr}"
    )


@pytest.mark.parametrize("header", EMU_HEADERS)
def test_header_alone_gives_no_more_than_tt_metal(header, tmp_path):
    """Every call tt-metal's header of this name does not reach is undeclared: the headers are really split."""
    _, hidden = _split(header)
    if not hidden:
        pytest.skip(f"tt-metal's api/compute/{header} reaches every call the emulator implements")
    proc = _syntax_check(header, hidden, tmp_path)
    found = {n for n, _ in hidden if re.search(rf"'{re.escape(n)}' was not declared", proc.stderr)}
    assert found == {n for n, _ in hidden}, (
        f"api/compute/{header} alone gives {sorted({n for n, _ in hidden} - found)}, which tt-metal's does not"
    )
