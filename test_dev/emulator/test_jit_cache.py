"""The kernel JIT's on-disk cache (cpp/emulator/src/jit/jit_cache.hpp) under races, corruption and attack.

Each case runs jit_worker.py processes (the op's program for a few widths, ~0.1 s of start-up each) on its own
cache dir and compares their output bytes (SHA-256) with a single process on an empty cache dir.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import layernorm_fused_rm as L

WORKER = Path(__file__).resolve().parent / "jit_worker.py"
ENV = "LAYERNORM_FUSED_RM_JIT_CACHE"
WIDTHS = "32,96"  # 2 widths x (reader, compute, writer) = 6 kernels
ENTRY_RE = re.compile(r"^[a-z0-9_]+-[0-9a-f]{16}\.so$")  # <kernel source stem>-<key prefix>.so
# The entry trailer as documented in jit_cache.hpp (make_entry): written here from the format, not from our code.
TRAILER_RE = re.compile(rb"\n#layernorm_fused_rm-jit-entry-v1 key=([0-9a-f]{64}) sha256=([0-9a-f]{64}) size=(\d{20})\n$")


def worker_cmd(widths: str, *extra: str) -> list[str]:
    return [sys.executable, str(WORKER), str(L.KERNEL_ROOT), str(L.INCLUDE_ROOT), widths, *extra]


def worker_env(cache: Path | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if cache is not None:
        env[ENV] = str(cache)
    env.update(extra)
    return env


def run_worker(cache: Path | None, widths: str = WIDTHS, *extra: str, env: dict[str, str] | None = None) -> dict:
    p = subprocess.run(worker_cmd(widths, *extra), env=env or worker_env(cache), capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700)
    os.chmod(path, 0o700)
    return path


def entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if ENTRY_RE.match(p.name))


def temporaries(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if ".tmp." in p.name)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """One process on an empty cache dir: the outputs every other run must reproduce, and its entries."""
    cache = private_dir(tmp_path_factory.mktemp("ref") / "jit")
    r = run_worker(cache)
    assert r["ok"], r
    assert r["jit"]["compiles"] == 6 and r["jit"]["rebuilds"] == 0
    return {"outputs": r["outputs"], "cache": cache}


def populated(tmp_path: Path, reference: dict) -> Path:
    """A private cache dir holding copies of the reference run's files."""
    cache = private_dir(tmp_path / "jit")
    for p in reference["cache"].iterdir():
        shutil.copy2(p, cache / p.name)
    return cache


def test_entries_record_key_size_and_sha256(reference):
    """Every entry is the library followed by a trailer with its key, size and SHA-256 (checked here with hashlib),
    the dir is private, and the libraries it names are ELF files."""
    cache = reference["cache"]
    assert (os.stat(cache).st_mode & 0o777) == 0o700
    es = entries(cache)
    assert len(es) == 6
    for e in es:
        data = e.read_bytes()
        m = TRAILER_RE.search(data)
        assert m, e.name
        size = int(m.group(3))
        assert size == len(data) - len(m.group(0))
        assert data[:4] == b"\x7fELF"
        assert hashlib.sha256(data[:size]).hexdigest() == m.group(2).decode()
        assert e.name.endswith(m.group(1).decode()[:16] + ".so")  # the name carries the key's prefix
    assert temporaries(cache) == []


