# SPDX-License-Identifier: Apache-2.0
"""Kernel conformance: syntax-check every kernel the program factory can produce against the real
kernel headers of the installed ttnn wheel, for each processor it runs on.

What runs
    For every configuration in CONFIGS the op's own ``create_program_descriptor`` is called. A
    configuration that validation rejects is reported as skipped with the validation message (so new
    configurations are picked up by themselves once the factory accepts them). Every KernelDescriptor
    of every accepted program is compiled with its exact compile_time_args and defines:

      reader  (ReaderConfigDescriptor, RISCV_1)  as NCRISC  through firmware/src/tt-1xx/ncrisck.cc
      writer  (WriterConfigDescriptor, RISCV_0)  as BRISC   through firmware/src/tt-1xx/brisck.cc
      compute (ComputeConfigDescriptor)          as TRISC0 (unpack) and TRISC2 (pack) through trisck.cc

    with ``clang++ --target=riscv32-unknown-elf -fsyntax-only``, the wheel's own include tree in the
    order tt-metal 0.81.1's JIT uses for Wormhole, its JIT defines (device, HAL, per-processor,
    KERNEL_BUILD, KERNEL_COMPILE_TIME_ARGS, NOC_INDEX/NOC_MODE), newlib's C headers and the
    arm-none-eabi libstdc++ headers from Debian for the C++ standard library, and the generated files
    tt-metal writes per kernel (kernel_includes.hpp, chlkc_*.cpp, chlkc_descriptors.h,
    defines_generated.h), written here from templates/.

    Identical compiles (same kernel, processor, args, defines and compute config) run once. Compiles
    run in parallel; passing compiles are cached by the hash of everything they read from this
    project (command line, generated files, kernel directory) plus the compiler and ttnn versions.

What is NOT checked, and why
    * TRISC1 (math). Every SFPU kernel the math thread includes is written in the SFPI vector DSL
      (sfpi.h), which only the SFPI RISC-V compiler understands and which the wheel does not ship.
    * On TRISC0/TRISC2 two SFPI headers are replaced by stand-ins (standins/): lltt.h (three
      declarations) and an empty sfpi.h; on TRISC2 the three pack-thread SFPU kernels
      (ckernel_sfpu_{sigmoid,tanh,silu}.h) are replaced by declarations of their templates. Our
      kernels' calls all go through the real compute API and tt-llk headers.
    * Code generation, linking, register allocation, -O levels, GCC-only diagnostics: this is a
      syntax and semantic check by clang, not the SFPI GCC build. Warnings are errors only where
      they point into our kernel sources (tt-metal builds with -Werror; clang reports warnings in
      tt-metal's own headers that GCC does not).
    * Only Wormhole (wormhole_b0, n150 device defines). The factory's descriptors are arch-neutral.

Usage
    python tools/kernel_conformance/check.py [--json] [--kernel-root DIR] [--no-cache] [-k SUBSTR]
Exit status 0 when every compile passed, 1 otherwise (the compiler's messages are printed).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import hashlib
import json
import os
import re
import shlex
import shutil
import string
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STANDINS = HERE / "standins"

# ------------------------------------------------------------------------------------------ configurations
#
# Data-driven: each entry is what a caller would pass to ttnn.layernorm_fused_rm. Widths are chosen so the
# untilize block width (a compile-time arg: the largest divisor of Wt within the DEST capacity) takes many
# values; row counts include one tile-row and thousands (one core vs many once the factory splits rows).
# Entries the factory does not accept yet (e.g. fp32)
# are reported as skipped with the validation message and start being checked when validation accepts them.
# Entries whose comment names a program or block width pin it with "program_factory": the model-based selection would
# otherwise take the W-split for several of them (test_kernel_conformance.py checks the block widths vary).
CONFIGS: list[dict[str, Any]] = [
    {"name": "bf16_w32_rows32", "shape": [1, 1, 32, 32]},  # Wt 1, block 1
    {"name": "bf16_w64_rows64", "shape": [1, 1, 64, 64]},  # Wt 2, block 2
    {"name": "bf16_w96_rows32", "shape": [1, 1, 32, 96]},  # Wt 3, block 3
    {"name": "bf16_w128_rows2048", "shape": [1, 1, 2048, 128]},  # Wt 4, 64 tile-rows over the whole grid
    {"name": "bf16_w128_rows2048_1core", "shape": [1, 1, 2048, 128], "core_grid": [1, 1]},
    {"name": "bf16_w256_rows2080_8x8", "shape": [1, 1, 2080, 256], "core_grid": [8, 8]},  # uneven split
    {"name": "bf16_w512_streaming", "shape": [1, 1, 64, 512], "program_factory": "streaming"},
    {"name": "bf16_w1024_streaming_fp16dest", "shape": [1, 1, 32, 1024], "program_factory": "streaming",
     "compute": {"fp32_dest_acc_en": False}},
    {"name": "bf16_w4096_streaming_rows1024", "shape": [1, 1, 1024, 4096], "program_factory": "streaming"},  # streaming chosen, many cores
    {"name": "bf16_w224_lofi_approx", "shape": [2, 40, 224], "compute": {"math_fidelity": "LoFi", "math_approx_mode": True}},
    {"name": "bf16_w320_rows_partial", "shape": [3, 50, 320], "program_factory": "resident"},  # Wt 10, block 5; 150 rows: partial tile-row
    {"name": "bf16_w384_fullsync", "shape": [1, 1, 64, 384], "compute": {"dst_full_sync_en": True},
     "program_factory": "resident"},  # Wt 12, block 12
    {"name": "bf16_w512_rows32", "shape": [1, 1, 32, 512], "program_factory": "resident"},  # Wt 16, block 8
    {"name": "bf16_w1024_fp32acc", "shape": [1, 1, 32, 1024], "compute": {"fp32_dest_acc_en": True},
     "program_factory": "resident"},  # Wt 32, block 4
    {"name": "bf16_w2048_rows4096", "shape": [1, 1, 4096, 2048]},  # Wt 64
    {"name": "bf16_w8192", "shape": [1, 1, 32, 8192], "program_factory": "streaming"},  # beyond the row-resident limit: streaming program
    {"name": "bf16_w100000_rows64", "shape": [1, 1, 64, 100000]},  # very wide: streaming if L1 allows, else skipped
    {"name": "bf16_w100_any_width", "shape": [1, 1, 32, 100]},  # W % 32 != 0
    {"name": "bf16_w100_no_affine", "shape": [1, 1, 32, 100], "affine": "none"},
    {"name": "bf16_w64_gamma_only", "shape": [1, 1, 64, 64], "affine": "gamma"},
    {"name": "bf16_w96_beta_only", "shape": [2, 17, 96], "affine": "beta"},
    {"name": "bf16_w1000_streaming_no_affine", "shape": [1, 1, 96, 1000], "program_factory": "streaming", "affine": "none"},
    {"name": "bf16_w7_tiny", "shape": [5, 7]},
    # bfloat16 with a 16-bit DEST runs the FPU kernels (layernorm_fused_rm{,_streaming}.cpp); with fp32 DEST (the
    # default, all entries above without "fp32_dest_acc_en": False) the shifted kernels.
    {"name": "bf16_w320_fp16dest", "shape": [1, 1, 64, 320], "compute": {"fp32_dest_acc_en": False},
     "program_factory": "resident"},  # block 5
    {"name": "bf16_w100_fp16dest_lofi_approx_no_affine", "shape": [1, 1, 33, 100], "affine": "none",
     "compute": {"fp32_dest_acc_en": False, "math_fidelity": "LoFi", "math_approx_mode": True}},
    {"name": "bf16_w4544_streaming_fullsync", "shape": [2, 4544], "compute": {"dst_full_sync_en": True},
     "program_factory": "streaming"},
    {"name": "fp32_w128", "shape": [1, 1, 64, 128], "dtype": "float32", "compute": {"fp32_dest_acc_en": True}},
    {"name": "fp32_w1024_rows2048", "shape": [1, 1, 2048, 1024], "dtype": "float32", "compute": {"fp32_dest_acc_en": True}},
    # float32 input runs the precise kernels (layernorm_fused_rm_precise*.cpp): their other configurations.
    {"name": "fp32_w4544_streaming", "shape": [2, 4544], "dtype": "float32"},  # precise streaming kernel
    {"name": "fp32_w512_streaming_forced", "shape": [1, 1, 64, 512], "dtype": "float32", "program_factory": "streaming"},
    {"name": "fp32_w100_no_affine", "shape": [1, 1, 33, 100], "dtype": "float32", "affine": "none"},  # partial tile
    {"name": "fp32_w96_beta_only", "shape": [2, 17, 96], "dtype": "float32", "affine": "beta"},
    {"name": "fp32_w64_gamma_only", "shape": [1, 1, 64, 64], "dtype": "float32", "affine": "gamma"},
    {"name": "fp32_w384_fullsync", "shape": [1, 1, 64, 384], "dtype": "float32",
     "compute": {"fp32_dest_acc_en": True, "dst_full_sync_en": True}},
    {"name": "fp32_w7_streaming_no_affine", "shape": [5, 7], "dtype": "float32", "program_factory": "streaming",
     "affine": "none"},
    {"name": "fp32_in_bf16_out", "shape": [1, 1, 32, 160], "dtype": "float32", "output_dtype": "bfloat16"},
    # The W-split program (forced; S from its rule unless "wsplit" gives it): its writer (exchange) and compute kernels.
    {"name": "bf16_w4096_wsplit", "shape": [1, 1, 32, 4096], "program_factory": "wsplit"},  # S 64, Ws 2
    {"name": "bf16_w100_wsplit_s2_no_affine", "shape": [1, 1, 33, 100], "program_factory": "wsplit", "wsplit": 2,
     "affine": "none"},  # partial last slice
    {"name": "bf16_w1024_wsplit_fp16dest_gamma", "shape": [1, 1, 64, 1024], "program_factory": "wsplit", "wsplit": 4,
     "affine": "gamma", "compute": {"fp32_dest_acc_en": False}},  # bf16 statistics, Ws 8
    {"name": "bf16_w768_wsplit_beta_fp32out", "shape": [1, 1, 32, 768], "program_factory": "wsplit", "wsplit": 3,
     "affine": "beta", "output_dtype": "float32"},
    # Row-major staging in chunks ("wsplit_chunk": tiles; Ws 9 in chunks of 3, partial last tile): both kernels.
    {"name": "fp32_w570_wsplit_chunked", "shape": [1, 1, 65, 570], "dtype": "float32", "program_factory": "wsplit",
     "wsplit": 2, "wsplit_chunk": 3},
    {"name": "bf16_w570_wsplit_chunked_fp16dest", "shape": [1, 1, 65, 570], "program_factory": "wsplit", "wsplit": 2,
     "wsplit_chunk": 3, "compute": {"fp32_dest_acc_en": False}},
]

# ------------------------------------------------------------------------------------------ tt-metal facts
#
# Facts of tt-metal 0.81.1 for a Wormhole n150 kernel build (JitBuildEnv/JitBuildState, the Wormhole HAL
# query and the device's kernel defines), as its JIT passes them to the compiler. The include list is in
# the JIT's order; "@SFPI" is where the SFPI compiler's include directory goes for compute builds.
COMMON_INCLUDES = [
    "",
    "ttnn",
    "ttnn/cpp",
    "tt_metal/hw/inc",
    "tt_metal/tt-llk/common",
    "tt_metal/tt-llk/tools/include",
    "tt_metal/hostdevcommon/api",
    "tt_metal/api",
]
WH_INCLUDES = [
    "tt_metal/hw/ckernels/wormhole_b0/metal/common",
    "tt_metal/hw/ckernels/wormhole_b0/metal/llk_io",
    "tt_metal/hw/inc/internal/tt-1xx",
    "tt_metal/hw/inc/internal/tt-1xx/wormhole",
    "tt_metal/hw/inc/internal/tt-1xx/wormhole/wormhole_b0_defines",
    "tt_metal/hw/inc/internal/tt-1xx/wormhole/noc",
    "tt_metal/tt-llk/tt_llk_wormhole_b0/common/inc",
    "tt_metal/tt-llk/tt_llk_wormhole_b0/llk_lib",
]
WH_COMPUTE_INCLUDES = [
    "tt_metal/hw/ckernels/wormhole_b0/metal/llk_api",
    "tt_metal/hw/ckernels/wormhole_b0/metal/llk_api/llk_sfpu",
]
FIRMWARE_SRC = "tt_metal/hw/firmware/src/tt-1xx"
# Device kernel defines of one n150 (12 DRAM banks, 64 L1 banks, PCIe at NOC (0, 3)), the environment
# defines, then the HAL's arch defines and the dispatch mailbox address of a Wormhole build.
DEVICE_DEFINES = [
    ("IS_NOT_POW2_NUM_DRAM_BANKS", "1"),
    ("LOG_BASE_2_OF_NUM_L1_BANKS", "6"),
    ("NUM_DRAM_BANKS", "12"),
    ("NUM_L1_BANKS", "64"),
    ("PCIE_NOC_X", "0"),
    ("PCIE_NOC_Y", "3"),
    ("TENSIX_FIRMWARE", None),
    ("LOCAL_MEM_EN", "0"),
    ("ROUTING_FW_ENABLED", None),
]
ARCH_DEFINES = [("PROGRAMMABLE_CORE_TYPE", "0"), ("ARCH_WORMHOLE", None), ("DISPATCH_MESSAGE_ADDR", "4290183304")]
NUM_CIRCULAR_BUFFERS = 32


@dataclasses.dataclass(frozen=True)
class Processor:
    name: str  # BRISC, NCRISC, TRISC0, TRISC1, TRISC2
    target: str  # tt-metal's build target name (output subdirectory)
    firmware: str  # wrapper source in FIRMWARE_SRC
    defines: tuple  # HAL per-processor defines
    trisc: str | None = None  # "unpack" | "math" | "pack" for compute


BRISC = Processor("BRISC", "brisc", "brisck.cc", (("PROCESSOR_INDEX", "0"), ("COMPILE_FOR_BRISC", None)))
NCRISC = Processor("NCRISC", "ncrisc", "ncrisck.cc", (("PROCESSOR_INDEX", "1"), ("COMPILE_FOR_NCRISC", None)))
TRISC0 = Processor(
    "TRISC0", "trisc0", "trisck.cc",
    (("PROCESSOR_INDEX", "2"), ("UCK_CHLKC_UNPACK", None), ("COMPILE_FOR_TRISC", "0")), "unpack")
TRISC1 = Processor(
    "TRISC1", "trisc1", "trisck.cc",
    (("PROCESSOR_INDEX", "3"), ("UCK_CHLKC_MATH", None), ("COMPILE_FOR_TRISC", "1")), "math")
TRISC2 = Processor(
    "TRISC2", "trisc2", "trisck.cc",
    (("PROCESSOR_INDEX", "4"), ("UCK_CHLKC_PACK", None), ("COMPILE_FOR_TRISC", "2")), "pack")

TRISC1_NOT_CHECKED = (
    "TRISC1 (math) is not checked: the math thread's SFPU kernels are SFPI vector code (sfpi.h), which only "
    "the SFPI RISC-V compiler can parse and which the ttnn wheel does not ship"
)

# tt::DataFormat values (tensix_types.h) used in chlkc_descriptors.h.
DF = {"Float32": 0, "Tf32": 4, "Float16_b": 5, "UInt32": 8, "Invalid": 255}
MATH_FIDELITY = {"LoFi": 0, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}


# ------------------------------------------------------------------------------------------ toolchain


class ToolchainMissing(RuntimeError):
    """clang or the Debian newlib / arm-none-eabi libstdc++ headers are not installed."""


@dataclasses.dataclass(frozen=True)
class Toolchain:
    clang: str
    version: str
    isystem: tuple[str, ...]


def find_toolchain() -> Toolchain:
    """clang++ (``$LAYERNORM_FUSED_RM_CLANG``, else clang++-19 .. clang++-16, else clang++) and the C/C++
    standard headers: newlib (Debian libnewlib-dev) and libstdc++ for arm-none-eabi (Debian
    libstdc++-arm-none-eabi-dev), both under /usr/include/newlib."""
    candidates = [os.environ.get("LAYERNORM_FUSED_RM_CLANG")] + [f"clang++-{v}" for v in range(19, 15, -1)] + ["clang++"]
    clang = next((shutil.which(c) for c in candidates if c and shutil.which(c)), None)
    if clang is None:
        raise ToolchainMissing("no clang++ found (install Debian clang-19: `make conformance-deps`)")
    out = subprocess.run([clang, "--version"], capture_output=True, text=True).stdout
    version = out.splitlines()[0] if out else clang
    newlib = Path(os.environ.get("LAYERNORM_FUSED_RM_NEWLIB_INCLUDE", "/usr/include/newlib"))
    cxx = sorted((newlib / "c++").glob("*"), key=lambda p: [int(x) for x in re.findall(r"\d+", p.name)] or [0])
    if not (newlib / "stdint.h").is_file():
        raise ToolchainMissing(f"newlib C headers not found in {newlib} (install Debian libnewlib-dev)")
    if not cxx or not (cxx[-1] / "type_traits").is_file() or not (cxx[-1] / "arm-none-eabi" / "bits" / "c++config.h").is_file():
        raise ToolchainMissing(f"libstdc++ headers not found in {newlib}/c++ (install Debian libstdc++-arm-none-eabi-dev)")
    return Toolchain(clang, version, (str(cxx[-1]), str(cxx[-1] / "arm-none-eabi"), str(newlib)))


def ttnn_root() -> Path:
    """The installed wheel's tt-metal root (the ttnn package directory: tt_metal/, ttnn/cpp, runtime/)."""
    import ttnn  # noqa: PLC0415

    return Path(ttnn.__file__).resolve().parent


