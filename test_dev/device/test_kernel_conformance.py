# SPDX-License-Identifier: Apache-2.0
"""Kernel conformance: every kernel of every configuration the program factory produces compiles against the
installed ttnn 0.81.1 wheel's real kernel headers, with its exact compile-time args and defines, for each
processor it runs on (tools/kernel_conformance/check.py says how).

Checked: reader as NCRISC, writer as BRISC, compute as TRISC0 (unpack) and TRISC2 (pack).
Not checked: TRISC1 (math) -- its SFPU kernels are SFPI vector code that only the SFPI RISC-V compiler
parses, and the wheel does not ship SFPI (test_trisc1_math_is_not_checked says so as a skip). On TRISC0 and
TRISC2, SFPI's lltt.h and sfpi.h and the three pack-thread SFPU kernels are stand-ins (standins/).

Needs clang++ (Debian clang-19) and Debian's newlib + arm-none-eabi libstdc++ headers: `make setup` installs
them where it can (root with apt-get). Without them these tests skip, except under CI (CI=true) or with
LAYERNORM_FUSED_RM_REQUIRE_CONFORMANCE=1, where a missing toolchain fails.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

import layernorm_fused_rm as lf
from layernorm_fused_rm import _C

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools" / "kernel_conformance"))
import check  # noqa: E402

JOBS, SKIPPED = check.plan()


def _require() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("LAYERNORM_FUSED_RM_REQUIRE_CONFORMANCE") == "1"


@pytest.fixture(scope="module")
def toolchain():
    try:
        return check.find_toolchain()
    except check.ToolchainMissing as e:
        if _require():
            pytest.fail(f"kernel conformance toolchain missing under CI: {e}")
        pytest.skip(f"kernel conformance toolchain missing: {e}")


@pytest.fixture(scope="module")
def results(toolchain):
    """All compiles at once, in parallel (cached between runs by content hash)."""
    return {r.job.key: r for r in check.run(JOBS, tc=toolchain)}


def test_plan_covers_every_kernel_kind_and_processor():
    procs = {(j.kind, j.processor.name) for j in JOBS}
    assert procs == {("reader", "NCRISC"), ("writer", "BRISC"), ("compute", "TRISC0"), ("compute", "TRISC2")}, procs
    accepted = {c for j in JOBS for c in j.configs}
    assert len(accepted) >= 8, accepted
    # every accepted configuration contributes a job on each of the four processors
    for name in accepted:
        assert {j.processor.name for j in JOBS if name in j.configs} == {"NCRISC", "BRISC", "TRISC0", "TRISC2"}, name


def test_plan_varies_the_untilize_block_width():
    # compute compile-time arg block_w: the untilize block width (row-resident) or chunk width (streaming)
    blocks = {j.compile_time_args[_C.compute_ct_args.block_w] for j in JOBS if j.kind == "compute"}
    assert len(blocks) >= 5, blocks


@pytest.mark.parametrize("job", JOBS, ids=[f"{j.configs[0]}-{Path(j.kernel_source).stem}-{j.processor.name}" for j in JOBS])
def test_kernel_compiles_against_real_headers(job, results):
    r = results[job.key]
    assert r.ok, f"{job.label} (configs {job.configs}) does not compile against ttnn's headers:\n{r.output}"


def test_every_planned_configuration_is_compiled_or_rejected_with_a_reason():
    # Configurations validation rejects are not compiled but listed with the validation message (none today);
    # every other configuration of the table contributes compile jobs.
    planned = {c["name"] for c in check.CONFIGS}
    compiled = {c for j in JOBS for c in j.configs}
    rejected = {s.config for s in SKIPPED}
    assert compiled | rejected == planned and not (compiled & rejected)
    for s in SKIPPED:
        assert s.reason.startswith("rejected by validation: ") and len(s.reason) > len("rejected by validation: ")


def test_trisc1_math_is_not_checked():
    pytest.skip(check.TRISC1_NOT_CHECKED)


# ------------------------------------------------------------------------------------------ broken copies


def _broken_copy(tmp_path: Path, glob: str, pattern: str, repl: str) -> Path:
    """A copy of the installed kernels with the first match of `pattern` (a regex) in the files matching `glob`
    replaced. Searched over every such source, so the mutation follows the code when the kernels are refactored."""
    import re

    root = tmp_path / "kernels"
    shutil.copytree(lf.KERNEL_ROOT, root)
    for f in sorted(root.glob(glob)):
        if f.suffix in (".cpp", ".hpp", ".h"):
            text = f.read_text()
            new, n = re.subn(pattern, repl, text, count=1, flags=re.M)
            if n:
                f.write_text(new)
                return root
    raise AssertionError(f"{pattern!r} not found in {root}/{glob}: the kernels changed, update this test")


def _check_copy(root: Path, toolchain, kind: str):
    config = [c for c in check.CONFIGS if c["name"] == "bf16_w64_rows64"]
    jobs, _ = check.plan(config, kernel_root_map=(str(lf.KERNEL_ROOT), str(root)))
    jobs = [j for j in jobs if j.kind == kind]
    assert jobs
    return check.run(jobs, tc=toolchain, use_cache=False)


def test_catches_misspelled_api_call(tmp_path, toolchain):
    root = _broken_copy(tmp_path, "compute/*", r"\btilize_block\(", "tilize_blok(")
    results = _check_copy(root, toolchain, "compute")
    assert {r.job.processor.name for r in results} == {"TRISC0", "TRISC2"}
    for r in results:
        assert not r.ok
        assert "use of undeclared identifier 'tilize_blok'" in r.output, r.output


def test_catches_wrong_argument_count(tmp_path, toolchain):
    root = _broken_copy(tmp_path, "dataflow/writer_*", r"\bcb_wait_front\((\w+), (\w+)\)", r"cb_wait_front(\1)")
    (r,) = _check_copy(root, toolchain, "writer")
    assert not r.ok
    assert "no matching function for call to 'cb_wait_front'" in r.output, r.output
    assert "requires 2 arguments, but 1 was provided" in r.output, r.output


def test_catches_missing_header(tmp_path, toolchain):
    root = _broken_copy(tmp_path, "compute/*", r'^#include "api/compute/pack_untilize.h"$', "")
    results = _check_copy(root, toolchain, "compute")
    for r in results:
        assert not r.ok
        assert re.search(r"use of undeclared identifier 'pack_untilize\w*'", r.output), r.output


def test_reports_compiler_message_for_nonexistent_header(tmp_path, toolchain):
    root = _broken_copy(tmp_path, "dataflow/reader_*", r'^#include "api/dataflow/dataflow_api.h"$',
                        '#include "api/dataflow/dataflow_api_v2.h"')
    (r,) = _check_copy(root, toolchain, "reader")
    assert not r.ok
    assert "'api/dataflow/dataflow_api_v2.h' file not found" in r.output, r.output


def test_kernels_with_dprint_compile_against_real_headers(tmp_path, toolchain):
    # Issue 14: a DPRINT line in each kernel (tt-metal 0.81.1's fmt-style DPRINT from api/debug/dprint.h) compiles
    # on every processor the kernels run on; the emulator runs the same copies (emulator/test_dprint.py).
    from _dprint_kernels import kernels_with_dprint

    root = tmp_path / "kernels"
    kernels_with_dprint(lf.KERNEL_ROOT, root)
    config = [c for c in check.CONFIGS if c["name"] == "bf16_w64_rows64"]
    jobs, _ = check.plan(config, kernel_root_map=(str(lf.KERNEL_ROOT), str(root)))
    assert {j.kind for j in jobs} == {"reader", "writer", "compute"}
    for r in check.run(jobs, tc=toolchain, use_cache=False):
        assert r.ok, f"{r.job.label} with DPRINT does not compile against ttnn's headers:\n{r.output}"
        assert "DPRINT" in Path(r.job.kernel_source).read_text() and str(root) in r.job.kernel_source


def test_old_stream_dprint_is_refused_against_real_headers(tmp_path, toolchain):
    # The wheel's dprint.h removed `DPRINT << x << ENDL()` (static_assert); so does the emulator's (test_dprint.py).
    root = _broken_copy(tmp_path, "dataflow/writer_*", r"^void kernel_main\(\) \{$",
                        'void kernel_main() {\n    DPRINT << 1;')
    f = next(p for p in sorted(root.glob("dataflow/writer_*.cpp")) if "DPRINT <<" in p.read_text())
    f.write_text('#include "api/debug/dprint.h"\n' + f.read_text())
    (r,) = _check_copy(root, toolchain, "writer")
    assert not r.ok
    assert "Old style DPRINT is deprecated" in r.output, r.output
