# SPDX-License-Identifier: Apache-2.0
"""Reader (and, for tests, writer) of CTranslate2's ``model.bin`` variable file.

Layout, from CTranslate2's own reader ``src/models/model.cc`` (``Model::load``) and writer
the Python package's ``ctranslate2/specs/model_spec.py`` (``ModelSpec._serialize``), all integers little-endian:

  uint32 binary_version                         (this reader: 4 .. 6; CTranslate2 4.x writes 6)
  string spec_name, uint32 spec_revision        (binary_version >= 2; e.g. "WhisperSpec", 3)
  uint32 num_variables, then per variable:
      string name, uint8 rank, uint32 dims[rank], uint8 type_id, uint32 num_bytes, bytes[num_bytes]
  uint32 num_aliases, then per alias: string alias, string variable_name   (binary_version >= 3)

``string`` is uint16 length (including a terminating NUL) then that many bytes. ``type_id`` is the index in
CTranslate2's ``DataType`` enum (``include/ctranslate2/types.h``): 0 float32, 1 int8, 2 int16, 3 int32,
4 float16, 5 bfloat16. Data is C order (row-major) in the shape given. Binary versions < 4 stored an item size
instead of a type id; they are refused here (CTranslate2 4.x never writes them).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

# CTranslate2 include/ctranslate2/types.h, enum class DataType (the order is the type id).
TYPE_IDS: dict[int, torch.dtype] = {
    0: torch.float32,
    1: torch.int8,
    2: torch.int16,
    3: torch.int32,
    4: torch.float16,
    5: torch.bfloat16,
}
MIN_BINARY_VERSION = 4
MAX_BINARY_VERSION = 6


@dataclass
class CT2Model:
    """The contents of a CTranslate2 ``model.bin``.

    Attributes:
        binary_version: int, the file format version.
        spec: str, the model specification name (e.g. "WhisperSpec").
        revision: int, the specification revision.
        variables: name -> torch.Tensor (dtype from the type id; rank-0 tensors for scalars such as
            ``encoder/num_heads``), in file order.
        aliases: alias name -> variable name (a shared weight stored once).
    """

    binary_version: int
    spec: str
    revision: int
    variables: dict[str, torch.Tensor] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> torch.Tensor:
        """The variable `name`, following an alias. Raises KeyError naming the variable when absent."""
        target = self.aliases.get(name, name)
        if target not in self.variables:
            raise KeyError(f"CTranslate2 model ({self.spec}) has no variable {name!r}")
        return self.variables[target]


class _Cursor:
    def __init__(self, data: bytes, path: str):
        self.data, self.pos, self.path = data, 0, path

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError(f"{self.path}: truncated: {what} of {n} bytes at offset {self.pos}, "
                             f"file has {len(self.data)} bytes")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u(self, fmt: str, what: str) -> int:
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt), what))[0]

    def string(self, what: str) -> str:
        raw = self.take(self.u("H", f"{what} length"), what)
        if not raw or raw[-1] != 0:
            raise ValueError(f"{self.path}: {what} at offset {self.pos - len(raw)} is not NUL-terminated")
        return raw[:-1].decode("utf-8")


def read_ct2_model(path: str | Path) -> CT2Model:
    """Read a CTranslate2 ``model.bin`` (or the directory holding it) into torch tensors.

    Args:
        path: the ``model.bin`` file, or a model directory containing one.

    Returns:
        CT2Model. Tensors share no memory with the file (copied), on CPU.

    Raises:
        FileNotFoundError: no model.bin at `path`.
        ValueError: unsupported binary version, unknown type id, a byte count that does not match
            shape x element size, trailing bytes, or a truncated file (the message names the offset).
    """
    p = Path(path)
    if p.is_dir():
        p = p / "model.bin"
    data = p.read_bytes()
    c = _Cursor(data, str(p))
    version = c.u("I", "binary_version")
    if not MIN_BINARY_VERSION <= version <= MAX_BINARY_VERSION:
        raise ValueError(f"{p}: binary_version must be {MIN_BINARY_VERSION}..{MAX_BINARY_VERSION}, got {version}")
    model = CT2Model(version, c.string("spec name"), c.u("I", "spec revision"))
    for _ in range(c.u("I", "num_variables")):
        name = c.string("variable name")
        rank = c.u("B", f"{name} rank")
        shape = [c.u("I", f"{name} dim") for _ in range(rank)]
        type_id = c.u("B", f"{name} type id")
        if type_id not in TYPE_IDS:
            raise ValueError(f"{p}: variable {name}: type id must be one of {sorted(TYPE_IDS)}, got {type_id}")
        dtype = TYPE_IDS[type_id]
        num_bytes = c.u("I", f"{name} byte count")
        want = int(np.prod(shape, dtype=np.int64)) * torch.tensor([], dtype=dtype).element_size()
        if num_bytes != want:
            raise ValueError(f"{p}: variable {name}: shape {shape} of {dtype} is {want} bytes, file says {num_bytes}")
        raw = bytearray(c.take(num_bytes, f"{name} data"))
        model.variables[name] = torch.frombuffer(raw, dtype=dtype).reshape(shape) if num_bytes else \
            torch.empty(shape, dtype=dtype)
    for _ in range(c.u("I", "num_aliases")):
        alias = c.string("alias")
        model.aliases[alias] = c.string(f"target of alias {alias}")
    if c.pos != len(data):
        raise ValueError(f"{p}: {len(data) - c.pos} trailing bytes after the aliases at offset {c.pos}")
    return model


def write_ct2_model(path: str | Path, spec: str, revision: int, variables: dict[str, torch.Tensor],
                    aliases: dict[str, str] | None = None, binary_version: int = MAX_BINARY_VERSION) -> None:
    """Write variables in the ``model.bin`` layout above (for tests and tools).

    Args:
        path: output file.
        spec, revision: specification name and revision.
        variables: name -> torch.Tensor of a dtype in TYPE_IDS (any rank; rank 0 for scalars).
        aliases: alias -> variable name.
        binary_version: 4..6 (the layout is the same for these).

    Raises:
        ValueError: a dtype CTranslate2 cannot store, or an unsupported binary_version.
    """
    if not MIN_BINARY_VERSION <= binary_version <= MAX_BINARY_VERSION:
        raise ValueError(f"binary_version must be {MIN_BINARY_VERSION}..{MAX_BINARY_VERSION}, got {binary_version}")
    type_of = {dtype: tid for tid, dtype in TYPE_IDS.items()}

    def string(s: str) -> bytes:
        raw = s.encode("utf-8") + b"\0"
        return struct.pack("<H", len(raw)) + raw

    out = [struct.pack("<I", binary_version), string(spec), struct.pack("<II", revision, len(variables))]
    for name, t in variables.items():
        if t.dtype not in type_of:
            raise ValueError(f"variable {name}: dtype must be one of {list(type_of)}, got {t.dtype}")
        t = t.detach().contiguous().cpu()
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        out += [string(name), struct.pack("<B", t.dim()), struct.pack(f"<{t.dim()}I", *t.shape),
                struct.pack("<BI", type_of[t.dtype], len(raw)), raw]
    aliases = aliases or {}
    out.append(struct.pack("<I", len(aliases)))
    for alias, target in aliases.items():
        out += [string(alias), string(target)]
    Path(path).write_bytes(b"".join(out))