def test_eight_processes_three_rounds_on_one_cold_cache(tmp_path, reference):
    """8 processes x 3 rounds on one empty cache dir: no failure, every output equal to the single-process run,
    each kernel compiled exactly once (the others wait on its lock, then load it), no temporaries left."""
    cache = private_dir(tmp_path / "jit")
    compiles = []
    for _ in range(3):
        procs = [subprocess.Popen(worker_cmd(WIDTHS), env=worker_env(cache), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(8)]
        results = []
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        for r in results:
            assert r["ok"], r
            assert r["outputs"] == reference["outputs"]
            assert r["jit"]["rebuilds"] == 0
        compiles.append(sum(r["jit"]["compiles"] for r in results))
    assert compiles == [6, 0, 0]
    assert temporaries(cache) == []
    assert len(entries(cache)) == 6


def _elf(tmp_path: Path, name: str, code: str) -> bytes:
    src = tmp_path / f"{name}.cpp"
    src.write_text(code)
    out = tmp_path / f"{name}.so"
    subprocess.run(["g++", "-shared", "-fPIC", "-o", str(out), str(src)], check=True, capture_output=True)
    return out.read_bytes()


def _corrupt(kind: str, cache: Path, tmp_path: Path) -> None:
    es = entries(cache)
    if kind == "truncated":  # as `truncate -s 100`
        for e in es:
            os.truncate(e, 100)
    elif kind == "garbage":
        for e in es:
            e.write_bytes(os.urandom(e.stat().st_size))
    elif kind == "wrong_kernel":  # each entry replaced by the same kernel's entry built for the other width
        by_kernel: dict[str, list[Path]] = {}
        for e in es:
            by_kernel.setdefault(e.name.rsplit("-", 1)[0], []).append(e)
        for a, b in by_kernel.values():
            da, db = a.read_bytes(), b.read_bytes()
            a.write_bytes(db)
            b.write_bytes(da)
    elif kind == "symbol_less":  # a loadable library with a valid trailer for the right key, but no entry point
        lib = _elf(tmp_path, "empty", "extern \"C\" int not_a_kernel() { return 1; }\n")
        for e in es:
            key = TRAILER_RE.search(e.read_bytes()).group(1)
            trailer = (b"\n#layernorm_fused_rm-jit-entry-v1 key=" + key + b" sha256=" +
                       hashlib.sha256(lib).hexdigest().encode() + b" size=" + b"%020d" % len(lib) + b"\n")
            e.write_bytes(lib + trailer)
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["truncated", "garbage", "wrong_kernel", "symbol_less"])
def test_bad_cached_library_is_rebuilt_and_the_call_is_right(tmp_path, reference, kind):
    """A truncated, garbage, other-width or symbol-less cached library is rebuilt once and the call's output equals
    the clean run's; the next process loads the rebuilt entries. symbol_less loads a library in the process before
    rebuilding it, so it also covers "a process that once loaded a broken library stays broken"."""
    cache = populated(tmp_path, reference)
    _corrupt(kind, cache, tmp_path)
    r = run_worker(cache)
    assert r["ok"], r
    assert r["outputs"] == reference["outputs"]
    assert (r["jit"]["rebuilds"], r["jit"]["compiles"]) == (6, 6)
    r2 = run_worker(cache)
    assert r2["ok"] and r2["outputs"] == reference["outputs"]
    assert (r2["jit"]["hits_on_disk"], r2["jit"]["compiles"]) == (6, 0)


def test_planted_library_never_runs(tmp_path, reference):
    """A library planted under every cache name (without the JIT's trailer, or with a trailer copied from the real
    entry) is never loaded: its constructor would create a file."""
    cache = populated(tmp_path, reference)
    marker = tmp_path / "planted_ran"
    lib = _elf(tmp_path, "planted", f"""
        #include <cstdio>
        __attribute__((constructor)) static void planted() {{ std::FILE* f = std::fopen("{marker}", "w"); if (f) std::fclose(f); }}
        extern "C" void emu_kernel_entry() {{}}
        extern "C" void emu_kernel_set_api_getter(void*) {{}}
    """)
    for i, e in enumerate(entries(cache)):
        trailer = TRAILER_RE.search(e.read_bytes()).group(0)
        e.write_bytes(lib + (trailer if i % 2 else b""))
    r = run_worker(cache)
    assert r["ok"], r
    assert r["outputs"] == reference["outputs"]
    assert not marker.exists()
    assert r["jit"]["rebuilds"] == 6


