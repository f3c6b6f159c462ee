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


def error_bound(x: torch.Tensor, gamma, beta, eps: float = 1e-5) -> torch.Tensor:
    """Per-element bound on |op - torch float64| from the op's numerics on Tensix (and the emulator's model):

      * the FPU's 19-bit source registers hold TF32 (11 significant bits, truncated: ISA SrcASrcB.md), so
        an fp32 operand loses up to 2^-10 of its magnitude. The mean enters x - mean that way (also for bf16
        x, which is exact in TF32), and for fp32 input x itself too: an absolute error of
        2^-10 (|mean| + max|x|) / std in the normalized value z, i.e. that times |gamma| in the output;
      * z, z * gamma and + beta each pass through a TF32 truncation (fp32 CBs, at most 2^-10) or a bf16
        rounding (bf16 CBs, at most 2^-8) once more, as do the statistics: at most 8 such relative errors
        of terms no larger than the row's max |z gamma| + |beta|;
      * the output is rounded to its dtype once (half an ULP).
    std is sqrt(var + eps), as the op divides by it.
    """
    xd = x.double()
    mean = xd.mean(dim=-1, keepdim=True)
    std = xd.var(dim=-1, unbiased=False, keepdim=True).add(eps).sqrt()
    z = (xd - mean) / std
    g = torch.ones(x.shape[-1], dtype=torch.float64) if gamma is None else gamma.double().reshape(-1)
    b = torch.zeros(x.shape[-1], dtype=torch.float64) if beta is None else beta.double().reshape(-1)
    row_terms = ((z * g).abs() + b.abs()).amax(dim=-1, keepdim=True)
    per_rounding = 2.0**-8 if x.dtype == torch.bfloat16 else 2.0**-10
    dz = 2.0**-10 * mean.abs() / std
    if x.dtype == torch.float32:
        dz = dz + 2.0**-10 * xd.abs().amax(dim=-1, keepdim=True) / std
    out = z * g + b
    rounding = 0.5 * (bf16_ulp(out) if x.dtype == torch.bfloat16 else out.abs() * 2.0**-23)
    return 8 * per_rounding * row_terms + dz * g.abs().max() + rounding
