# SPDX-License-Identifier: Apache-2.0
"""Device path of ttnn.layernorm_fused_rm: our program descriptor -> ``ttnn.ProgramDescriptor`` -> ``ttnn.generic_op``.

The C++ program factory builds the same descriptor for both targets (``_C.ProgramDescriptor``, a mirror of
tt::tt_metal::ProgramDescriptor). For a device tensor this module

  1. asks the C++ op for the descriptor (``_C.create_program_descriptor``: the call's one validation), then
     converts gamma / beta on their device when needed, allocates the output on the input's device
     (``ttnn.allocate_tensor_on_device``) and writes the real buffer addresses into the descriptor with the
     program factory's ``_C.override_runtime_arguments``; gamma / beta None stay absent (the factory's affine
     flags make the kernels skip them);
  2. replaces the factory's own TensorAccessorArgs encoding in each data-movement kernel's compile-time args
     with ``ttnn.TensorAccessorArgs(tensor).get_compile_time_args()`` of the real tensor (see ACCESSOR_ARGS);
  3. converts everything field by field into ttnn's Python objects (CBDescriptor / CBFormatDescriptor,
     KernelDescriptor with Reader/Writer/ComputeConfigDescriptor, ttnn.RuntimeArgs per core; kernel sources by
     the absolute paths the factory gives, i.e. the ``kernels/`` folder installed with this package);
  4. runs ``ttnn.generic_op([input, gamma, beta, output], program)`` (the tensors the call has; output last):
     tt-metal JIT-compiles the same kernel sources.

Steps 2 and 3 are pure functions (``to_ttnn_program_descriptor``) tested without a device.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

import ttnn

from . import _C

# Whose TensorAccessorArgs each data-movement kernel takes, in the order it chains them with
# next_compile_time_args_offset(), keyed by kernel file name; anything after the last accessor is kept as it is.
# Where the first one starts is the kernel's compile-time arg index from cpp/device/kernels/
# layernorm_fused_rm_kernel_args.hpp, which the kernel and the factory use too. The factory encodes interleaved
# accessors as [ArgsConfig, aligned page size]; test_dev/device/test_device_descriptor.py checks its args.
ACCESSOR_ARGS: dict[str, tuple[str, ...]] = {
    "reader_layernorm_fused_rm.cpp": ("input", "gamma", "beta"),
    "writer_layernorm_fused_rm.cpp": ("output",),
}
_FIRST_ACCESSOR: dict[str, int] = {
    "reader_layernorm_fused_rm.cpp": _C.reader_ct_args.input_accessor,
    "writer_layernorm_fused_rm.cpp": _C.writer_ct_args.output_accessor,
}
IO_ORDER = ("input", "gamma", "beta", "output")  # ttnn.generic_op io_tensors order; output last

# tensor_accessor::ArgConfig bits (hostdevcommon/tensor_accessor/arg_config.hpp)
_ARG_SHARDED = 1 << 0
_ARG_RUNTIME_PAGE_SIZE = 1 << 7

_DATA_TYPES = {"Float16_b": "bfloat16", "Float32": "float32", "UInt32": "uint32"}
_MATH_FIDELITY = {"LoFi": "LoFi", "HiFi2": "HiFi2", "HiFi3": "HiFi3", "HiFi4": "HiFi4"}


def _name(v: Any) -> str:
    return getattr(v, "name", str(v).split(".")[-1])


# --------------------------------------------------------------------------------------------- field converters


def core_coord(c: _C.CoreCoord) -> ttnn.CoreCoord:
    return ttnn.CoreCoord(int(c.x), int(c.y))


def core_range_set(s: _C.CoreRangeSet) -> ttnn.CoreRangeSet:
    return ttnn.CoreRangeSet([ttnn.CoreRange(core_coord(r.start), core_coord(r.end)) for r in s.ranges])


def data_type(fmt: _C.DataFormat) -> ttnn.DataType:
    """ttnn.DataType whose tt::DataFormat is `fmt` (the CBFormatDescriptor constructor converts it)."""
    try:
        return getattr(ttnn, _DATA_TYPES[_name(fmt)])
    except KeyError:
        raise ValueError(f"layernorm_fused_rm: no ttnn data type for CB data format {_name(fmt)}") from None


def compute_config(cc: _C.ComputeConfigDescriptor) -> ttnn.ComputeConfigDescriptor:
    out = ttnn.ComputeConfigDescriptor(
        math_fidelity=getattr(ttnn.MathFidelity, _MATH_FIDELITY[_name(cc.math_fidelity)]),
        math_approx_mode=bool(cc.math_approx_mode),
        fp32_dest_acc_en=bool(cc.fp32_dest_acc_en),
        dst_full_sync_en=bool(cc.dst_full_sync_en),
        bfp8_pack_precise=bool(cc.bfp8_pack_precise),
    )
    modes = list(cc.unpack_to_dest_mode)
    if modes:
        out.unpack_to_dest_mode = [getattr(ttnn.UnpackToDestMode, _name(m)) for m in modes]
    return out


def kernel_config(k: _C.KernelDescriptor):
    if k.is_compute:
        return compute_config(k.config)
    if k.is_reader:
        return ttnn.ReaderConfigDescriptor()  # RISCV_1 (NCRISC), NOC RISCV_1_default
    return ttnn.WriterConfigDescriptor()  # RISCV_0 (BRISC), NOC RISCV_0_default


def runtime_args(k: _C.KernelDescriptor) -> ttnn.RuntimeArgs:
    rt = ttnn.RuntimeArgs()
    for core, args in k.runtime_args:
        rt.append(core_coord(core), [int(a) for a in args])
    return rt


def first_accessor_offset(kernel_source: str) -> int:
    """The compile-time arg index of the first TensorAccessorArgs of a data-movement kernel (by file name).

    Raises ValueError for a kernel that takes no TensorAccessorArgs (not in ACCESSOR_ARGS)."""
    name = os.path.basename(kernel_source)
    try:
        return _FIRST_ACCESSOR[name]
    except KeyError:
        raise ValueError(f"layernorm_fused_rm: kernel {name} takes no TensorAccessorArgs (expected one of "
                         f"{sorted(_FIRST_ACCESSOR)})") from None


def factory_accessor_length(args: Sequence[int], offset: int) -> int:
    """Number of compile-time args of the factory's own interleaved TensorAccessorArgs encoding at `offset`."""
    if offset >= len(args):
        raise ValueError(f"layernorm_fused_rm: no TensorAccessorArgs at compile-time arg {offset} (only {len(args)} args)")
    flags = int(args[offset])
    if flags & _ARG_SHARDED:
        raise ValueError(f"layernorm_fused_rm: sharded TensorAccessorArgs at compile-time arg {offset} are not supported")
    return 1 if flags & _ARG_RUNTIME_PAGE_SIZE else 2


