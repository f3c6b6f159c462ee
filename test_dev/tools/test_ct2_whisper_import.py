# SPDX-License-Identifier: Apache-2.0
"""The CTranslate2 model.bin reader (layernorm_fused_rm.ct2_model) and the Whisper import
(layernorm_fused_rm.whisper_model), checked against CTranslate2 itself: its own spec writer makes a tiny
random Whisper, its own engine runs it, and both must agree with what we read and build."""

from __future__ import annotations

import shutil
import struct

import numpy as np
import pytest
import torch

ctranslate2 = pytest.importorskip("ctranslate2", reason="ctranslate2 is in requirements-dev.txt (make setup)")
from ctranslate2.specs import model_spec, whisper_spec  # noqa: E402

from layernorm_fused_rm import ct2_model, whisper_model  # noqa: E402

D, HEADS, FFN, MELS, SRC, TGT = 32, 2, 64, 8, 16, 12
SPECIALS = ["<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|transcribe|>", "<|notimestamps|>"]
TOKENS = [f"t{i}" for i in range(59)] + SPECIALS
V = len(TOKENS)


def _shape(name: str):
    attr = name.rsplit("/", 1)[-1]
    fixed = {"encoder/conv1/weight": (D, MELS, 3), "encoder/conv2/weight": (D, D, 3),
             "encoder/conv1/bias": (D,), "encoder/conv2/bias": (D,),
             "encoder/position_encodings/encodings": (SRC, D), "decoder/position_encodings/encodings": (TGT, D),
             "decoder/embeddings/weight": (V, D)}
    if name in fixed:
        return fixed[name]
    if attr in ("gamma", "beta"):
        return (D,)
    rows = {"self_attention/linear_0": 3 * D, "/attention/linear_1": 2 * D, "ffn/linear_0": FFN}
    for key, n in rows.items():
        if key in name:
            return (n, D) if attr == "weight" else (n,)
    if "ffn/linear_1" in name:
        return (D, FFN) if attr == "weight" else (D,)
    if "/linear_" in name and attr in ("weight", "bias"):
        return (D, D) if attr == "weight" else (D,)
    return None


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A 1+1-layer random Whisper written by CTranslate2's own WhisperSpec.save (float16 weights), and the
    float16 arrays it was given, by variable name."""
    rng = np.random.default_rng(0)
    spec = whisper_spec.WhisperSpec(1, HEADS, 1, HEADS)
    given: dict[str, np.ndarray] = {}

    def fill(layer, name, value):
        optional = isinstance(value, str)  # CTranslate2 marks optional variables with a string
        if value is not None and not (optional and name.endswith(("/bias", "/encodings"))):
            return
        shape = _shape(name)
        if shape is None or name == "decoder/projection/weight":
            return
        attr = name.rsplit("/", 1)[-1]
        arr = (rng.standard_normal(shape) * (0.1 if attr == "gamma" else 0.3) + (attr == "gamma")).astype(np.float32)
        if attr == "bias" and "self_attention/linear_0" in name:
            arr[D:2 * D] = 0  # the converter's zero key bias (fuse_linear)
        if attr == "bias" and "/attention/linear_1" in name and "self_attention" not in name:
            arr[:D] = 0
        setattr(layer, attr, arr)
        given[name] = arr.astype(np.float16)

    model_spec.visit_spec(spec, fill)
    spec.decoder.projection.weight = spec.decoder.embeddings.weight  # tied, as Whisper
    spec.register_vocabulary(TOKENS)
    spec.config.suppress_ids, spec.config.suppress_ids_begin = [], []
    spec.config.lang_ids, spec.config.alignment_heads = [], [[0, 0]]
    spec.validate()
    spec.optimize(quantization="float16")  # aliases the tied projection, stores float16 as the shipped model
    out = tmp_path_factory.mktemp("tiny_whisper")
    spec.save(str(out))
    special = whisper_model.SpecialTokens(TOKENS.index("<|startoftranscript|>"), TOKENS.index("<|notimestamps|>"),
                                          TOKENS.index("<|endoftext|>"))
    return out, given, special


def test_reader_reads_what_ctranslate2_wrote(tiny):
    path, given, _ = tiny
    m = ct2_model.read_ct2_model(path)
    assert (m.spec, m.revision, m.binary_version) == ("WhisperSpec", 3, 6)
    assert m.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}
    for name, arr in given.items():
        got = m.variables[name]
        assert got.dtype == torch.float16, name
        assert np.array_equal(got.numpy(), arr), name
    assert torch.equal(m["decoder/projection/weight"], m["decoder/embeddings/weight"])
    assert int(m["encoder/num_heads"]) == HEADS and m["encoder/num_heads"].dtype == torch.int16
    assert int(m["decoder/pre_norm"]) == 1 and m["decoder/pre_norm"].dtype == torch.int8
    with pytest.raises(KeyError, match="no variable 'nope'"):
        m["nope"]


def test_writer_reproduces_ctranslate2s_file_byte_for_byte(tiny, tmp_path):
    path, _, _ = tiny
    m = ct2_model.read_ct2_model(path)
    ct2_model.write_ct2_model(tmp_path / "model.bin", m.spec, m.revision, m.variables, m.aliases, m.binary_version)
    assert (tmp_path / "model.bin").read_bytes() == (path / "model.bin").read_bytes()


def test_reader_errors_name_the_problem(tiny, tmp_path):
    raw = (tiny[0] / "model.bin").read_bytes()
    bad = tmp_path / "model.bin"
    bad.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="truncated"):
        ct2_model.read_ct2_model(bad)
    bad.write_bytes(struct.pack("<I", 3) + raw[4:])
    with pytest.raises(ValueError, match="binary_version must be 4..6, got 3"):
        ct2_model.read_ct2_model(bad)
    bad.write_bytes(raw + b"\0")
    with pytest.raises(ValueError, match="1 trailing bytes"):
        ct2_model.read_ct2_model(tmp_path)
    ct2_model.write_ct2_model(bad, "S", 1, {"x": torch.zeros(2, dtype=torch.float16)})
    data = bytearray(bad.read_bytes())
    type_at = 4 + 2 + 2 + 4 + 4 + (2 + 2) + 1 + 4  # version, "S\0", revision, count, "x\0", rank, one dim
    assert data[type_at] == 4  # float16
    data[type_at] = 9
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="type id must be one of"):
        ct2_model.read_ct2_model(bad)
    with pytest.raises(FileNotFoundError):
        ct2_model.read_ct2_model(tmp_path / "absent")


def test_import_matches_the_ctranslate2_engine(tiny):
    """Encoder output and greedy tokens of our transformers import equal CTranslate2's engine's on the same
    model.bin (float32 compute on both sides)."""
    path, _, special = tiny
    model = whisper_model.whisper_from_ct2(ct2_model.read_ct2_model(path), special)
    assert sum(isinstance(m, torch.nn.LayerNorm) for m in model.modules()) == 3 + 4  # pre-LN enc 2+1, dec 3+1
    engine = ctranslate2.models.Whisper(str(path), device="cpu", compute_type="float32")
    features = torch.randn(1, MELS, 2 * SRC, generator=torch.Generator().manual_seed(1))
    view = ctranslate2.StorageView.from_array(features.numpy())
    theirs = np.array(engine.encode(view))
    with torch.no_grad():
        ours = model.model.encoder(features).last_hidden_state.numpy()
    assert ours.shape == theirs.shape == (1, SRC, D)
    assert np.abs(ours - theirs).max() < 1e-4
    steps = 8  # CTranslate2 generates at most min(max_length / 2, max_length - 1) tokens
    result = engine.generate(view, [[special.sot, special.no_timestamps]], beam_size=1, max_length=2 * steps,
                             suppress_blank=False, suppress_tokens=[])
    decoded = whisper_model.greedy_decode(model, features, special, [], [], steps)
    assert len(decoded.tokens) >= 4
    assert decoded.tokens == [int(t) for t in result[0].sequences_ids[0]]


def test_import_refuses_a_key_bias_and_other_specs(tiny):
    path, _, special = tiny
    m = ct2_model.read_ct2_model(path)
    m.variables["encoder/layer_0/self_attention/linear_0/bias"][D] = 1.0
    with pytest.raises(ValueError, match="key rows must be 0"):
        whisper_model.whisper_from_ct2(m, special)
    m = ct2_model.read_ct2_model(path)
    m.variables["decoder/pre_norm"] = torch.tensor(0, dtype=torch.int8)
    with pytest.raises(ValueError, match="decoder/pre_norm must be 1"):
        whisper_model.whisper_from_ct2(m, special)
    m = ct2_model.read_ct2_model(path)
    m.variables["decoder/extra/weight"] = torch.zeros(2, 2)
    with pytest.raises(ValueError, match="not mapped"):
        whisper_model.whisper_from_ct2(m, special)


def test_shipped_whisper_tiny_en_layout():
    from layernorm_fused_rm import whisper_demo

    path = whisper_demo.model_dir()
    m = ct2_model.read_ct2_model(path)
    assert (m.spec, m.revision) == ("WhisperSpec", 3)
    assert m["encoder/conv1/weight"].shape == (384, 80, 3)
    assert int(m["encoder/num_heads"]) == int(m["decoder/num_heads"]) == 6
    assert m.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}
    config = whisper_model.whisper_config(m, whisper_model.SpecialTokens(50257, 50362, 50256))
    assert (config.d_model, config.encoder_layers, config.decoder_layers, config.vocab_size) == (384, 4, 4, 51864)
    assert (config.max_source_positions, config.max_target_positions) == (1500, 448)
