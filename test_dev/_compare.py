"""Numerics helpers for the stage-7 gates: PCC, max absolute error and error in bfloat16 ULPs.

Ground truth is torch.nn.functional.layer_norm in float64 on the same (bf16-rounded) inputs
(ARCHITECTURE.md, "Ground truth for numerics").
"""

import math

import torch


def pcc(a: torch.Tensor, b: torch.Tensor) -> float:
    """Pearson correlation of two tensors over all elements, in float64. 1.0 for two equal constants."""
    a = a.double().flatten()
    b = b.double().flatten()
    if torch.equal(a, b):
        return 1.0
    a = a - a.mean()
    b = b - b.mean()
    den = math.sqrt(float((a * a).sum()) * float((b * b).sum()))
    return float((a * b).sum()) / den if den > 0 else 0.0


def bf16_ulp(x: torch.Tensor) -> torch.Tensor:
    """Spacing of bfloat16 numbers at |x| (8 significant bits): 2**(floor(log2|x|) - 7), at least the
    spacing of the smallest normal bf16 (2**-133)."""
    ax = x.double().abs().clamp_min(2.0**-126)
    return torch.exp2(torch.floor(torch.log2(ax)) - 7)


def report(out: torch.Tensor, ref: torch.Tensor) -> dict:
    """PCC; max absolute error; max error in bf16 ULPs at the tensor's output scale (ULP of max|ref|),
    and element-wise (ULP of each |ref|, large where the output cancels to near zero)."""
    out = out.double()
    ref = ref.double()
    err = (out - ref).abs()
    max_ref = float(ref.abs().max())
    max_abs = float(err.max())
    return {
        "pcc": pcc(out, ref),
        "max_abs": max_abs,
        "max_ref": max_ref,
        "max_ulp_at_scale": max_abs / float(bf16_ulp(torch.tensor(max_ref))),
        "max_ulp_elementwise": float((err / bf16_ulp(ref)).max()),
    }
