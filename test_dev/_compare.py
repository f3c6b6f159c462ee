"""Numerics helpers for the stage-7 gates: PCC, max absolute error and error in bfloat16 ULPs.

Ground truth is torch.nn.functional.layer_norm in float64 on the same (bf16-rounded) inputs
(docs/ARCHITECTURE.md, "Ground truth for numerics").
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


def row_scale_error(out: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    """Per row: max |out - ref| / max |ref| (0 where the row's reference is all zero and out matches it)."""
    err = (out.double() - ref.double()).abs().amax(dim=-1)
    scale = ref.double().abs().amax(dim=-1)
    return torch.where(scale > 0, err / scale.clamp_min(1e-300), err * math.inf).nan_to_num(0.0)


def error_bound(x: torch.Tensor, gamma, beta, eps: float = 1e-5) -> torch.Tensor:
    """Per-element bound on |op - torch float64| from the op's numerics on Tensix (and the emulator's model).

    BFLOAT16 input: the bound below is that of the FPU kernels (layernorm_fused_rm_compute_common.hpp, which run
    with a 16-bit DEST); with fp32 DEST (the default) the shifted kernels run, whose error is the output's half
    ULP plus fp32 roundings (README "Numerics"), well inside it. The FPU kernels' terms:
      * the FPU's 19-bit source registers hold TF32 (11 significant bits, truncated: ISA SrcASrcB.md), so
        an fp32 operand loses up to 2^-10 of its magnitude. The Float32 mean enters x - mean that way (bf16 x
        is exact in TF32): an absolute error of 2^-10 |mean| / std in the normalized value z, i.e. that times
        |gamma| in the output;
      * z, z * gamma and + beta each pass through a bf16 rounding (bf16 CBs, at most 2^-8) once more, as do
        the statistics: at most 8 such relative errors of terms no larger than the row's max |z gamma| + |beta|;
      * the output is rounded to bf16 once (half an ULP).
    std is sqrt(var + eps), as the op divides by it.

    FLOAT32 input runs the precise kernels (layernorm_fused_rm_precise_common.hpp): x, the mean, inv std, gamma
    and beta reach DEST exactly and all arithmetic is fp32 SFPU arithmetic; the only source-register loss is
    2^-10 of the low half of a row-sum tile (<= 2^-20 of the sum); the mean is m1 + m2 (corrected two-pass), so
    there is no cancellation term. Bound: 2^-17 (~ 64 fp32 roundings) of the row's max |z gamma| + |beta|,
    plus the output's half ULP.
    """
    xd = x.double()
    precise = x.dtype == torch.float32
    mean = xd.mean(dim=-1, keepdim=True)
    std = xd.var(dim=-1, unbiased=False, keepdim=True).add(eps).sqrt()
    z = (xd - mean) / std
    g = torch.ones(x.shape[-1], dtype=torch.float64) if gamma is None else gamma.double().reshape(-1)
    b = torch.zeros(x.shape[-1], dtype=torch.float64) if beta is None else beta.double().reshape(-1)
    row_terms = ((z * g).abs() + b.abs()).amax(dim=-1, keepdim=True)
    if precise:
        return 2.0**-17 * row_terms + 0.5 * (z * g + b).abs() * 2.0**-23
    per_rounding = 2.0**-8
    dz = 2.0**-10 * mean.abs() / std
    out = z * g + b
    rounding = 0.5 * bf16_ulp(out)
    return 8 * per_rounding * row_terms + dz * g.abs().max() + rounding
