# SPDX-License-Identifier: Apache-2.0
"""layernorm_fused_rm: ``ttnn.layernorm_fused_rm``, LayerNorm over the last dim of a ROW_MAJOR tensor.

Importing this package
  * points the C++ core at the kernel sources and the emulator's kernel API headers: the ``kernels/`` and
    ``emulator_include/`` folders installed next to this package, or, when running from a source tree,
    the repository's ``cpp/device/kernels`` and ``cpp/emulator/include`` (``$LAYERNORM_FUSED_RM_KERNEL_ROOT``
    and ``$LAYERNORM_FUSED_RM_INCLUDE_ROOT`` override both);
  * registers ``ttnn.layernorm_fused_rm`` as a ttnn operation (``_registration``: in
    ``ttnn.query_registered_operations()``, golden function for ``ttnn.get_golden_function`` and comparison
    mode, pre/post operation hooks); ``layernorm_fused_rm.layernorm_fused_rm`` is that same object.

Host tensors run on the host Tensix emulator (arch from ``$LAYERNORM_FUSED_RM_ARCH``, default
"wormhole_b0"); device tensors go through ``ttnn.generic_op`` (untested on silicon: no device here).
"""

from __future__ import annotations

import os
from pathlib import Path

from . import _C
from ._op import (
    clear_program_cache,
    create_program_descriptor,
    emulator_device,
    golden,
    layernorm_fused_rm,
    program_cache_stats,
    set_program_cache_size,
)

EmulatorError = _C.EmulatorError
DeadlockError = _C.DeadlockError
CompileError = _C.CompileError

_PKG_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PKG_DIR.parent.parent  # python/layernorm_fused_rm -> repository root (source tree only)


def _resolve_dir(env: str, installed: Path, source: Path) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override).resolve()
    if installed.is_dir():
        return installed
    if source.is_dir():
        return source
    return installed  # neither exists: keep the installed location so errors name the expected path


KERNEL_ROOT = _resolve_dir("LAYERNORM_FUSED_RM_KERNEL_ROOT", _PKG_DIR / "kernels", _REPO_DIR / "cpp" / "device" / "kernels")
INCLUDE_ROOT = _resolve_dir(
    "LAYERNORM_FUSED_RM_INCLUDE_ROOT", _PKG_DIR / "emulator_include", _REPO_DIR / "cpp" / "emulator" / "include"
)

_C.set_kernel_root(str(KERNEL_ROOT))
_C.set_include_root(str(INCLUDE_ROOT))

from . import _registration  # noqa: E402  (after the roots are set: registration runs nothing)

layernorm_fused_rm = _registration.register()
golden_function = _registration.golden_function

__all__ = [
    "layernorm_fused_rm",
    "create_program_descriptor",
    "golden",
    "golden_function",
    "emulator_device",
    "program_cache_stats",
    "clear_program_cache",
    "set_program_cache_size",
    "EmulatorError",
    "DeadlockError",
    "CompileError",
    "KERNEL_ROOT",
    "INCLUDE_ROOT",
]
