"""Builds small emulator programs (kernels in test_dev/emulator/kernels/) (CBs + kernels on core (0, 0) or a grid) for the emulator's own tests."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from layernorm_fused_rm import _C

HERE = Path(__file__).resolve().parent / "kernels"
BF16 = _C.DataFormat.Float16_b
FP32 = _C.DataFormat.Float32
TILE_BF16 = 2048
IS_DRAM = 2  # tensor_accessor::ArgConfig::IsDram


def crs(x0=0, y0=0, x1=None, y1=None):
    x1 = x0 if x1 is None else x1
    y1 = y0 if y1 is None else y1
    return _C.CoreRangeSet([_C.CoreRange(_C.CoreCoord(x0, y0), _C.CoreCoord(x1, y1))])


def cb(index, pages, fmt=BF16, page_size=None, cores=None):
    ps = page_size if page_size is not None else _C.tile_size(fmt)
    return _C.CBDescriptor(
        total_size=pages * ps, core_ranges=cores or crs(), format_descriptors=[_C.CBFormatDescriptor(index, fmt, ps)]
    )


def src(rel):
    return str(HERE / rel)


def _kernel(path, config, ct=(), rt=(), defines=(), cores=None, per_core_rt=None):
    cores = cores or crs()
    if per_core_rt is None:
        runtime_args = [(c, list(rt)) for c in cores.cores()]
    else:
        runtime_args = [(c, list(per_core_rt(c))) for c in cores.cores()]
    return _C.KernelDescriptor(
        src(path) if not str(path).startswith("/") else str(path),
        core_ranges=cores,
        compile_time_args=list(ct),
        defines=list(defines),
        runtime_args=runtime_args,
        config=config,
    )


def reader(path, **kw):
    return _kernel(path, _C.ReaderConfigDescriptor(), **kw)


def writer(path, **kw):
    return _kernel(path, _C.WriterConfigDescriptor(), **kw)


def compute(path, fp32_dest=False, full_sync=False, unpack_to_dest=None, math_fidelity=None, approx=None, **kw):
    cfg = _C.ComputeConfigDescriptor(fp32_dest_acc_en=fp32_dest, dst_full_sync_en=full_sync)
    if math_fidelity is not None:
        cfg.math_fidelity = getattr(_C.MathFidelity, math_fidelity)
    if approx is not None:
        cfg.math_approx_mode = approx
    if unpack_to_dest:
        modes = [_C.UnpackToDestMode.Default] * 32
        for i in unpack_to_dest:
            modes[i] = _C.UnpackToDestMode.UnpackToDestFp32
        cfg.unpack_to_dest_mode = modes
    return _kernel(path, cfg, **kw)


def program(kernels, cbs, semaphores=()):
    return _C.ProgramDescriptor(kernels=kernels, cbs=cbs, semaphores=list(semaphores))


def semaphore(sem_id, cores=None, initial_value=0):
    return _C.SemaphoreDescriptor(sem_id, cores or crs(), initial_value)


def accessor_args(page_size):
    return [IS_DRAM, page_size]


def f32_bits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


# ---- data helpers: tiles as numpy (logical 32x32 float32) <-> L1 tile bytes ----

def bf16_round(a: np.ndarray) -> np.ndarray:
    """float32 -> nearest-even bfloat16 values (as float32)."""
    u = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000
    return u.astype(np.uint32).view(np.float32)


def bf16_trunc(a: np.ndarray) -> np.ndarray:
    return (np.ascontiguousarray(a, dtype=np.float32).view(np.uint32) & np.uint32(0xFFFF0000)).view(np.float32)


def tf32_trunc(a: np.ndarray) -> np.ndarray:
    return (np.ascontiguousarray(a, dtype=np.float32).view(np.uint32) & np.uint32(0xFFFFE000)).view(np.float32)


def to_bytes(a: np.ndarray, fmt) -> bytes:
    a = np.ascontiguousarray(a, dtype=np.float32)
    if fmt == FP32:
        return a.tobytes()
    return (a.view(np.uint32) >> 16).astype(np.uint16).tobytes()


def from_bytes(b: bytes, fmt) -> np.ndarray:
    if fmt == FP32:
        return np.frombuffer(b, dtype=np.float32).copy()
    return (np.frombuffer(b, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def tilize(t: np.ndarray) -> np.ndarray:
    """Logical 32x32 -> face-major element order."""
    return t.reshape(2, 16, 2, 16).transpose(0, 2, 1, 3).reshape(-1)


def untilize(v: np.ndarray) -> np.ndarray:
    return v.reshape(2, 2, 16, 16).transpose(0, 2, 1, 3).reshape(32, 32)


class Buffers:
    """DRAM buffers of one test, freed at the end."""

    def __init__(self, dev):
        self.dev = dev
        self.addrs = []

    def alloc(self, nbytes, page):
        a = self.dev.allocate_dram_buffer(nbytes, page)
        self.addrs.append(a)
        return a

    def put(self, data: bytes, page):
        a = self.alloc(len(data), page)
        self.dev.write_dram_buffer(a, data)
        return a

    def free(self):
        for a in self.addrs:
            self.dev.deallocate_dram_buffer(a)
        self.addrs = []