def test_symlinks_are_never_followed(tmp_path, reference):
    """Symlinks planted at every path the JIT writes (entry, source, lock) point at victim files; the JIT replaces
    the entry and source links with its own files, takes no lock through a link, and the victims are unchanged."""
    names = [p.name for p in reference["cache"].iterdir() if p.suffix in (".so", ".cpp", ".lock")]
    assert len(names) == 18
    cache = private_dir(tmp_path / "jit")
    victims = tmp_path / "victims"
    victims.mkdir()
    for n in names:
        (victims / n).write_text("victim")
        (cache / n).symlink_to(victims / n)
    r = run_worker(cache)
    assert r["ok"], r
    assert r["outputs"] == reference["outputs"]
    assert all((victims / n).read_text() == "victim" for n in names)
    for n in names:
        assert (cache / n).is_symlink() == n.endswith(".lock"), n


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777])
def test_group_or_world_writable_cache_dir_is_refused(tmp_path, mode):
    cache = tmp_path / "jit"
    cache.mkdir()
    os.chmod(cache, mode)
    r = run_worker(cache)
    assert not r["ok"]
    assert r["error"].startswith("CompileError")
    assert "group- or world-writable" in r["error"] and f"{mode:04o}" in r["error"]
    assert ENV in r["error"] and str(cache) in r["error"]
    assert list(cache.iterdir()) == []  # nothing written, nothing loaded


@pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")
def test_cache_dir_of_another_user_is_refused(tmp_path):
    cache = private_dir(tmp_path / "jit")
    os.chown(cache, 65534, 65534)
    r = run_worker(cache)
    assert not r["ok"] and "owned by uid 65534" in r["error"] and ENV in r["error"]


def test_new_cache_dir_is_created_private_whatever_the_umask(tmp_path):
    cache = tmp_path / "a" / "b" / "jit"
    env = worker_env(cache)
    p = subprocess.run(["sh", "-c", 'umask 000 && exec "$@"', "sh", *worker_cmd("32")], env=env, capture_output=True,
                       text=True, timeout=300)
    r = json.loads(p.stdout.strip().splitlines()[-1])
    assert r["ok"], r
    assert (os.stat(cache).st_mode & 0o777) == 0o700


def test_unusable_cache_path_names_the_variable(tmp_path):
    """A cache path under a regular file: a CompileError naming the path and the variable (was a raw filesystem
    error)."""
    f = tmp_path / "file"
    f.write_text("x")
    r = run_worker(f / "jit")
    assert not r["ok"] and r["error"].startswith("CompileError") and ENV in r["error"] and str(f) in r["error"]


def test_read_only_cache_dir_names_the_variable(tmp_path):
    """A read-only cache dir: a CompileError saying so and naming the variable (was cc1plus's "No such file").
    Root writes into read-only directories, so as root the dir is made a read-only bind mount in a private mount
    namespace (unshare -m); otherwise it is chmod 0500."""
    cache = private_dir(tmp_path / "jit")
    prefix: list[str] = []
    if os.geteuid() == 0:
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True) if shutil.which("unshare") else None
        if probe is None or probe.returncode != 0:
            pytest.skip("root without unshare -m cannot make a read-only directory")
        prefix = ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', str(cache)]
    else:
        os.chmod(cache, 0o500)
    p = subprocess.run(prefix + worker_cmd(WIDTHS), env=worker_env(cache), capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout.strip().splitlines()[-1])
    assert not r["ok"] and "not writable" in r["error"] and ENV in r["error"], r


def test_rebuilt_library_that_still_fails_names_the_file_and_the_variable(tmp_path):
    """A compiler whose libraries lack the entry points (a stand-in for any library that cannot load): the JIT
    compiles once and then raises a CompileError naming the entry file and the cache variable."""
    fake = tmp_path / "fake-cxx"
    fake.write_text("#!/bin/sh\n"
                    "[ \"$1\" = --version ] && { echo fake-cxx 1; exit 0; }\n"
                    "out=; prev=; for a in \"$@\"; do [ \"$prev\" = -o ] && out=$a; prev=$a; done\n"
                    "echo 'extern \"C\" int nothing() { return 0; }' | g++ -x c++ -shared -fPIC -o \"$out\" -\n")
    fake.chmod(0o755)
    cache = private_dir(tmp_path / "jit")
    r = run_worker(cache, "32", env={**worker_env(cache), "CXX": str(fake)})
    assert not r["ok"] and r["error"].startswith("CompileError"), r
    entry = re.search(r"'([^']*\.so)'", r["error"]).group(1)
    assert Path(entry).parent == cache and ENTRY_RE.match(Path(entry).name), r
    assert "lacks emu_kernel_entry" in r["error"] and ENV in r["error"]


