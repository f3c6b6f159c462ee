# SPDX-License-Identifier: Apache-2.0
"""ttnn.layernorm_fused_rm: argument conversion, program cache and dispatch by tensor location.

Python converts the arguments into the C++ op's descriptions and raises TypeError for wrong Python types; every
rule on a value is the C++ ``LayerNormFusedRMDeviceOperation::validate``, run once per call (by
``_C.create_program_descriptor``, or ``_C.validate`` on a program-cache hit). Host tensors
(``ttnn.from_torch(..., device=None)``) run on the project's host Tensix emulator (``_C.EmuDevice``); device
tensors go through ``ttnn.generic_op`` (``_device``).
"""

from __future__ import annotations

import contextvars
import enum
import math
import numbers
import operator
import os
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import torch
import ttnn

from . import _C

ARCH_ENV = "LAYERNORM_FUSED_RM_ARCH"
DEFAULT_ARCH = "wormhole_b0"

# torch dtype and element size of each supported ttnn dtype (the bytes the emulator's DRAM holds).
_TORCH_DTYPE = {"BFLOAT16": torch.bfloat16, "FLOAT32": torch.float32}
_INT_VIEW = {torch.bfloat16: (torch.int16, np.int16), torch.float32: (torch.int32, np.int32)}

_devices: dict[str, tuple[_C.EmuDevice, threading.Lock]] = {}
_devices_lock = threading.Lock()

# Program cache (as tt-metal's per-device program cache): key -> ProgramDescriptor, least recently used first,
# at most _program_cache_size[0] entries. See _cached_program.
PROGRAM_CACHE_SIZE_ENV = "LAYERNORM_FUSED_RM_PROGRAM_CACHE_SIZE"
DEFAULT_PROGRAM_CACHE_SIZE = 1024
_program_cache: OrderedDict[tuple, _C.ProgramDescriptor] = OrderedDict()
_program_cache_lock = threading.Lock()
_program_cache_counts = {"hits": 0, "misses": 0, "evictions": 0}
_program_cache_size: list[int | None] = [None]  # None: not read from the environment yet


# --------------------------------------------------------------------------------------------- emulator


def _arch_name(arch: str | None) -> str:
    """Canonical arch name ("wormhole_b0" | "blackhole") of `arch`, or of $LAYERNORM_FUSED_RM_ARCH when None."""
    name = "arch"
    if arch is None:
        arch = os.environ.get(ARCH_ENV) or DEFAULT_ARCH
        name = f"${ARCH_ENV}"
    if not isinstance(arch, str):
        raise TypeError(f"arch must be a str such as 'wormhole_b0' or 'blackhole', got {type(arch).__name__}")
    try:
        return _C.ArchParams.by_name(arch).name
    except ValueError as e:
        raise ValueError(f"{name} must be 'wormhole_b0' or 'blackhole', got {arch!r} ({e})") from None


def _emulator(arch: str | None) -> tuple[_C.EmuDevice, threading.Lock]:
    name = _arch_name(arch)
    with _devices_lock:
        entry = _devices.get(name)
        if entry is None:
            entry = (_C.EmuDevice(name), threading.Lock())
            _devices[name] = entry
        return entry


def emulator_device(arch: str | None = None) -> _C.EmuDevice:
    """The cached host Tensix emulator device for `arch`, created on first use.

    Args:
        arch: "wormhole_b0" (aliases "wormhole", "n150") or "blackhole" ("p150"); None means
            $LAYERNORM_FUSED_RM_ARCH, default "wormhole_b0".

    Returns:
        ``_C.EmuDevice``: one per arch for the whole process (its DRAM persists between calls).

    Raises:
        ValueError: unknown arch. TypeError: arch not a str.
    """
    return _emulator(arch)[0]


# --------------------------------------------------------------------------------------------- conversion
#
# Conversion only: ttnn objects -> the C++ op's descriptions (_C.TensorDesc, _C.OperationAttributes, ...), raising
# TypeError for a wrong Python type. Every rule on a value (layout, dtype, rank, eps, memory, core grid, L1 ...)
# lives in the C++ LayerNormFusedRMDeviceOperation::validate, which create_program_descriptor runs once per call.


def _enum_name(v: Any) -> str:
    return getattr(v, "name", str(v).split(".")[-1])