def splice_accessor_args(k: _C.KernelDescriptor, accessor_args: Mapping[str, Sequence[int]] | None) -> list[int]:
    """k's compile-time args with its TensorAccessorArgs replaced by the real tensors' ones.

    accessor_args: tensor role ("input", "gamma", "beta", "output") -> compile-time args from
    ``ttnn.TensorAccessorArgs(tensor).get_compile_time_args()``. None keeps the factory's encoding.
    """
    args = [int(a) for a in k.compile_time_args]
    roles = ACCESSOR_ARGS.get(os.path.basename(k.kernel_source))
    if accessor_args is None or roles is None:
        return args
    offset = first_accessor_offset(k.kernel_source)
    out = args[:offset]
    pos = offset
    for role in roles:
        n = factory_accessor_length(args, pos)
        # A tensor the call does not have (gamma / beta None: the kernel's affine flags skip it) keeps the
        # factory's placeholder encoding; the kernel still chains past it.
        out += [int(a) for a in accessor_args[role]] if role in accessor_args else args[pos:pos + n]
        pos += n
    return out + args[pos:]


def to_ttnn_program_descriptor(
    desc: _C.ProgramDescriptor, accessor_args: Mapping[str, Sequence[int]] | None = None
) -> ttnn.ProgramDescriptor:
    """Field-by-field conversion of our descriptor into a real ``ttnn.ProgramDescriptor`` (no device needed)."""
    cbs = []
    for cb in desc.cbs:
        fds = [
            ttnn.CBFormatDescriptor(
                buffer_index=int(fd.buffer_index), data_format=data_type(fd.data_format), page_size=int(fd.page_size)
            )
            for fd in cb.format_descriptors
        ]
        cbs.append(ttnn.CBDescriptor(total_size=int(cb.total_size), core_ranges=core_range_set(cb.core_ranges),
                                     format_descriptors=fds))
    kernels = []
    for k in desc.kernels:
        if not os.path.isfile(k.kernel_source):
            raise FileNotFoundError(f"layernorm_fused_rm: kernel source {k.kernel_source} does not exist")
        kernels.append(
            ttnn.KernelDescriptor(
                kernel_source=k.kernel_source,
                source_type=ttnn.KernelDescriptor.SourceType.FILE_PATH,
                core_ranges=core_range_set(k.core_ranges),
                compile_time_args=splice_accessor_args(k, accessor_args),
                defines=[(str(a), str(b)) for a, b in k.defines],
                runtime_args=runtime_args(k),
                common_runtime_args=[int(a) for a in k.common_runtime_args],
                config=kernel_config(k),
            )
        )
    semaphores = [
        ttnn.SemaphoreDescriptor(id=int(sd.id), core_type=ttnn.CoreType.WORKER,
                                 core_ranges=core_range_set(sd.core_ranges), initial_value=int(sd.initial_value))
        for sd in desc.semaphores
    ]
    return ttnn.ProgramDescriptor(kernels=kernels, semaphores=semaphores, cbs=cbs)


