"""DPRINT on the emulator (issue 14 item 2): tt-metal 0.81.1's fmt-style `DPRINT(format, ...)` from
api/debug/dprint.h, its per-RISC variants, selection by TT_METAL_DPRINT_CORES / _RISCVS / _FILE /
_PREPEND_DEVICE_CORE_RISC, each line prefixed "<device>:<x>-<y>:<RISC>: " as tt-metal's DPRINT server does.
Expected texts are written from fmt's documented format-spec semantics, not from the emulator's output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import layernorm_fused_rm
from layernorm_fused_rm import _C

import harness as h

HERE = Path(__file__).resolve().parent
CORES = [(0, 0), (1, 0)]


def dm_lines(tag, core, noc, noc_index):
    """What ok/dprint_dm.cpp prints on `core` (logical), whose NOC-0 coordinates are `noc`."""
    return [
        f"tag {tag} core {core[0]} {core[1]}",
        f"noc {noc[0]}-{noc[1]}",
        "i8 -5 u16 65535 i32 -2147483648 u64 1099511627776 neg -17",
        "hex 0xff BEEF 00000101     42|7   | ab  |+3",
        "f 2.2 0.1 1e+20 3.142 1.500000e+00 1.5 100",
        "bool true false char z str a string tr",
        "first before second {braces}",
        "no newline, joined",
        f"on noc {noc_index}",
    ]


COMPUTE = {"TR0": ["compute 1", "unpack 2"], "TR1": ["compute 1", "math 3"], "TR2": ["compute 1", "pack 4"]}


def _program():
    grid = h.crs(0, 0, 1, 0)
    return h.program(
        [
            h.reader("ok/dprint_dm.cpp", ct=[1], cores=grid),
            h.writer("ok/dprint_dm.cpp", ct=[2], cores=grid),
            h.compute("ok/dprint_compute.cpp", cores=grid),
        ],
        [],
    )


def _run(monkeypatch, capfd, **env):
    for k in ("CORES", "RISCVS", "FILE", "PREPEND_DEVICE_CORE_RISC"):
        monkeypatch.delenv(f"TT_METAL_DPRINT_{k}", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(f"TT_METAL_DPRINT_{k}", v)
    dev = _C.EmuDevice("wormhole_b0")
    capfd.readouterr()
    dev.run(_program())
    return dev, capfd.readouterr().out.splitlines()


def _by_prefix(dev, lines):
    """{(x, y, risc): [text, ...]} in output order, keyed by the logical core whose NOC coordinates the prefix names."""
    noc_to_logical = {tuple(dev.arch.worker_noc_coord(*c)): c for c in CORES}
    out = {}
    for line in lines:
        dev_id, xy, risc, text = line.split(":", 3)
        assert dev_id == "0" and text.startswith(" "), line
        x, y = (int(v) for v in xy.split("-"))
        out.setdefault((*noc_to_logical[(x, y)], risc), []).append(text[1:])
    return out


def _expected(dev, cores, riscs=("BR", "NC", "TR0", "TR1", "TR2")):
    exp = {}
    for c in cores:
        noc = tuple(dev.arch.worker_noc_coord(*c))
        if "NC" in riscs:
            exp[(*c, "NC")] = dm_lines(1, c, noc, 1)
        if "BR" in riscs:
            exp[(*c, "BR")] = dm_lines(2, c, noc, 0)
        for r in ("TR0", "TR1", "TR2"):
            if r in riscs:
                exp[(*c, r)] = COMPUTE[r]
    return exp


def test_all_cores_print_every_risc_in_program_order(monkeypatch, capfd):
    dev, lines = _run(monkeypatch, capfd, CORES="all")
    assert _by_prefix(dev, lines) == _expected(dev, CORES)


@pytest.mark.parametrize("spec", ["1,0", "(1,0)", "(1,0)-(1,0)", "(3,3),(1,0)"])
def test_cores_selects_only_the_named_core(monkeypatch, capfd, spec):
    dev, lines = _run(monkeypatch, capfd, CORES=spec)
    assert _by_prefix(dev, lines) == _expected(dev, [(1, 0)])


def test_range_covers_both_cores_and_riscvs_selects(monkeypatch, capfd):
    dev, lines = _run(monkeypatch, capfd, CORES="(0,0)-(1,0)", RISCVS="NC,TR1")
    assert _by_prefix(dev, lines) == _expected(dev, CORES, riscs=("NC", "TR1"))


def test_unset_cores_prints_nothing(monkeypatch, capfd):
    _, lines = _run(monkeypatch, capfd)
    assert lines == []


def test_file_and_no_prefix(monkeypatch, capfd, tmp_path):
    log = tmp_path / "dprint.log"
    log.write_text("stale\n")
    _, lines = _run(monkeypatch, capfd, CORES="0,0", RISCVS="TR2", FILE=str(log), PREPEND_DEVICE_CORE_RISC="0")
    assert lines == []
    assert log.read_text().splitlines() == COMPUTE["TR2"]


def test_old_stream_syntax_does_not_compile(monkeypatch):
    monkeypatch.setenv("TT_METAL_DPRINT_CORES", "all")
    prog = h.program([h.writer("ok/dprint_dm.cpp", ct=[2], defines=[("DPRINT_STREAM", "1")])], [])
    with pytest.raises(_C.CompileError, match="Old style DPRINT is deprecated"):
        _C.EmuDevice("wormhole_b0").run(prog)


def test_bad_cores_value_names_the_variable(monkeypatch, capfd):
    with pytest.raises(layernorm_fused_rm.EmulatorError, match="TT_METAL_DPRINT_CORES"):
        _run(monkeypatch, capfd, CORES="zero")


def test_project_kernels_with_dprint_run_on_emulator(monkeypatch, capfd, tmp_path):
    """Copies of the op's kernels with a DPRINT line each compile and run on the emulator, compute the same
    output bytes as the real kernels, and print the line on the selected core only."""
    import torch
    import ttnn

    from _dprint_kernels import kernels_with_dprint

    edited = kernels_with_dprint(layernorm_fused_rm.KERNEL_ROOT, tmp_path / "kernels")
    g = torch.Generator().manual_seed(0)
    x, gamma, beta = torch.randn(2, 64, 64, generator=g), torch.randn(64, generator=g), torch.randn(64, generator=g)

    def host(t):
        return ttnn.from_torch(t.to(torch.bfloat16), dtype=ttnn.bfloat16, layout=ttnn.ROW_MAJOR_LAYOUT)

    def run():
        out = ttnn.layernorm_fused_rm(host(x), host(gamma), host(beta), eps=1e-5)
        return ttnn.to_torch(out)

    monkeypatch.setenv("TT_METAL_DPRINT_CORES", "(1,0)")
    monkeypatch.setenv("TT_METAL_DPRINT_RISCVS", "BR,NC,TR0")
    monkeypatch.delenv("TT_METAL_DPRINT_FILE", raising=False)
    monkeypatch.delenv("TT_METAL_DPRINT_PREPEND_DEVICE_CORE_RISC", raising=False)
    capfd.readouterr()
    expected = run()
    assert capfd.readouterr().out == ""  # the real kernels print nothing
    _C.set_kernel_root(str(tmp_path / "kernels"))
    try:
        got = run()
    finally:
        _C.set_kernel_root(str(layernorm_fused_rm.KERNEL_ROOT))
    lines = capfd.readouterr().out.splitlines()
    assert torch.equal(got, expected)
    # 128 rows -> 4 tile-rows on cores (0,0)..(3,0): core (1,0) prints once per selected RISC (reader NC,
    # writer BR, compute TR0), naming the kernel each runs.
    noc = _C.EmuDevice("wormhole_b0").arch.worker_noc_coord(1, 0)
    prefix = f"0:{noc[0]}-{noc[1]}:"
    assert len(lines) == 3 and all(line.startswith(prefix) for line in lines), lines
    names = {p.stem: i for i, p in enumerate(edited)}
    seen = {}
    for line in lines:
        risc, text = line[len(prefix):].split(": ", 1)
        m = re.fullmatch(r"dprint in (\w+) kernel_main, arg (\d+)", text)
        assert m and names[m.group(1)] == int(m.group(2)), line
        seen[risc] = m.group(1)
    assert set(seen) == {"BR", "NC", "TR0"}
    assert seen["NC"].startswith("reader_") and seen["BR"].startswith("writer_"), seen
    assert seen["TR0"].startswith("layernorm_fused_rm"), seen


def test_tile_slice_prints_the_tile_as_the_server_does(monkeypatch, capfd):
    # v(h, w) = h - w / 4 (dprint_tile_reader.cpp); rows as tt-metal's dprint_server.cpp PrintTileSlice writes them.
    dev = _C.EmuDevice("wormhole_b0")
    monkeypatch.setenv("TT_METAL_DPRINT_CORES", "0,0")
    monkeypatch.delenv("TT_METAL_DPRINT_RISCVS", raising=False)
    monkeypatch.setenv("TT_METAL_DPRINT_PREPEND_DEVICE_CORE_RISC", "1")
    monkeypatch.delenv("TT_METAL_DPRINT_FILE", raising=False)
    capfd.readouterr()
    dev.run(h.program([h.reader("ok/dprint_tile_reader.cpp"), h.compute("ok/dprint_tile_compute.cpp")], [h.cb(0, 1)]))
    got = _by_prefix(dev, capfd.readouterr().out.splitlines())
    row0 = " ".join(f"{-w / 4:g}" if w else "0" for w in range(32))
    assert got == {
        (0, 0, "NC"): [
            "rows 0 -4",
            "16 12",
            f"row0 {row0}",
            "cut 0 -0.25 -0.5 -0.75 <TileSlice data truncated due to exceeding max count (4)>",
            "raw 1 0.75|",  # raw (not untilized) index 16, 17 of a tilized tile: face 0, row 1
        ],
        (0, 0, "TR0"): ["unpack 0 -0.25 -0.5 -0.75", "1 0.75 0.5 0.25", "2 1.75 1.5 1.25", "3 2.75 2.5 2.25"],
        (0, 0, "TR1"): ["math Warning: MATH core does not support TileSlice printing, omitting print..."],
    }