def _c_enum(v: Any, c_enum: type, ttnn_enum: type, argname: str, optional: bool = False) -> Any:
    """The member of the _C enum with the name of `v`, a member of `ttnn_enum` (or already of `c_enum`).

    The _C enums carry every member of the ttnn 0.81 enums (test_dev/op/test_validation_in_cpp.py checks), so
    whatever value the caller gives reaches validate, which accepts or refuses it.
    Raises TypeError when `v` is neither (None too, unless `optional`)."""
    if isinstance(v, c_enum):
        return v
    if isinstance(v, ttnn_enum):
        name = _enum_name(v)
        if hasattr(c_enum, name):
            return getattr(c_enum, name)
        raise TypeError(f"ttnn.layernorm_fused_rm: {argname} {ttnn_enum.__name__}.{name} has no counterpart in "
                        f"layernorm_fused_rm._C.{c_enum.__name__} (a ttnn newer than 0.81?)")
    expected = f"a ttnn.{ttnn_enum.__name__}" + (" or None" if optional else "")
    raise TypeError(f"ttnn.layernorm_fused_rm: {argname} must be {expected}, got {type(v).__name__}")


def _check_tensor(t: Any, argname: str, optional: bool) -> None:
    if t is None and optional:
        return
    if not isinstance(t, ttnn.Tensor):
        expected = "a ttnn.Tensor or None" if optional else "a ttnn.Tensor"
        raise TypeError(f"ttnn.layernorm_fused_rm: {argname} must be {expected}, got {type(t).__module__}.{type(t).__name__}")


def _c_memory_config(mc: Any, argname: str) -> _C.MemoryConfig:
    if isinstance(mc, _C.MemoryConfig):
        return mc
    if not isinstance(mc, ttnn.MemoryConfig):
        raise TypeError(f"ttnn.layernorm_fused_rm: {argname} must be a ttnn.MemoryConfig or None, got {type(mc).__name__}")
    layout = _c_enum(mc.memory_layout, _C.TensorMemoryLayout, ttnn.TensorMemoryLayout, f"{argname} memory_layout")
    return _C.MemoryConfig(layout, _c_enum(mc.buffer_type, _C.BufferType, ttnn.BufferType, f"{argname} buffer_type"))


def _tensor_desc(t: ttnn.Tensor, argname: str) -> _C.TensorDesc:
    """The TensorDesc of `t` as given: logical shape, dtype, layout, memory config, device (address 0)."""
    on_device = bool(ttnn.is_tensor_storage_on_device(t))
    device_id = -1
    if on_device:
        dev = t.device()
        device_id = int(dev.id()) if dev is not None else -1
    return _C.TensorDesc(
        shape=[int(d) for d in t.shape],
        dtype=_c_enum(t.dtype, _C.DType, ttnn.DataType, f"{argname} dtype"),
        layout=_c_enum(t.layout, _C.Layout, ttnn.Layout, f"{argname} layout"),
        memory_config=_c_memory_config(t.memory_config(), f"{argname} memory_config"),
        address=0,
        on_device=on_device,
        device_id=device_id,
    )


def _compute_config(cfg: Any) -> _C.ComputeConfigDescriptor:
    if cfg is None:
        # HiFi4 and fp32 DEST accumulation: row sums of wide rows stay accurate (see the docstring).
        return _C.ComputeConfigDescriptor(fp32_dest_acc_en=True)
    if isinstance(cfg, _C.ComputeConfigDescriptor):
        return cfg
    if all(hasattr(cfg, a) for a in ("math_fidelity", "fp32_dest_acc_en", "math_approx_mode", "dst_full_sync_en")):
        fidelity = cfg.math_fidelity
        if fidelity == ttnn.MathFidelity.Invalid:
            # ttnn.WormholeComputeKernelConfig() leaves math_fidelity Invalid, meaning "the op's default", as ttnn's
            # own ops read it (init_device_compute_kernel_config's default_fidelity): ours is HiFi4.
            fidelity = ttnn.MathFidelity.HiFi4
        return _C.ComputeConfigDescriptor(
            math_fidelity=_c_enum(fidelity, _C.MathFidelity, ttnn.MathFidelity, "compute_kernel_config.math_fidelity"),
            fp32_dest_acc_en=bool(cfg.fp32_dest_acc_en),
            dst_full_sync_en=bool(cfg.dst_full_sync_en),
            math_approx_mode=bool(cfg.math_approx_mode),
        )
    raise TypeError(
        "ttnn.layernorm_fused_rm: compute_kernel_config must be a ttnn.WormholeComputeKernelConfig, "
        f"a layernorm_fused_rm._C.ComputeConfigDescriptor or None, got {type(cfg).__name__}"
    )