def check_noc_coordinates(device, arch: str) -> None:
    """Raises RuntimeError when the device addresses a worker core at other NOC coordinates than the factory's table.

    The W-split program passes NOC coordinates of its cores in runtime args (multicast rectangle, semaphore
    increments), computed from ``ArchParams.worker_noc_coord`` (cpp/tt_metal_mirror/arch/arch_params.cpp: Wormhole
    translated = logical + 18, Blackhole the soc descriptor's NOC0 columns). A chip whose virtual coordinates differ
    (harvesting, a different translation) would make those args wrong: refuse rather than run."""
    params = _C.ArchParams.by_name(arch)
    grid = device.compute_with_storage_grid_size()
    for y in range(min(int(grid.y), params.grid_y)):
        for x in range(min(int(grid.x), params.grid_x)):
            want = params.worker_noc_coord(x, y)
            got = device.worker_core_from_logical_core(ttnn.CoreCoord(x, y))
            if (int(got.x), int(got.y)) != tuple(want):
                raise RuntimeError(
                    f"layernorm_fused_rm: device worker ({x},{y}) is at NOC ({got.x},{got.y}), the W-split factory "
                    f"assumes {tuple(want)} (arch_params.cpp); run with program_factory forced to another program")


# --------------------------------------------------------------------------------------------- running on a device


def accessor_args_of(tensors: Mapping[str, ttnn.Tensor]) -> dict[str, list[int]]:
    """role -> ``ttnn.TensorAccessorArgs(tensor).get_compile_time_args()`` (device tensors only)."""
    out = {}
    for role, t in tensors.items():
        a = ttnn.TensorAccessorArgs(t)
        if list(a.get_common_runtime_args()):
            raise NotImplementedError(
                f"layernorm_fused_rm: TensorAccessorArgs of {role} need common runtime args; the kernels take "
                "interleaved accessors with compile-time args only"
            )
        out[role] = [int(v) for v in a.get_compile_time_args()]
    return out


def _ttnn_memory_config(mc: _C.MemoryConfig) -> ttnn.MemoryConfig:
    """The ttnn.MemoryConfig of a validated (interleaved, DRAM or L1) output memory config."""
    return ttnn.MemoryConfig(getattr(ttnn.TensorMemoryLayout, _name(mc.memory_layout)),
                             getattr(ttnn.BufferType, _name(mc.buffer_type)))


def run_on_device(p) -> ttnn.Tensor:
    """Run a call (``_op._Prepared``) on the input's Tenstorrent device through ttnn.generic_op.

    ``_C.create_program_descriptor`` validates the call (its one validation) and builds the program before
    anything is converted or allocated; gamma / beta of the other float dtype or in TILE layout are then converted
    once on their device (``_op._affine``), the output allocated, and the program factory's
    ``override_runtime_arguments`` writes the buffer addresses. gamma / beta None stay absent: the factory's affine
    flags make the kernels skip them. Raises what validate raises (ValueError, RuntimeError)."""
    from ._op import _affine

    desc = _C.create_program_descriptor(p.attrs, p.tensor_args(), p.output)
    x = p.input_tensor
    if len(desc.semaphores) > 0:  # the W-split program addresses cores by NOC coordinates
        check_noc_coordinates(x.device(), p.attrs.arch)
    tensors = {"input": x}
    p.input.address = int(x.buffer_address())
    if p.gamma is not None:
        tensors["gamma"], p.gamma_desc = _affine(p.gamma, "gamma", p.input)
        p.gamma_desc.address = int(tensors["gamma"].buffer_address())
    if p.beta is not None:
        tensors["beta"], p.beta_desc = _affine(p.beta, "beta", p.input)
        p.beta_desc.address = int(tensors["beta"].buffer_address())
    out = ttnn.allocate_tensor_on_device(
        ttnn.Shape([int(d) for d in p.input.shape]), getattr(ttnn.DataType, _name(p.attrs.output_dtype)),
        ttnn.ROW_MAJOR_LAYOUT, x.device(), _ttnn_memory_config(p.attrs.output_memory_config))
    p.output.address = int(out.buffer_address())
    tensors["output"] = out
    _C.override_runtime_arguments(desc, p.tensor_args(), p.output)
    program = to_ttnn_program_descriptor(desc, accessor_args_of(tensors))
    return ttnn.generic_op([tensors[r] for r in IO_ORDER if r in tensors], program)