# ------------------------------------------------------------------------------------------ configurations -> jobs


@dataclasses.dataclass
class Skipped:
    config: str
    reason: str


@dataclasses.dataclass
class Job:
    """One compile: one kernel of one program on one processor."""

    key: str
    kind: str  # reader | writer | compute
    processor: Processor
    kernel_source: str
    compile_time_args: tuple[int, ...]
    defines: tuple[tuple[str, str], ...]
    compute: dict[str, Any] | None  # ComputeConfigDescriptor fields (compute only)
    cb_formats: dict[int, tuple[str, int]]  # buffer index -> (data format name, page size)
    noc_index: int = 0
    configs: list[str] = dataclasses.field(default_factory=list)  # configurations that produce this compile
    cores: int = 0  # cores this kernel runs on, summed over those configurations

    @property
    def label(self) -> str:
        return f"{Path(self.kernel_source).stem}@{self.processor.name}[{self.key[:8]}]"


def _kind(k) -> str:
    return "compute" if k.is_compute else ("reader" if k.is_reader else "writer")


def _compute_fields(cfg) -> dict[str, Any]:
    return {
        "math_fidelity": getattr(cfg.math_fidelity, "name", str(cfg.math_fidelity)),
        "fp32_dest_acc_en": bool(cfg.fp32_dest_acc_en),
        "dst_full_sync_en": bool(cfg.dst_full_sync_en),
        "math_approx_mode": bool(cfg.math_approx_mode),
        "unpack_to_dest_mode": [getattr(m, "name", str(m)) for m in cfg.unpack_to_dest_mode],
    }