def _core_grid(grid: Any) -> _C.CoreCoord | None:
    """ttnn.CoreGrid(y=rows, x=columns) -> CoreCoord(x, y); None -> None (the arch's whole worker grid).

    Raises TypeError unless `grid` has int-like x and y in 0 .. 2**32 - 1 (ttnn.CoreGrid holds unsigned sizes)."""
    if grid is None:
        return None
    if not (hasattr(grid, "x") and hasattr(grid, "y")):
        raise TypeError(f"ttnn.layernorm_fused_rm: core_grid must be a ttnn.CoreGrid or None, got {type(grid).__name__}")
    try:
        # operator.index: ints, numpy ints, 0-d integer tensors; not floats, strings or bools.
        if any(isinstance(v, (bool, np.bool_)) for v in (grid.x, grid.y)):
            raise TypeError
        return _C.CoreCoord(operator.index(grid.x), operator.index(grid.y))
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"ttnn.layernorm_fused_rm: core_grid must be a ttnn.CoreGrid (x, y unsigned 32-bit ints) or "
                        f"None, got x={grid.x!r}, y={grid.y!r}") from None


def _program_factory(name: Any) -> str:
    if name is None:
        return ""
    if not isinstance(name, str):
        raise TypeError(f"ttnn.layernorm_fused_rm: program_factory must be a str or None, got {type(name).__name__}")
    return name


def _wsplit_count(v: Any, name: str, least: int) -> int:
    """wsplit_cores_per_row / wsplit_chunk_tiles: None -> 0 (the op chooses); divisibility is validated in C++."""
    if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
        raise TypeError(f"ttnn.layernorm_fused_rm: {name} must be an int or None, got {type(v).__name__}")
    if v is not None and v < 0:
        raise ValueError(f"ttnn.layernorm_fused_rm: {name} must be >= {least} (or None), got {v}")
    return v or 0


def _eps(eps: Any) -> float:
    """float of a real scalar: a Python, numpy or torch number, or a 0-d numpy array / torch tensor of one (an int
    too large for a float becomes +-inf, which validate refuses). TypeError for anything else, bools included."""
    v = eps.item() if isinstance(eps, (np.ndarray, torch.Tensor)) and eps.ndim == 0 else eps
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        raise TypeError(f"ttnn.layernorm_fused_rm: eps must be a float (or a real numpy / torch scalar), got "
                        f"{type(eps).__name__}")
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def _return_stats(value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"ttnn.layernorm_fused_rm: return_stats must be a bool, got {type(value).__name__}")
    return bool(value)


def _output_dtype(dtype: Any, input_desc: _C.TensorDesc) -> Any:
    if dtype is None:
        return input_desc.dtype
    return _c_enum(dtype, _C.DType, ttnn.DataType, "dtype (output)", optional=True)


def _tensor_bytes(t: ttnn.Tensor, dtype: torch.dtype) -> bytes:
    """Row-major bytes of a host tensor's logical values in `dtype` (any layout: to_torch untilizes)."""
    x = ttnn.to_torch(t).contiguous()
    if x.dtype != dtype:
        x = x.to(dtype)
    return x.view(_INT_VIEW[dtype][0]).numpy().tobytes()


def _affine(t: ttnn.Tensor, argname: str, input_desc: _C.TensorDesc) -> tuple[ttnn.Tensor, _C.TensorDesc]:
    """A validated device gamma/beta converted once, on its device, to what the program reads: ROW_MAJOR in the
    input's dtype (ttnn.typecast works on tiles, then ttnn.to_layout; the device path: not run on silicon yet),
    and its TensorDesc. Host gamma/beta are converted when their bytes are uploaded (_tensor_bytes). Which dtypes
    and layouts may be converted is validate's rule (OperationAttributes.convert_affine)."""
    dtype, layout = _enum_name(t.dtype), _enum_name(t.layout)
    if dtype != _enum_name(input_desc.dtype):
        if layout != "TILE":
            t = ttnn.to_layout(t, ttnn.TILE_LAYOUT)  # typecast works on tiles
            layout = "TILE"
        t = ttnn.typecast(t, getattr(ttnn.DataType, _enum_name(input_desc.dtype)))
    if layout == "TILE":
        t = ttnn.to_layout(t, ttnn.ROW_MAJOR_LAYOUT)
    return t, _tensor_desc(t, argname)


