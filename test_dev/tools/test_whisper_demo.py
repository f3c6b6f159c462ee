# SPDX-License-Identifier: Apache-2.0
"""The Whisper demo (python -m layernorm_fused_rm demo --model whisper-tiny-en): word error rate, the logit
comparison, espeak-ng speech, and one utterance end to end (torch import == ctranslate2 == op bf16)."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import torch


@pytest.fixture(scope="module")
def wd():
    from layernorm_fused_rm import whisper_demo

    return whisper_demo


def _require_espeak():
    if shutil.which("espeak-ng") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("espeak-ng missing under CI (make setup installs it as root)")
        pytest.skip("espeak-ng is not installed (Debian package espeak-ng; make setup installs it as root)")


def test_word_error_rate(wd):
    assert wd.word_error_rate("the cat sat", "the cat sat") == 0.0
    assert wd.word_error_rate("The cat, sat.", "the CAT sat") == 0.0  # case and punctuation ignored
    assert wd.word_error_rate("the cat sat", "the dog sat") == pytest.approx(1 / 3)  # 1 substitution
    assert wd.word_error_rate("the cat sat", "the sat") == pytest.approx(1 / 3)  # 1 deletion
    assert wd.word_error_rate("the cat sat", "oh the cat sat down") == pytest.approx(2 / 3)  # 2 insertions
    assert wd.word_error_rate("a b", "c d e f") == pytest.approx(4 / 2)  # 2 substitutions + 2 insertions
    assert wd.word_error_rate("", "") == 0.0
    assert wd.word_error_rate("", "words") == 1.0
    assert wd.word_error_rate("words here", "") == 1.0


def test_max_logit_diff_stops_at_the_first_different_token(wd):
    from layernorm_fused_rm.whisper_model import Decoded

    z = torch.zeros(4)
    a = Decoded([1, 2, 3], [z, z + 0.5, z + 9.0, z])
    b = Decoded([1, 5, 3], [z + 0.25, z, z, z])
    assert wd.max_logit_diff(a, b) == (0.5, 2)  # steps 0 and 1 compared; step 2 had different prefixes
    suppressed = torch.tensor([-3.4028235e38, 1.0, 2.0, 3.0])  # CTranslate2's -FLT_MAX is not compared
    assert wd.max_logit_diff(Decoded([], [suppressed]), Decoded([], [torch.tensor([7.0, 1.0, 2.5, 3.0])])) == (0.5, 1)
    same = Decoded([1, 2], [z, z + 0.125, z])
    assert wd.max_logit_diff(same, Decoded([1, 2], [z, z, z])) == (0.125, 3)  # incl. the stop step


def test_cli_accepts_the_whisper_model():
    from layernorm_fused_rm.__main__ import build_parser

    args = build_parser().parse_args(["demo", "--model", "whisper-tiny-en", "--json"])
    assert args.model == "whisper-tiny-en" and args.json
    assert build_parser().parse_args(["demo"]).model == "all-minilm-l6-v2"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--model", "whisper-large"])


def test_synthesize_is_16khz_speech(wd):
    _require_espeak()
    audio = wd.synthesize("Please call me back tomorrow morning.")
    assert audio.dtype == np.float32 and audio.ndim == 1
    seconds = len(audio) / wd.SAMPLE_RATE
    assert 1.0 < seconds < 5.0
    assert 0.01 < float(np.sqrt(np.mean(audio**2))) < 0.5 and float(np.abs(audio).max()) <= 1.0
    features = wd.log_mel(audio)
    assert tuple(features.shape) == (1, 80, 3000) and features.dtype == torch.float32


def test_one_utterance_torch_ctranslate2_and_op_agree(wd):
    """The imported model transcribes like the ctranslate2 engine, and with its 22 LayerNorms on the op in
    bf16 it produces the same tokens as the torch model."""
    _require_espeak()
    from layernorm_fused_rm.demo import replace_layernorms

    w = wd._Whisper(wd.model_dir())
    features = wd.log_mel(wd.synthesize("Please call me back tomorrow morning."))
    ref = w.decode(w.torch, features)
    assert w.text(ref.tokens) == "Please call me back tomorrow morning."
    theirs = wd.ctranslate2_transcriber(w.path, w.special)(features)
    assert theirs.tokens == ref.tokens
    diff, steps = wd.max_logit_diff(theirs, ref)  # CTranslate2's raw logits, suppressed tokens left out
    assert steps == len(ref.tokens) + 1 and diff < 1e-2
    stats = replace_layernorms(w.torch, lambda _msg: None, torch.bfloat16)  # in place: w.torch is now the op model
    assert len(stats) == 22
    got = w.decode(w.torch, features)
    assert got.tokens == ref.tokens
    assert all(s.calls > 0 and s.worst_pcc > 0.9999 for s in stats.values())
    diff, steps = wd.max_logit_diff(got, ref)
    assert steps == len(ref.tokens) + 1 and 0.0 < diff < 2.0
