"""Measured accuracy of ttnn.layernorm_fused_rm per compute config: `python -m layernorm_fused_rm accuracy`.

The README's accuracy table comes from here. Every number is the op's output on host tensors (the project's
Tensix emulator) against torch in float64 on the same (dtype-rounded) inputs (`layernorm_fused_rm.golden`):
  * bfloat16: the worst row's max |out - ref| in bf16 ULPs of that row's largest |ref| (bf16 ULP of v:
    2**(floor(log2 |v|) - 7)), and the smallest PCC over the cases;
  * float32: the worst row's max |out - ref| divided by that row's largest |ref|.
Cases (`CASES`): rows `m + randn` (m / s = m with s = 1, rounded to the dtype) for m in {0, 30, 300, 1e4} and W
in {256, 1024, 16384} with random gamma and beta; float32 also rows with outlier channels (3 columns 100x).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import torch
import ttnn

from ._op import golden

TORCH_DTYPE = {"bfloat16": torch.bfloat16, "float32": torch.float32}
TTNN_DTYPE = {"bfloat16": ttnn.bfloat16, "float32": ttnn.float32}
FIDELITIES = ["HiFi4", "HiFi2", "LoFi"]


@dataclass(frozen=True)
class Case:
    """One input: `rows` rows of width `w`, `mean + randn` (float32 before rounding to the dtype); `outliers`
    multiplies columns 3, W/2 and W-5 by 100 (float32 cases only)."""

    rows: int
    w: int
    mean: float
    outliers: bool = False

    @property
    def label(self) -> str:
        return f"W={self.w} m/s={self.mean:g}" + (" outliers" if self.outliers else "")


CASES = [Case(2 if w >= 16384 else 33, w, m) for w in (256, 1024, 16384) for m in (0.0, 30.0, 300.0, 1e4)]
OUTLIER_CASES = [Case(33, 1024, 0.0, outliers=True)]
CENTERED_MAX_MEAN = 30.0  # "row_err_centered": the worst row over the cases with m / s <= 30


def inputs(case: Case, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """x [rows, W], gamma [W], beta [W] in float32 (randn; seeded by the case and `seed`)."""
    g = torch.Generator().manual_seed(seed * 1000003 + case.w * 31 + int(case.mean))
    x = case.mean + torch.randn(case.rows, case.w, generator=g)
    if case.outliers:
        x[:, [3, case.w // 2, case.w - 5]] *= 100.0
    return x, torch.randn(case.w, generator=g), torch.randn(case.w, generator=g)


def bf16_ulp(v: torch.Tensor) -> torch.Tensor:
    """bf16 spacing at |v|: 2**(floor(log2|v|) - 7), at least that of the smallest normal (2**-133)."""
    return torch.exp2(torch.floor(torch.log2(v.double().abs().clamp_min(2.0**-126))) - 7)


def row_errors(out: torch.Tensor, ref: torch.Tensor, dtype: str) -> torch.Tensor:
    """Per row (last dim): max |out - ref| in bf16 ULPs of the row's largest |ref| ("bfloat16") or relative to
    it ("float32"). A row whose reference is all zero has the smallest normal as its scale: any error is huge."""
    err = (out.double() - ref.double()).abs().reshape(-1, ref.shape[-1]).amax(dim=-1)
    scale = ref.double().abs().reshape(-1, ref.shape[-1]).amax(dim=-1)
    return err / bf16_ulp(scale) if dtype == "bfloat16" else err / scale.clamp_min(2.0**-126)


def pcc(a: torch.Tensor, b: torch.Tensor) -> float:
    """Pearson correlation over all elements in float64 (1.0 for two equal tensors)."""
    a, b = a.double().flatten(), b.double().flatten()
    if torch.equal(a, b):
        return 1.0
    a, b = a - a.mean(), b - b.mean()
    den = float((a * a).sum().sqrt() * (b * b).sum().sqrt())
    return float((a * b).sum()) / den if den > 0 else 0.0


def measure(x, gamma, beta, dtype: str, compute_kernel_config=None, **op_kwargs) -> dict:
    """Runs the op on host tensors of `dtype` ("bfloat16" / "float32"; x, gamma, beta are rounded to it; gamma /
    beta may be None); op_kwargs go to the op (program_factory=, wsplit_cores_per_row=, core_grid=). Returns
    {"pcc", "max_abs", "row_err"}: row_err is the worst row_errors value."""
    tdt = TORCH_DTYPE[dtype]
    x, gamma, beta = (None if t is None else t.to(tdt) for t in (x, gamma, beta))

    def host(t):
        return None if t is None else ttnn.from_torch(t, dtype=TTNN_DTYPE[dtype], layout=ttnn.ROW_MAJOR_LAYOUT)

    y = ttnn.layernorm_fused_rm(host(x), host(gamma), host(beta), compute_kernel_config=compute_kernel_config,
                                **op_kwargs)
    out = ttnn.to_torch(y).double()
    ref = golden(x, gamma, beta)
    return {
        "pcc": pcc(out, ref),
        "max_abs": float((out - ref).abs().max()),
        "row_err": float(row_errors(out, ref, dtype).max()),
    }


def kernel_config(fidelity: str, approx: bool, fp32_dest: bool) -> ttnn.WormholeComputeKernelConfig:
    return ttnn.WormholeComputeKernelConfig(
        math_fidelity=getattr(ttnn.MathFidelity, fidelity), math_approx_mode=approx, fp32_dest_acc_en=fp32_dest
    )


def config_row(dtype: str, fidelity: str, approx: bool, fp32_dest: bool, cases=None) -> dict:
    """The worst row error and smallest PCC over `cases` (default: CASES, plus OUTLIER_CASES for float32) for one
    compute config; {"rejected": message} when the op's validation refuses the config."""
    cases = cases if cases is not None else CASES + (OUTLIER_CASES if dtype == "float32" else [])
    row = {"dtype": dtype, "math_fidelity": fidelity, "math_approx_mode": approx, "fp32_dest_acc_en": fp32_dest}
    worst, worst_case, min_pcc, worst_centered = 0.0, None, 1.0, 0.0
    for case in cases:
        try:
            r = measure(*inputs(case), dtype, kernel_config(fidelity, approx, fp32_dest))
        except ValueError as e:
            return {**row, "rejected": str(e)}
        if r["row_err"] > worst or worst_case is None:
            worst, worst_case = r["row_err"], case.label
        if abs(case.mean) <= CENTERED_MAX_MEAN:
            worst_centered = max(worst_centered, r["row_err"])
        min_pcc = min(min_pcc, r["pcc"])
    return {**row, "row_err": worst, "worst_case": worst_case, "min_pcc": min_pcc, "row_err_centered": worst_centered}