class _Prepared:
    """One call's arguments as the C++ op's descriptions: attrs, input / gamma / beta / output TensorDescs (gamma
    and beta as given, attrs.convert_affine set), and the tensors. Not validated here: the first C++ call on the
    call path (create_program_descriptor, or validate on a program-cache hit) checks every value.
    Raises TypeError for an argument of the wrong Python type."""

    def __init__(self, input_tensor, gamma, beta, eps, memory_config, compute_kernel_config, core_grid=None,
                 program_factory=None, dtype=None, wsplit_cores_per_row=None, wsplit_chunk_tiles=None):
        _check_tensor(input_tensor, "input_tensor", optional=False)
        _check_tensor(gamma, "gamma", optional=True)
        _check_tensor(beta, "beta", optional=True)
        self.input_tensor, self.gamma, self.beta = input_tensor, gamma, beta
        self.input = _tensor_desc(input_tensor, "input_tensor")
        self.gamma_desc = _tensor_desc(gamma, "gamma") if gamma is not None else None
        self.beta_desc = _tensor_desc(beta, "beta") if beta is not None else None
        self.on_device = self.input.on_device

        out_mc = (
            _c_memory_config(memory_config, "memory_config") if memory_config is not None else self.input.memory_config
        )
        self.attrs = _C.OperationAttributes(
            eps=_eps(eps),
            output_memory_config=out_mc,
            output_dtype=_output_dtype(dtype, self.input),
            compute_config=_compute_config(compute_kernel_config),
            arch=_arch_name(None) if not self.on_device else _device_arch(input_tensor),
            core_grid=_core_grid(core_grid),
            program_factory=_program_factory(program_factory),
            convert_affine=True,  # host: at upload (_tensor_bytes); device: _affine
            wsplit_cores_per_row=_wsplit_count(wsplit_cores_per_row, "wsplit_cores_per_row", 2),
            wsplit_chunk_tiles=_wsplit_count(wsplit_chunk_tiles, "wsplit_chunk_tiles", 1),
        )
        self.output = _C.TensorDesc(
            shape=list(self.input.shape),
            dtype=self.attrs.output_dtype,
            layout=_C.Layout.ROW_MAJOR,
            memory_config=out_mc,
            on_device=self.input.on_device,
            device_id=self.input.device_id,
        )

    @property
    def W(self) -> int:
        """Last dim of the input (elements); read after validation (rank >= 1)."""
        return self.input.shape[-1]

    @property
    def rows(self) -> int:
        """Rows of the input: its volume / W."""
        return math.prod(self.input.shape) // self.W

    def tensor_args(self) -> _C.TensorArgs:
        return _C.TensorArgs(self.input, self.gamma_desc, self.beta_desc)


def _device_arch(t: ttnn.Tensor) -> str:
    try:
        return _arch_name(_enum_name(t.device().arch()).lower())
    except Exception:  # no arch query on this device object: fall back to the configured arch
        return _arch_name(None)


def _stats_dict(stats: _C.RunStats, arch: str) -> dict[str, Any]:
    return {
        "arch": arch,
        "dram_bytes_read": stats.dram_bytes_read,
        "dram_bytes_written": stats.dram_bytes_written,
        "noc_transactions": stats.noc_transactions,
        "dram_bytes_read_per_buffer": dict(stats.dram_bytes_read_per_buffer),
        "dram_bytes_written_per_buffer": dict(stats.dram_bytes_written_per_buffer),
        "cores_used": stats.cores_used,
        "tiles_computed": stats.tiles_computed,
        "l1_high_water": stats.l1_high_water,
        "jit_cache_hits": stats.jit_cache_hits,
        "jit_compiles": stats.jit_compiles,
        "warnings": list(stats.warnings),
        # per core, keyed by (x, y)
        **{k: dict(getattr(stats, k)) for k in ("tiles_computed_per_core", "l1_high_water_per_core",
                                                 "noc_transactions_per_core", "tile_ops_per_core")},
        "kernels_run": stats.kernels_run,
        "host_threads": stats.host_threads,
    }


# Set by trace.traced(): EmuDevice.run keywords (trace=True, ...); calls return stats["trace"] (_C.TraceEvent list).
_TRACE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("layernorm_fused_rm_trace", default=None)