def program_for(config: dict[str, Any]):
    """The op's program descriptor for one CONFIGS entry (raises what validation raises)."""
    import torch  # noqa: PLC0415
    import ttnn  # noqa: PLC0415

    import layernorm_fused_rm as lf  # noqa: PLC0415

    dtype = {"bfloat16": ttnn.bfloat16, "float32": ttnn.float32}[config.get("dtype", "bfloat16")]
    tdtype = {"bfloat16": torch.bfloat16, "float32": torch.float32}[config.get("dtype", "bfloat16")]
    shape = config["shape"]
    w = shape[-1]
    x = ttnn.from_torch(torch.zeros(shape, dtype=tdtype), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
    g = ttnn.from_torch(torch.ones(w, dtype=tdtype), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
    b = ttnn.from_torch(torch.zeros(w, dtype=tdtype), dtype=dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
    affine = config.get("affine", "both")  # both | gamma | beta | none: which of gamma / beta the call passes
    g = g if affine in ("both", "gamma") else None
    b = b if affine in ("both", "beta") else None
    cc = None
    if "compute" in config:
        c = dict(config["compute"])
        cc = lf._C.ComputeConfigDescriptor(
            math_fidelity=getattr(lf._C.MathFidelity, c.pop("math_fidelity", "HiFi4")), **c)
    extra = {}
    if "core_grid" in config:  # [y, x]
        extra["core_grid"] = ttnn.CoreGrid(y=config["core_grid"][0], x=config["core_grid"][1])
    if "output_dtype" in config:  # "bfloat16" | "float32": the dtype= keyword
        extra["dtype"] = {"bfloat16": ttnn.bfloat16, "float32": ttnn.float32}[config["output_dtype"]]
    if "program_factory" in config:  # "resident" | "streaming" | "wsplit": force one
        extra["program_factory"] = {"resident": lf._C.program_factory_name(),
                                    "streaming": lf._C.STREAMING_PROGRAM_FACTORY,
                                    "wsplit": lf._C.WSPLIT_PROGRAM_FACTORY}[config["program_factory"]]
    if "wsplit" in config:  # W-split cores per tile-row
        extra["wsplit_cores_per_row"] = config["wsplit"]
    if "wsplit_chunk" in config:  # W-split row-major staging chunk (tiles)
        extra["wsplit_chunk_tiles"] = config["wsplit_chunk"]
    return lf.create_program_descriptor(x, g, b, eps=1e-5, compute_kernel_config=cc, **extra)


def plan(configs: Iterable[dict[str, Any]] = CONFIGS, *, kernel_root_map: tuple[str, str] | None = None,
         include_trisc1: bool = False) -> tuple[list[Job], list[Skipped]]:
    """Compile jobs for every kernel of every accepted configuration, deduplicated; and the skipped ones.

    kernel_root_map: (old_prefix, new_prefix) rewrites kernel_source paths (to check a modified copy).
    include_trisc1: also plan TRISC1 jobs (they fail: see TRISC1_NOT_CHECKED).
    """
    jobs: dict[str, Job] = {}
    skipped: list[Skipped] = []
    for config in configs:
        try:
            program = program_for(config)
        except (ValueError, TypeError, RuntimeError) as e:
            skipped.append(Skipped(config["name"], f"rejected by validation: {e}"))
            continue
        cb_formats: dict[int, tuple[str, int]] = {}
        for cb in program.cbs:
            for fd in cb.format_descriptors:
                cb_formats[int(fd.buffer_index)] = (fd.data_format.name, int(fd.page_size))
        for k in program.kernels:
            kind = _kind(k)
            src = k.kernel_source
            if kernel_root_map and src.startswith(kernel_root_map[0]):
                src = kernel_root_map[1] + src[len(kernel_root_map[0]):]
            if kind == "reader":
                procs, noc = [NCRISC], 1  # RISCV_1, NOC RISCV_1_default = NOC 1
            elif kind == "writer":
                procs, noc = [BRISC], 0  # RISCV_0, NOC RISCV_0_default = NOC 0
            else:
                procs, noc = ([TRISC0, TRISC1, TRISC2] if include_trisc1 else [TRISC0, TRISC2]), 0
            compute = _compute_fields(k.config) if kind == "compute" else None
            for proc in procs:
                ident = json.dumps(
                    [src, proc.name, list(k.compile_time_args), [list(d) for d in k.defines], compute,
                     sorted(cb_formats.items()) if compute else None, noc], sort_keys=True)
                key = hashlib.sha256(ident.encode()).hexdigest()
                job = jobs.get(key)
                if job is None:
                    job = jobs[key] = Job(key, kind, proc, src, tuple(int(a) for a in k.compile_time_args),
                                          tuple((str(a), str(b)) for a, b in k.defines), compute,
                                          dict(cb_formats) if compute else {}, noc)
                job.configs.append(config["name"])
                job.cores += int(k.core_ranges.num_cores())
    return list(jobs.values()), skipped


# ------------------------------------------------------------------------------------------ generated files


def _template(name: str, **values) -> str:
    return string.Template((TEMPLATES / name).read_text()).substitute(**values)


def _array(ctype: str, name: str, values: list[int]) -> str:
    return f"{ctype} {name}[{len(values)}] = {{\n    {','.join(str(v) for v in values)}\n}};"


def cb_formats(job: Job) -> dict[str, list[int]]:
    """Per-CB format arrays (NUM_CIRCULAR_BUFFERS entries, Invalid where no CB).

    unpack_src = pack_dst = the CB's L1 format. unpack_dst (source registers / DEST via unpack-to-dest):
    a Float32 CB with UnpackToDestFp32 unpacks as Float32, otherwise as Tf32 with fp32_dest_acc_en, else
    Float16_b; a Float16_b CB as Float16_b. pack_src (DEST): Float32 with fp32_dest_acc_en, else Float16_b.
    """
    c = job.compute or {}
    utd = c.get("unpack_to_dest_mode") or []
    fp32_acc = bool(c.get("fp32_dest_acc_en"))
    src = [DF["Invalid"]] * NUM_CIRCULAR_BUFFERS
    udst = list(src)
    psrc = list(src)
    size = [0] * NUM_CIRCULAR_BUFFERS
    for idx, (fmt, page) in job.cb_formats.items():
        src[idx] = DF[fmt]
        if fmt == "Float32":
            to_dest = idx < len(utd) and utd[idx] == "UnpackToDestFp32"
            udst[idx] = DF["Float32"] if to_dest else (DF["Tf32"] if fp32_acc else DF["Float16_b"])
        else:
            udst[idx] = DF[fmt]
        psrc[idx] = DF["Float32"] if fp32_acc else DF["Float16_b"]
        size[idx] = 32 * 32 * (4 if fmt in ("Float32", "UInt32") else 2)
    return {"unpack_src": src, "unpack_dst": udst, "pack_src": psrc, "pack_dst": list(src), "tile_size": size}


def _tile_dims(prefix: str, tile_size: list[int]) -> list[str]:
    n = NUM_CIRCULAR_BUFFERS
    return [
        _array("constexpr uint8_t", f"{prefix}tile_num_faces", [4] * n),
        _array("constexpr uint8_t", f"{prefix}partial_face", [0] * n),
        _array("constexpr uint8_t", f"{prefix}tile_face_r_dim", [16] * n),
        _array("constexpr uint8_t", f"{prefix}narrow_tile", [0] * n),
        _array("constexpr uint8_t", f"{prefix}tile_r_dim", [32] * n),
        _array("constexpr uint8_t", f"{prefix}tile_c_dim", [32] * n),
        _array("constexpr uint16_t", f"{prefix}tile_size", tile_size),
        _array("constexpr uint8_t", f"{prefix}num_faces_r_dim", [2] * n),
        _array("constexpr uint8_t", f"{prefix}num_faces_c_dim", [2] * n),
    ]


def generated_files(job: Job) -> dict[str, str]:
    """File name -> contents of what tt-metal generates for this kernel build (kernel directory level)."""
    if job.kind != "compute":
        return {"kernel_includes.hpp": _template("kernel_includes.hpp.in", job=job.label, kernel_source=job.kernel_source)}
    c = job.compute or {}
    f = cb_formats(job)
    files = {
        "chlkc_descriptors.h": _template(
            "chlkc_descriptors.h.in",
            job=job.label,
            num_cbs=NUM_CIRCULAR_BUFFERS,
            math_fidelity=MATH_FIDELITY[c.get("math_fidelity", "HiFi4")],
            approx="true" if c.get("math_approx_mode") else "false",
            unpack_arrays="\n".join(
                [_array("constexpr std::int32_t", "unpack_src_format", f["unpack_src"]),
                 _array("constexpr std::int32_t", "unpack_dst_format", f["unpack_dst"])] + _tile_dims("unpack_", f["tile_size"])),
            pack_arrays="\n".join(
                [_array("constexpr unsigned char", "pack_src_format", f["pack_src"]),
                 _array("constexpr unsigned char", "pack_dst_format", f["pack_dst"])] + _tile_dims("pack_", f["tile_size"])),
            pack_unpack_src=_array("constexpr std::int32_t", "unpack_src_format", f["unpack_src"]),
            dst_accum_mode="true" if c.get("fp32_dest_acc_en") else "false",
            dst_sync="Full" if c.get("dst_full_sync_en") else "Half",
        ),
        "defines_generated.h": _template(
            "defines_generated.h.in", job=job.label,
            defines="\n".join([f"#define {k} {v}" for k, v in job.defines] + ["#define NOC_MODE 0"])),
    }
    for trisc, define in (("unpack", "TRISC_UNPACK"), ("math", "TRISC_MATH"), ("pack", "TRISC_PACK")):
        files[f"chlkc_{trisc}.cpp"] = _template(
            "chlkc_trisc.cpp.in", job=job.label, trisc_define=define, kernel_source=job.kernel_source)
    return files


def _define_flag(name: str, value: str | None) -> str:
    return f"-D{name}" if value is None else f"-D{name}={value}"


def command(job: Job, tc: Toolchain, root: Path) -> list[str]:
    """The clang command (run in <kernel build dir>/<target>) that checks one job."""
    proc = job.processor
    includes = [str(root / p) for p in COMMON_INCLUDES]
    if job.kind == "compute":
        includes.append(str(STANDINS / "sfpi"))  # where the JIT puts runtime/sfpi/include
    includes += [str(root / p) for p in WH_INCLUDES]
    if job.kind == "compute":
        if proc is TRISC2:
            includes.append(str(STANDINS / "trisc2_sfpu"))  # must precede llk_sfpu
        includes += [str(root / p) for p in WH_COMPUTE_INCLUDES]
    includes.append(str(root / FIRMWARE_SRC))
    defines = [_define_flag(k, v) for k, v in DEVICE_DEFINES]
    defines += [_define_flag(k, v) for k, v in proc.defines]
    defines += [_define_flag(k, v) for k, v in ARCH_DEFINES]
    defines += ["-DKERNEL_BUILD", f'-DFULL_KERNEL_NAME="{Path(job.kernel_source).stem}/{job.key[:16]}"']
    if job.kind != "compute":
        # Data-movement kernels get their defines on the command line, then NOC_INDEX and NOC_MODE.
        defines += [f"-D{k}={v}" for k, v in job.defines]
        defines += [f"-DNOC_INDEX={job.noc_index}", "-DNOC_MODE=0"]
    if job.compile_time_args:
        defines.append("-DKERNEL_COMPILE_TIME_ARGS=" + ",".join(str(a) for a in job.compile_time_args))
    flags = [
        tc.clang, "--target=riscv32-unknown-elf", "-march=rv32im", "-mabi=ilp32", "-std=c++17", "-fsyntax-only",
        "-ffast-math", "-fno-exceptions", "-fno-rtti", "-fno-use-cxa-atexit", "-Wall", "-Wno-unknown-pragmas",
        "-Wno-unused-variable", "-Wno-unused-function", "-Wno-unknown-attributes", "-fno-color-diagnostics",
        "-ferror-limit=50", "-nostdlibinc",
    ]
    for d in tc.isystem:
        flags += ["-isystem", d]
    flags += ["-I.", "-I.."] + [f"-I{p}" for p in includes]
    return flags + defines + [str(root / FIRMWARE_SRC / proc.firmware)]


# ------------------------------------------------------------------------------------------ running


@dataclasses.dataclass
class Result:
    job: Job
    ok: bool
    output: str  # compiler output (errors, and warnings in our sources)
    cached: bool = False
    command: list[str] = dataclasses.field(default_factory=list)


_DIAG = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<sev>warning|error|fatal error): ")


def _own_warnings(output: str, kernel_dirs: list[str]) -> list[str]:
    """Warnings located in our kernel sources (tt-metal's JIT builds with -Werror)."""
    bad = []
    for line in output.splitlines():
        m = _DIAG.match(line)
        if m and m.group("sev") == "warning":
            path = os.path.realpath(m.group("path"))
            if any(path.startswith(d + os.sep) for d in kernel_dirs):
                bad.append(line)
    return bad


def _cache_key(job: Job, cmd: list[str], files: dict[str, str], tc: Toolchain) -> str:
    import ttnn  # noqa: PLC0415

    h = hashlib.sha256()
    h.update(json.dumps([cmd, sorted(files.items()), tc.version, getattr(ttnn, "__version__", "")]).encode())
    kdir = Path(job.kernel_source).parent.parent  # <kernel root>/{dataflow,compute}/x.cpp -> <kernel root>
    for p in sorted(kdir.rglob("*")):
        if p.is_file() and p.suffix in (".cpp", ".hpp", ".h", ".hh", ".inl"):
            h.update(str(p).encode())
            h.update(p.read_bytes())
    for p in sorted(HERE.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.read_bytes())
    return h.hexdigest()


def default_cache_dir() -> Path:
    base = os.environ.get("LAYERNORM_FUSED_RM_CONFORMANCE_CACHE")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "layernorm_fused_rm" / "conformance"


def run_job(job: Job, tc: Toolchain, root: Path, work: Path, cache_dir: Path | None) -> Result:
    files = generated_files(job)
    kdir = work / job.key[:16]
    bdir = kdir / job.processor.target
    bdir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (kdir / name).write_text(text)
    cmd = command(job, tc, root)
    stamp = None
    if cache_dir is not None:
        stamp = cache_dir / (_cache_key(job, cmd, files, tc) + ".ok")
        if stamp.is_file():
            return Result(job, True, "", cached=True, command=cmd)
    proc = subprocess.run(cmd, cwd=bdir, capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    kernel_dirs = [os.path.realpath(Path(job.kernel_source).parent.parent)]
    own = _own_warnings(output, kernel_dirs)
    ok = proc.returncode == 0 and not own
    if not ok:
        errors = [l for l in output.splitlines() if re.search(r"(error|warning): ", l) and not l.startswith("In file")]
        keep = [l for l in errors if "error" in l] + own
        detail = output if len(output) < 20000 else output[:20000] + "\n... (truncated)"
        return Result(job, False, "\n".join(keep) + "\n--- full compiler output ---\n" + detail, command=cmd)
    if stamp is not None:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(" ".join(shlex.quote(c) for c in cmd) + "\n")
    return Result(job, True, "", command=cmd)


def run(jobs: list[Job], *, tc: Toolchain | None = None, root: Path | None = None, cache_dir: Path | None = None,
        use_cache: bool = True, workers: int | None = None, keep_dir: Path | None = None) -> list[Result]:
    """Run all jobs in parallel (os.cpu_count() workers); results in job order."""
    tc = tc or find_toolchain()
    root = root or ttnn_root()
    if use_cache and cache_dir is None:
        cache_dir = default_cache_dir()
    if not use_cache:
        cache_dir = None
    tmp = None
    if keep_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="lnfrm-conformance-")
        work = Path(tmp.name)
    else:
        work = keep_dir
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as ex:
            return list(ex.map(lambda j: run_job(j, tc, root, work, cache_dir), jobs))
    finally:
        if tmp is not None:
            tmp.cleanup()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print a JSON report")
    ap.add_argument("--kernel-root", help="check the kernels under DIR instead of the installed package's")
    ap.add_argument("--no-cache", action="store_true", help="compile everything, ignore and write no cache")
    ap.add_argument("--keep", help="keep the generated build directories under this directory")
    ap.add_argument("-k", dest="select", help="only configurations whose name contains this")
    args = ap.parse_args(argv)

    import layernorm_fused_rm as lf  # noqa: PLC0415

    configs = [c for c in CONFIGS if not args.select or args.select in c["name"]]
    mapping = (str(lf.KERNEL_ROOT), str(Path(args.kernel_root).resolve())) if args.kernel_root else None
    jobs, skipped = plan(configs, kernel_root_map=mapping)
    try:
        tc = find_toolchain()
    except ToolchainMissing as e:
        print(f"kernel conformance: {e}", file=sys.stderr)
        return 2
    results = run(jobs, tc=tc, use_cache=not args.no_cache, keep_dir=Path(args.keep) if args.keep else None)
    failed = [r for r in results if not r.ok]
    if args.json:
        print(json.dumps({
            "toolchain": tc.version,
            "checked": [{"kernel": r.job.kernel_source, "processor": r.job.processor.name,
                         "compile_time_args": list(r.job.compile_time_args), "defines": list(r.job.defines),
                         "configs": r.job.configs, "ok": r.ok, "cached": r.cached, "output": r.output}
                        for r in results],
            "skipped_configs": [dataclasses.asdict(s) for s in skipped],
            "not_checked": [TRISC1_NOT_CHECKED],
        }, indent=2))
    else:
        for r in results:
            status = "ok" if r.ok else "FAIL"
            print(f"{status:4} {r.job.processor.name:6} {Path(r.job.kernel_source).name:36} "
                  f"ct={list(r.job.compile_time_args)} configs={','.join(r.job.configs)}{' (cached)' if r.cached else ''}")
        for s in skipped:
            print(f"skip {s.config}: {s.reason}")
        print(f"not checked: {TRISC1_NOT_CHECKED}")
        for r in failed:
            print(f"\n==== {r.job.label} ({', '.join(r.job.configs)})\n{r.output}")
        print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed, {len(skipped)} configurations skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
