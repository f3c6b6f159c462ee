"""Copies of the project's kernels with DPRINT lines added (issue 14 item 2): the real kernels stay unchanged,
the copies show that DPRINT compiles in each of them (on the emulator and against the wheel's headers)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

DPRINT_LINE = 'DPRINT("dprint in {} kernel_main, arg {}\\n", "{name}", {arg});'


def kernels_with_dprint(src_root: Path, dst_root: Path) -> list[Path]:
    """Copies the kernel tree `src_root` to `dst_root` and, in every source defining `void kernel_main() {`,
    includes api/debug/dprint.h and adds one DPRINT line as the first statement. Returns the edited files.
    Raises AssertionError if no kernel_main is found (the kernels changed shape: update this helper)."""
    shutil.copytree(src_root, dst_root)
    edited = []
    for f in sorted(dst_root.rglob("*.cpp")):
        text = f.read_text()
        line = DPRINT_LINE.replace("{name}", f.stem, 1).replace("{arg}", str(len(edited)), 1)
        new, n = re.subn(r"^void kernel_main\(\) \{$", lambda m: m.group(0) + "\n    " + line, text, count=1, flags=re.M)
        if n:
            f.write_text('#include "api/debug/dprint.h"\n' + new)
            edited.append(f)
    assert edited, f"no `void kernel_main() {{` in {dst_root}"
    return edited