def _run_on_emulator(p: _Prepared) -> tuple[ttnn.Tensor, dict[str, Any]]:
    dev, lock = _emulator(p.attrs.arch)
    allocated: list[int] = []
    with lock:
        # The call's one validation, before anything is converted, allocated or uploaded: the program comes from
        # create_program_descriptor (miss) or the cache after validate (hit); its addresses are written below.
        program, cache_hit = _cached_program(p)
        in_dtype = _TORCH_DTYPE[_enum_name(p.input.dtype)]
        out_dtype = _TORCH_DTYPE[_enum_name(p.attrs.output_dtype)]
        stick = p.W * in_dtype.itemsize
        nbytes = p.rows * stick
        out_stick = p.W * out_dtype.itemsize
        out_nbytes = p.rows * out_stick
        completed = False
        try:

            def upload(data: bytes, size: int) -> int:
                if len(data) != size:
                    raise RuntimeError(f"ttnn.layernorm_fused_rm: internal error: {size} bytes expected, got {len(data)}")
                addr = dev.allocate_dram_buffer(size, stick)
                allocated.append(addr)
                dev.write_dram_buffer(addr, data)
                return addr

            p.input.address = upload(_tensor_bytes(p.input_tensor, in_dtype), nbytes)
            # gamma / beta None: nothing to upload; the program is built without them. Given ones are
            # converted to the input's dtype (and from TILE layout) here, once.
            if p.gamma_desc is not None:
                p.gamma_desc.address = upload(_tensor_bytes(p.gamma, in_dtype), stick)
            if p.beta_desc is not None:
                p.beta_desc.address = upload(_tensor_bytes(p.beta, in_dtype), stick)
            out_addr = dev.allocate_dram_buffer(out_nbytes, out_stick)
            allocated.append(out_addr)
            p.output.address = out_addr

            _C.override_runtime_arguments(program, p.tensor_args(), p.output)  # the program factory's rewrite
            stats = dev.run(program, **(_TRACE.get() or {}))
            raw = dev.read_dram_buffer(out_addr, out_nbytes)
            completed = True
        finally:
            # Free every buffer even when the run failed; a failing free must not hide the run's own error.
            free_errors = []
            for addr in allocated:
                try:
                    dev.deallocate_dram_buffer(addr)
                except Exception as e:  # noqa: BLE001
                    free_errors.append(e)
            if completed and free_errors:
                raise free_errors[0]

    out = torch.from_numpy(np.frombuffer(raw, dtype=_INT_VIEW[out_dtype][1]).copy()).view(out_dtype)
    out = out.reshape([int(d) for d in p.input.shape])
    ttnn_dtype = getattr(ttnn.DataType, _enum_name(p.attrs.output_dtype))
    result = ttnn.from_torch(out, dtype=ttnn_dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
    stats_dict = _stats_dict(stats, p.attrs.arch)
    stats_dict.update({"trace": list(stats.trace)} if _TRACE.get() else {})
    stats_dict["program_cache_hit"] = cache_hit
    # The same DRAM counters by tensor name (the emulator keys them by buffer address).
    names = {p.input.address: "input", out_addr: "output"}
    if p.gamma_desc is not None:
        names[p.gamma_desc.address] = "gamma"
    if p.beta_desc is not None:
        names[p.beta_desc.address] = "beta"
    stats_dict["dram_bytes_read_per_tensor"] = {
        names.get(a, hex(a)): n for a, n in stats_dict["dram_bytes_read_per_buffer"].items()
    }
    stats_dict["dram_bytes_written_per_tensor"] = {
        names.get(a, hex(a)): n for a, n in stats_dict["dram_bytes_written_per_buffer"].items()
    }
    return result, stats_dict


# --------------------------------------------------------------------------------------------- program cache


def _freeze(v: Any, depth: int = 0) -> Any:
    """A hashable value equal for equal configurations: enums by type and name, floats by exact value, nanobind
    structs by all their public data fields (so a field added to OperationAttributes, TensorDesc, MemoryConfig or
    ComputeConfigDescriptor is part of the key without anyone touching this), TensorDesc.address excluded."""
    if depth > 8:
        raise RuntimeError("ttnn.layernorm_fused_rm: internal error: program cache key nests too deep")
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return ("float", v.hex())
    if isinstance(v, enum.Enum):
        return (type(v).__name__, v.name)
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(x, depth + 1) for x in v)
    fields = []
    for name in dir(v):
        if name.startswith("_") or (name == "address" and isinstance(v, _C.TensorDesc)):
            continue
        attr = getattr(v, name)
        if callable(attr):
            continue
        fields.append((name, _freeze(attr, depth + 1)))
    return (type(v).__name__, tuple(fields))


