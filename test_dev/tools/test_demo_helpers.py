"""The demo's plumbing (python -m layernorm_fused_rm demo), without running the op itself.

The package is imported inside fixtures, not at module level: an import error at collection
would stop pytest from running any test, including the staged gates that explain it.
"""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def demo():
    from layernorm_fused_rm import demo

    return demo


@pytest.fixture(scope="module")
def build_parser():
    from layernorm_fused_rm.__main__ import build_parser

    return build_parser


def test_pcc_basic_properties(demo):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(1000)
    assert demo.pcc(a, a) == pytest.approx(1.0, abs=1e-15)
    assert demo.pcc(a, 3.0 * a + 2.0) == pytest.approx(1.0, abs=1e-12)
    assert demo.pcc(a, -a) == pytest.approx(-1.0, abs=1e-15)
    assert demo.pcc(a.reshape(10, 100), a) == pytest.approx(1.0, abs=1e-15)
    b = rng.standard_normal(1000)
    assert abs(demo.pcc(a, b)) < 0.15
    assert demo.pcc(a, b) == pytest.approx(np.corrcoef(a, b)[0, 1], abs=1e-12)


def test_pick_sentences(demo):
    assert demo.pick_sentences(demo.DEFAULT_SENTENCES) == demo.SENTENCES[: demo.DEFAULT_SENTENCES]
    two = demo.pick_sentences(2)
    assert two == [demo.SENTENCES[0], demo.SENTENCES[demo.DEFAULT_SENTENCES - 1]]
    assert demo.pick_sentences(len(demo.SENTENCES)) == demo.SENTENCES
    for bad in (0, len(demo.SENTENCES) + 1):
        with pytest.raises(ValueError):
            demo.pick_sentences(bad)


def test_cli_parser(build_parser):
    args = build_parser().parse_args(["demo", "--json", "--sentences", "3"])
    assert (args.command, args.json, args.sentences) == ("demo", True, 3)
    args = build_parser().parse_args(["demo"])
    assert (args.json, args.sentences) == (False, None)
    with pytest.raises(SystemExit):
        build_parser().parse_args([])


@pytest.fixture(scope="module")
def tokenizer_and_model(demo):
    import transformers

    path = demo.model_dir()
    tok = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    model = transformers.AutoModel.from_pretrained(str(path), local_files_only=True).eval()
    return tok, model


def test_default_sentences_span_3_to_60_tokens(demo, tokenizer_and_model):
    tok, _ = tokenizer_and_model
    counts = [len(tok(s)["input_ids"]) for s in demo.pick_sentences(demo.DEFAULT_SENTENCES)]
    assert min(counts) == 3
    assert 50 <= max(counts) <= 64
    assert len(set(counts)) == len(counts)


def test_replaces_all_13_layernorms_with_checkpoint_parameters(demo, tokenizer_and_model):
    import copy

    import torch

    _, reference = tokenizer_and_model
    model = copy.deepcopy(reference)
    originals = {n: m for n, m in reference.named_modules() if isinstance(m, torch.nn.LayerNorm)}
    stats = demo.replace_layernorms(model, log=lambda msg: None)
    assert len(stats) == 13 == len(originals)
    assert not any(isinstance(m, torch.nn.LayerNorm) for m in model.modules())
    for name, ln in originals.items():
        new = model.get_submodule(name)
        assert new.eps == ln.eps
        assert torch.equal(new.gamma_bf16, ln.weight.detach().to(torch.bfloat16))
        assert torch.equal(new.beta_bf16, ln.bias.detach().to(torch.bfloat16))
        assert list(new.gamma_tt.shape) == [ln.normalized_shape[0]]
