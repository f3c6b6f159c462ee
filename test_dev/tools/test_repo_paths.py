# SPDX-License-Identifier: Apache-2.0
"""Every repository path a file of the repository cites exists, and the layering rules of docs/ARCHITECTURE.md hold.

A citation is a token starting with one of the repository's top-level folders (cpp/, python/, test_dev/, tools/,
docs/, .ci/) or naming a top-level file (README.md, docs/ARCHITECTURE.md, CMakeLists.txt, Makefile, ...);
``{a,b}`` alternatives and ``*`` globs are expanded and each expansion must match at least one file. Paths inside
the installed ttnn wheel (``tt_metal/...``, ``ttnn/...``) and upstream repositories are not repository paths and are
not checked here.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOP = ("cpp/", "python/", "test_dev/", "tools/", "docs/", ".ci/")
# A path token: a top-level folder then path characters (braces and globs allowed); trailing punctuation dropped.
TOKEN = re.compile(r"(?<![\w/.-])((?:%s)[\w./{}*,+-]*)" % "|".join(re.escape(t) for t in TOP))
BARE = re.compile(r"(?<![\w/.-])(ARCHITECTURE\.md)")


def _tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [REPO / line for line in out.splitlines() if line and (REPO / line).is_file()]


def _expand(token: str) -> list[str]:
    m = re.search(r"\{([^{}]*)\}", token)
    if not m:
        return [token]
    return [x for alt in m.group(1).split(",") for x in _expand(token[: m.start()] + alt + token[m.end():])]


def _exists(path: str) -> bool:
    path = path.rstrip(".,:;)")
    if not path or path.endswith("/") and (REPO / path).is_dir():
        return True
    if "*" in path:
        # A glob names a pattern (e.g. a clean rule's build artefacts): its folder must exist.
        return (REPO / path.split("*")[0].rsplit("/", 1)[0]).is_dir()
    return (REPO / path).exists()


def cited_paths(text: str) -> list[str]:
    """The repository paths cited in `text` (brace alternatives expanded)."""
    found = []
    for m in TOKEN.finditer(text):
        token = m.group(1).rstrip(".,:;)")
        if "..." in token or token.count("/") == 1 and token.endswith("/"):
            continue
        found.extend(_expand(token))
    return found


def test_cited_paths_exist():
    missing = []
    for f in _tracked_files():
        if f.suffix in (".so", ".bin", ".wav", ".png", ".npz") or f == Path(__file__).resolve():
            continue  # binaries; and this file, whose made-up citations are the checker's own test data
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = f.relative_to(REPO)
        for p in cited_paths(text):
            if not _exists(p):
                missing.append(f"{rel}: {p}")
        for m in BARE.finditer(text):
            # A bare ARCHITECTURE.md must mean docs/ARCHITECTURE.md (the only one in the repository).
            if not text[max(0, m.start() - 5): m.start()].endswith("docs/"):
                missing.append(f"{rel}: bare '{m.group(1)}' (write docs/ARCHITECTURE.md)")
    assert not missing, "files cite paths that do not exist:\n" + "\n".join(missing)


def test_checker_finds_a_missing_path():
    # The checker itself: a made-up citation is reported, braces and globs expand.
    assert cited_paths("see cpp/emulator/src/{a,b}.cpp and cpp/device/kernels/*.hpp.") == [
        "cpp/emulator/src/a.cpp", "cpp/emulator/src/b.cpp", "cpp/device/kernels/*.hpp"]
    assert not _exists("cpp/no_such_file.cpp")
    assert _exists("cpp/device/kernels/*.hpp")
    assert not _exists("cpp/no_such_dir/*.hpp")


def test_op_and_emulator_are_peers():
    """cpp/device never includes the emulator and cpp/emulator never includes the op (docs/ARCHITECTURE.md)."""
    bad = []
    for f in (REPO / "cpp" / "device").rglob("*"):
        if f.is_file() and re.search(r'#include "(emu|src)/', f.read_text()):
            bad.append(str(f.relative_to(REPO)))
    for f in (REPO / "cpp" / "emulator").rglob("*"):
        if f.is_file() and re.search(r'#include "device/', f.read_text()):
            bad.append(str(f.relative_to(REPO)))
    assert not bad, f"include arrows between the op and the emulator: {bad}"


@pytest.mark.parametrize("top", ["cpp", "python", "tools"])
def test_no_source_file_over_700_lines(top):
    big = []
    for f in (REPO / top).rglob("*"):
        if f.is_file() and f.suffix in (".cpp", ".hpp", ".h", ".py") and "__pycache__" not in f.parts:
            n = len(f.read_text(encoding="utf-8").splitlines())
            if n > 700:
                big.append(f"{f.relative_to(REPO)}: {n} lines")
    assert not big, f"files over 700 lines: {big}"