def _program_cache_key(p: _Prepared) -> tuple:
    """Everything the descriptor and its validation depend on except buffer addresses: the input, gamma and beta
    descriptions as given (shape, dtype, layout, memory config, device; whether the caller gave gamma/beta at all),
    the output description, every operation attribute (eps, output dtype and memory config, compute config, arch,
    core grid, program factory) and the kernel root (kernel_source paths are built from it)."""
    return (
        _freeze(p.attrs),
        _freeze(p.input),
        p.gamma is not None,
        p.beta is not None,
        _freeze(p.gamma_desc),
        _freeze(p.beta_desc),
        _freeze(p.output),
        _C.kernel_root(),
    )


def _cached_program(p: _Prepared) -> tuple[_C.ProgramDescriptor, bool]:
    """The descriptor for p, and whether it came from the program cache; its buffer addresses are not p's yet
    (the caller writes them with _C.override_runtime_arguments, the program factory's rewrite).

    Runs the call's one validation: a miss builds the descriptor with _C.create_program_descriptor (which
    validates) and keeps it; a hit runs _C.validate (tt-metal's validate_on_program_cache_hit) and takes the cached
    one. Counters change only when that succeeds. The caller holds the emulator lock of p.attrs.arch; the arch is
    part of the key, so a cached descriptor is only ever rewritten and run under that one lock."""
    key = _program_cache_key(p)
    with _program_cache_lock:
        program = _program_cache.get(key)
        if program is not None:
            _program_cache.move_to_end(key)  # most recently used
    if program is None:
        program = _C.create_program_descriptor(p.attrs, p.tensor_args(), p.output)
        with _program_cache_lock:
            _program_cache[key] = program
            _program_cache_counts["misses"] += 1
            _evict_programs_locked(_program_cache_capacity_locked())
        return program, False
    _C.validate(p.attrs, p.tensor_args(), p.output)
    with _program_cache_lock:
        _program_cache_counts["hits"] += 1
    return program, True


def _program_cache_capacity_locked() -> int:
    if _program_cache_size[0] is None:
        raw = os.environ.get(PROGRAM_CACHE_SIZE_ENV)
        if raw is None or raw == "":
            _program_cache_size[0] = DEFAULT_PROGRAM_CACHE_SIZE
        else:
            try:
                n = int(raw)
            except ValueError:
                n = 0
            if n < 1:
                raise ValueError(f"{PROGRAM_CACHE_SIZE_ENV} must be an integer >= 1 (program descriptors kept), got {raw!r}")
            _program_cache_size[0] = n
    return _program_cache_size[0]


def _evict_programs_locked(keep: int) -> None:
    while len(_program_cache) > keep:
        _program_cache.popitem(last=False)  # least recently used
        _program_cache_counts["evictions"] += 1