def table(dtypes=("bfloat16", "float32"), cases=None) -> list[dict]:
    """config_row for every dtype x {HiFi4, HiFi2, LoFi} x approx {on, off} x fp32_dest_acc_en {on, off}."""
    return [
        config_row(dtype, fid, approx, dest, cases)
        for dtype in dtypes
        for dest in (True, False)
        for approx in (False, True)
        for fid in FIDELITIES
    ]


def markdown(rows: list[dict]) -> str:
    """The rows as a Markdown table (the README's)."""
    lines = [
        "| input | fp32_dest_acc_en | math_approx_mode | math_fidelity | worst row error | worst case | m/s <= 30 only | min PCC |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        head = f"| {r['dtype']} | {'on' if r['fp32_dest_acc_en'] else 'off'} | {'on' if r['math_approx_mode'] else 'off'} | {r['math_fidelity']} |"
        if "rejected" in r:
            lines.append(f"{head} rejected by validate | | | |")
            continue

        def fmt(v: float) -> str:
            return f"{v:.2f} ULP" if r["dtype"] == "bfloat16" else f"{v:.2e}"

        lines.append(f"{head} {fmt(r['row_err'])} | {r['worst_case']} | {fmt(r['row_err_centered'])} | {r['min_pcc']:.6f} |")
    return "\n".join(lines)


def main(as_json: bool = False) -> int:
    rows = table()
    print(json.dumps(rows, indent=1) if as_json else markdown(rows))
    return 0