def test_home_unset_uses_the_passwd_home_never_tmp():
    env = {k: v for k, v in os.environ.items() if k not in (ENV, "HOME")}
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import jit_worker; "
            "print(jit_worker.load_extension().cache_dir())")
    p = subprocess.run([sys.executable, "-c", code, str(WORKER.parent)], env=env, capture_output=True, text=True,
                       timeout=60, check=True)
    home = pwd.getpwuid(os.geteuid()).pw_dir
    assert p.stdout.strip() == f"{home}/.cache/layernorm_fused_rm/jit"
    assert not p.stdout.startswith("/tmp")


def test_stale_temporaries_are_cleaned(tmp_path, reference):
    """Leftovers of a killed process (its pid gone, older than 5 minutes) are removed; a live process's are kept."""
    cache = populated(tmp_path, reference)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    old = time.time() - 3600
    orphan = cache / f"reader_layernorm_fused_rm-0123456789abcdef.so.tmp.{dead.pid}"
    orphan2 = cache / f"layernorm_fused_rm-0123456789abcdef.cpp.tmp.{dead.pid}.3-00ff"
    live = cache / f"writer_layernorm_fused_rm-0123456789abcdef.so.tmp.{os.getpid()}.0-abcd"
    fresh = cache / f"writer_layernorm_fused_rm-0123456789abcdef.so.tmp.{dead.pid}.1-abcd"
    for p in (orphan, orphan2, live, fresh):
        p.write_bytes(b"partial")
    for p in (orphan, orphan2, live):
        os.utime(p, (old, old))
    r = run_worker(cache)
    assert r["ok"], r
    assert temporaries(cache) == sorted([live.name, fresh.name])


def test_loaded_libraries_are_bounded_lru(tmp_path, reference):
    """With at most 2 libraries loaded, 6 kernels run twice: evictions are counted, at most 2 stay loaded, and the
    outputs equal the unbounded run's (evicted kernels are reloaded from the cache)."""
    cache = populated(tmp_path, reference)
    r = run_worker(cache, WIDTHS, "--max-loaded", "2", "--repeat", "2")
    assert r["ok"], r
    assert r["outputs"] == reference["outputs"]
    assert r["jit"]["max_loaded"] == 2 and r["jit"]["loaded"] == 2
    assert r["jit"]["evictions"] == 12 - 2  # every kernel of both rounds loaded from disk: 12 loads, 2 kept
    assert (r["jit"]["hits_on_disk"], r["jit"]["hits_in_memory"], r["jit"]["compiles"]) == (12, 0, 0)
    r = run_worker(cache, env={**worker_env(cache), "LAYERNORM_FUSED_RM_JIT_MAX_LOADED": "3"})
    assert r["ok"] and r["jit"]["max_loaded"] == 3 and r["jit"]["loaded"] == 3 and r["jit"]["evictions"] == 3


def test_loaded_limit_errors_name_the_argument(tmp_path):
    r = run_worker(tmp_path / "jit", env={**worker_env(tmp_path / "jit"), "LAYERNORM_FUSED_RM_JIT_MAX_LOADED": "lots"})
    assert not r["ok"] and "LAYERNORM_FUSED_RM_JIT_MAX_LOADED" in r["error"] and "'lots'" in r["error"]
    with pytest.raises(ValueError, match="n must be >= 1"):
        L._C.set_jit_max_loaded(0)
    assert L._C.jit_cache_stats()["max_loaded"] >= 1


def test_process_killed_mid_compile_leaves_nothing_that_breaks_the_next(tmp_path, reference):
    """kill -9 while a process compiles: the next process is not blocked (flock dies with its holder), its
    outputs are right, and the killed process's temporaries go once they are old enough."""
    cache = private_dir(tmp_path / "jit")
    p = subprocess.Popen(worker_cmd(WIDTHS), env=worker_env(cache), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while not temporaries(cache) and p.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    os.killpg(p.pid, signal.SIGKILL)  # the worker and its compiler at once
    p.wait()
    orphans = temporaries(cache)
    assert orphans, "the worker was not killed mid-compile"
    r = run_worker(cache)
    assert r["ok"], r
    assert r["outputs"] == reference["outputs"]
    old = time.time() - 3600
    for n in orphans:
        if (cache / n).exists():
            os.utime(cache / n, (old, old))
    assert run_worker(cache)["ok"]
    assert temporaries(cache) == []