def set_program_cache_size(n: int) -> None:
    """Bounds the program cache to `n` >= 1 descriptors (least recently used evicted first, now and later).

    The default is 1024, or ``$LAYERNORM_FUSED_RM_PROGRAM_CACHE_SIZE`` read at the first call. Raises TypeError
    when n is not an int, ValueError when n < 1.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"set_program_cache_size: n must be an int >= 1, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"set_program_cache_size: n must be >= 1, got {n}")
    with _program_cache_lock:
        _program_cache_size[0] = int(n)
        _evict_programs_locked(int(n))


def program_cache_stats() -> dict[str, int]:
    """Counters of the program cache: ``{"hits", "misses", "evictions", "entries", "capacity"}`` (ints).

    A call whose shapes, dtypes, layouts, memory configs, eps, compute config, arch and gamma/beta presence
    and shapes equal an earlier call's is a hit: it reuses that call's program descriptor and only rewrites the
    buffer addresses in its runtime args (as tt-metal's program cache and override_runtime_arguments). The cache
    keeps at most ``capacity`` descriptors (:func:`set_program_cache_size`, default 1024 or
    ``$LAYERNORM_FUSED_RM_PROGRAM_CACHE_SIZE``), evicting the least recently used. Counts since import or the
    last :func:`clear_program_cache`. The kernel libraries the emulator keeps loaded have their own bound and
    counters: ``_C.jit_cache_stats()``.
    """
    with _program_cache_lock:
        return {**_program_cache_counts, "entries": len(_program_cache), "capacity": _program_cache_capacity_locked()}


def clear_program_cache() -> None:
    """Drops every cached program descriptor and resets the hit, miss and eviction counters to 0."""
    with _program_cache_lock:
        _program_cache.clear()
        for k in _program_cache_counts:
            _program_cache_counts[k] = 0


# --------------------------------------------------------------------------------------------- public API


def layernorm_fused_rm(
    input_tensor: ttnn.Tensor,
    gamma: ttnn.Tensor | None = None,
    beta: ttnn.Tensor | None = None,
    eps: float = 1e-5,
    *,
    memory_config: ttnn.MemoryConfig | None = None,
    compute_kernel_config: Any = None,
    core_grid: Any = None,
    program_factory: str | None = None,
    dtype: Any = None,
    return_stats: bool = False,
    wsplit_cores_per_row: int | None = None,
    wsplit_chunk_tiles: int | None = None,
):
    """LayerNorm over the last dimension of a ROW_MAJOR tensor, in one fused Tenstorrent program.

    ``y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta``, mean and (biased) variance over the last
    dim W, computed per row. The program reads row-major sticks, tilizes, reduces, normalizes, applies
    gamma/beta and untilizes on the core; no tile-layout round trip through DRAM.

    Args:
        input_tensor: ttnn.Tensor, ROW_MAJOR, BFLOAT16 or FLOAT32 (FLOAT32 needs fp32_dest_acc_en, the
            default), any rank >= 1 with all dims > 0 (all but the last
            dim are rows), any last dim W >= 1, interleaved memory. A host tensor (``ttnn.from_torch(...)`` without
            ``device``) runs on the host Tensix emulator; a device tensor will run via ``ttnn.generic_op``.
        gamma: optional ttnn.Tensor of W elements, shape [W], [1, W], [1, 1, W] or [1, 1, 1, W], BFLOAT16 or
            FLOAT32, ROW_MAJOR or TILE (converted once to the input's dtype and ROW_MAJOR: host tensors when
            uploaded, device tensors on their device), interleaved, on the same device (or host) as input_tensor.
            None: no scaling (the program is built without the multiply, not with a ones row).
        beta: optional ttnn.Tensor like gamma. None: no shift (built without the add).
        eps: a float (or numpy / torch real scalar) added to the variance, used as float32: a normal float32 from
            1.17549435e-38 to 3.38953139e+38, the largest bfloat16 (the reader rounds it to bf16).
        memory_config: ttnn.MemoryConfig of the output (interleaved, DRAM or L1); None: same as input_tensor's.
        compute_kernel_config: ttnn.WormholeComputeKernelConfig (math_fidelity, fp32_dest_acc_en,
            math_approx_mode, dst_full_sync_en) or None: HiFi4 with fp32_dest_acc_en=True, so row sums
            accumulate in fp32 and the mean / variance / inverse std stay Float32 (with a 16-bit DEST a
            65536-wide row sum in bf16 loses the mean: PCC 0.9997 at W = 16384).
        core_grid: ttnn.CoreGrid(y=rows, x=columns) of worker cores to split the tile-rows (32-row blocks)
            over (x, y >= 1 and within the arch's grid), or None for the arch's whole grid (Wormhole n150 8x8, Blackhole p150 13x10). Each core takes
            ceil or floor of tile-rows / cores, as tt-metal's split_work_to_cores.
        program_factory: None (default) lets the op choose the program with the lowest modelled time whose circular
            buffers fit L1 (row-resident, streaming or W-split: ``layernorm_fused_rm.device_model``); a factory name
            (``_C.program_factory_name()``, ``_C.STREAMING_PROGRAM_FACTORY``, ``_C.WSPLIT_PROGRAM_FACTORY``) forces one.
        dtype: ttnn.bfloat16 or ttnn.float32 for the output, or None for the input's dtype.
        wsplit_cores_per_row, wsplit_chunk_tiles: forced W-split only: cores per tile-row S (a divisor >= 2 of Wt),
            tiles per row-major staging chunk (a divisor of Wt / S); None: the modelled best S, the widest that fits L1.
        return_stats: a bool (or numpy bool); when True, return ``(output, stats)`` where stats is a dict of the emulator's run
            counters (DRAM bytes read/written in bytes, NOC transactions, cores used, tiles computed,
            L1 high-water address in bytes, JIT cache hits/compiles, warnings, arch, and
            ``program_cache_hit``: whether the program descriptor came from the program cache).

    Returns:
        ttnn.Tensor with input_tensor's shape, the output dtype (``dtype``, default the input's), ROW_MAJOR (a
        host tensor for host input); or ``(tensor, dict)`` when return_stats is True.

    Non-finite values: a NaN or +-Inf in a row of input_tensor makes only that row's outputs non-finite, one in
    gamma[j] or beta[j] only column j of every row; every other output is bit-identical to a run without it.
    The affected outputs are +-Inf in a bfloat16 output (the packer's fp32 -> bf16 rounding turns NaN into
    infinity: tt-isa-documentation WormholeB0/TensixTile/TensixCoprocessor/Packers/FormatConversion.md) and
    for bfloat16 input also in a float32 output (its intermediates are packed to bf16); NaN (or +-Inf for an
    Inf in beta) for float32 input and output. These are the emulator's results; on silicon the bf16 path's FPU
    reads NaN / Inf as large finite numbers (FloatBitPatterns.md there), so only the locality holds.

    Raises:
        TypeError (raised in Python, before anything runs): input_tensor, gamma or beta is not a ttnn.Tensor;
            eps not a number; memory_config, compute_kernel_config, core_grid, program_factory or dtype of the
            wrong type.
        ValueError (the C++ validate): a violated precondition (layout, dtype, rank, zero dim, gamma/beta volume,
            dtype or layout, eps, sharded memory or a buffer type other than DRAM / L1, math fidelity, core_grid,
            program_factory name, tensors on different devices); the message names the argument, the expected
            and the given value.
        RuntimeError (the C++ validate): W too large for L1 even for the streaming program, or for the
            row-resident program when it is forced with program_factory.
        layernorm_fused_rm.EmulatorError / DeadlockError / CompileError: the emulator detected a rule
            violation, a deadlock, or a kernel that does not compile.
    """
    return_stats = _return_stats(return_stats)
    p = _Prepared(input_tensor, gamma, beta, eps, memory_config, compute_kernel_config, core_grid, program_factory,
                  dtype, wsplit_cores_per_row, wsplit_chunk_tiles)
    if p.on_device:
        from . import _device  # descriptor -> ttnn.ProgramDescriptor -> ttnn.generic_op

        out = _device.run_on_device(p)
        return (out, {"arch": p.attrs.arch, "target": "device"}) if return_stats else out
    out, stats = _run_on_emulator(p)
    return (out, stats) if return_stats else out


def create_program_descriptor(
    input_tensor: ttnn.Tensor,
    gamma: ttnn.Tensor | None = None,
    beta: ttnn.Tensor | None = None,
    eps: float = 1e-5,
    *,
    memory_config: ttnn.MemoryConfig | None = None,
    compute_kernel_config: Any = None,
    core_grid: Any = None,
    program_factory: str | None = None,
    dtype: Any = None,
    wsplit_cores_per_row: int | None = None,
    wsplit_chunk_tiles: int | None = None,
) -> _C.ProgramDescriptor:
    """The program ``layernorm_fused_rm`` would run for these arguments, without running it.

    Arguments and errors are those of :func:`layernorm_fused_rm` (one validation, by the C++
    ``_C.create_program_descriptor``). No buffers are allocated: all tensor addresses in the runtime args are 0.
    gamma/beta None stay absent (address 0, their affine flag clear: the program is built without them).

    Returns:
        ``_C.ProgramDescriptor`` (kernels, cbs, program_factory), tt-metal field names; kernel_source
        paths are absolute.
    """
    p = _Prepared(input_tensor, gamma, beta, eps, memory_config, compute_kernel_config, core_grid, program_factory,
                  dtype, wsplit_cores_per_row, wsplit_chunk_tiles)
    return _C.create_program_descriptor(p.attrs, p.tensor_args(), p.output)


def golden(x: torch.Tensor, gamma: torch.Tensor | None = None, beta: torch.Tensor | None = None,
           eps: float = 1e-5) -> torch.Tensor:
    """Reference LayerNorm: ``torch.nn.functional.layer_norm`` over the last dim, in float64.

    Args:
        x: torch.Tensor (or host ttnn.Tensor) of shape [..., W], any float dtype; it is used as given
            (pass the bf16-rounded values to compare with the op).
        gamma, beta: None or W-element tensors (any shape with W elements, e.g. [W] or [1, 1, 1, W]).
        eps: float > 0.

    Returns:
        torch.Tensor, float64, shape of x.
    """

    def as_torch(t):
        return ttnn.to_torch(t) if isinstance(t, ttnn.Tensor) else t

    x = as_torch(x)
    w = x.shape[-1]
    g = as_torch(gamma)
    b = as_torch(beta)
    g = g.reshape(w).to(torch.float64) if g is not None else None
    b = b.reshape(w).to(torch.float64) if b is not None else None
    return torch.nn.functional.layer_norm(x.to(torch.float64), (w,), weight=g, bias=b, eps=float(eps))
