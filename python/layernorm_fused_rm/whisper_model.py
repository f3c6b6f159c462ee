# SPDX-License-Identifier: Apache-2.0
"""Whisper from CTranslate2 weights into transformers' ``WhisperForConditionalGeneration``, and greedy decoding.

The weights are read with :mod:`layernorm_fused_rm.ct2_model`. The variable names and how CTranslate2's
converter built them from a transformers Whisper are in CTranslate2's
``ctranslate2/converters/transformers.py`` in its Python package (``WhisperLoader`` and ``BartLoader``: ``set_encoder``,
``set_decoder``, ``set_attention``; ``converters/utils.py`` ``fuse_linear``) and
``ctranslate2/specs/whisper_spec.py`` / ``transformer_spec.py``. This module inverts that mapping:

  encoder/conv{1,2}/{weight,bias}                 -> model.encoder.conv{1,2}
  encoder/position_encodings/encodings            -> model.encoder.embed_positions.weight
  {enc,dec}/layer_i/self_attention/linear_0       -> self_attn.{q,k,v}_proj (rows [q; k; v]; k's bias is 0)
  {enc,dec}/layer_i/self_attention/linear_1       -> self_attn.out_proj
  {enc,dec}/layer_i/self_attention/layer_norm     -> self_attn_layer_norm   (gamma -> weight, beta -> bias)
  decoder/layer_i/attention/linear_0              -> encoder_attn.q_proj
  decoder/layer_i/attention/linear_1              -> encoder_attn.{k,v}_proj (rows [k; v]; k's bias is 0)
  decoder/layer_i/attention/linear_2              -> encoder_attn.out_proj
  decoder/layer_i/attention/layer_norm            -> encoder_attn_layer_norm
  {enc,dec}/layer_i/ffn/linear_{0,1}              -> fc1, fc2;  ffn/layer_norm -> final_layer_norm
  {enc,dec}/layer_norm                            -> encoder.layer_norm, decoder.layer_norm
  decoder/embeddings/weight                       -> decoder.embed_tokens (decoder/projection/weight: proj_out)
  decoder/position_encodings/encodings            -> decoder.embed_positions.weight

Every tensor variable of the file is used exactly once and every parameter of the torch model is set;
the scalar flags (pre_norm, activation, scale_embeddings, alibi, num_heads) are checked against what the
transformers model computes.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

import torch  # noqa: E402

from .ct2_model import CT2Model  # noqa: E402

# CTranslate2 ctranslate2/specs/common_spec.py, class Activation (matches the C++ enum).
_CT2_ACTIVATION_GELU = 3


@dataclass(frozen=True)
class SpecialTokens:
    """Token ids of the Whisper prompt and stop token (from the model's tokenizer.json)."""

    sot: int  # <|startoftranscript|>
    no_timestamps: int  # <|notimestamps|>
    eot: int  # <|endoftext|>


def _scalar(ct2: CT2Model, name: str) -> int:
    t = ct2[name]
    if t.dim() != 0:
        raise ValueError(f"CTranslate2 variable {name} must be a scalar, has shape {list(t.shape)}")
    return int(t.item())


def _count_layers(ct2: CT2Model, prefix: str) -> int:
    n = 0
    while f"{prefix}/layer_{n}/ffn/linear_0/weight" in ct2.variables:
        n += 1
    return n


def whisper_config(ct2: CT2Model, special: SpecialTokens):
    """transformers.WhisperConfig with the dimensions of the CTranslate2 Whisper model `ct2`.

    Dimensions come from the weight shapes (d_model from the encoder LayerNorm, mel bins from conv1,
    FFN width from fc1, positions from the position encodings, vocabulary from the embeddings) and the
    head counts from ``{encoder,decoder}/num_heads``.

    Raises:
        ValueError: ct2 is not a WhisperSpec, or its flags describe a model transformers' Whisper does
            not compute (not pre-norm, not GELU, scaled embeddings, ALiBi).
    """
    import transformers

    if ct2.spec != "WhisperSpec":
        raise ValueError(f"expected a CTranslate2 WhisperSpec model, got spec {ct2.spec!r}")
    expected = {"decoder/pre_norm": 1, "decoder/activation": _CT2_ACTIVATION_GELU, "decoder/scale_embeddings": 0,
                "decoder/alibi": 0}
    for name, want in expected.items():
        if name in ct2.variables and _scalar(ct2, name) != want:
            raise ValueError(f"CTranslate2 variable {name} must be {want} for transformers' Whisper, "
                             f"got {_scalar(ct2, name)}")
    d_model = ct2["encoder/layer_norm/gamma"].shape[0]
    tie = ct2.aliases.get("decoder/projection/weight") == "decoder/embeddings/weight"
    return transformers.WhisperConfig(
        vocab_size=ct2["decoder/embeddings/weight"].shape[0],
        num_mel_bins=ct2["encoder/conv1/weight"].shape[1],
        d_model=d_model,
        encoder_layers=_count_layers(ct2, "encoder"),
        decoder_layers=_count_layers(ct2, "decoder"),
        encoder_attention_heads=_scalar(ct2, "encoder/num_heads"),
        decoder_attention_heads=_scalar(ct2, "decoder/num_heads"),
        encoder_ffn_dim=ct2["encoder/layer_0/ffn/linear_0/weight"].shape[0],
        decoder_ffn_dim=ct2["decoder/layer_0/ffn/linear_0/weight"].shape[0],
        max_source_positions=ct2["encoder/position_encodings/encodings"].shape[0],
        max_target_positions=ct2["decoder/position_encodings/encodings"].shape[0],
        activation_function="gelu",
        scale_embedding=False,
        decoder_start_token_id=special.sot,
        pad_token_id=special.eot,
        bos_token_id=special.eot,
        eos_token_id=special.eot,
        tie_word_embeddings=tie,
    )


def _state_dict_from_ct2(ct2: CT2Model, n_enc: int, n_dec: int, d: int) -> tuple[dict[str, torch.Tensor], set[str]]:
    """The transformers state dict (float32) and the set of CTranslate2 variable names it used."""
    used: set[str] = set()
    sd: dict[str, torch.Tensor] = {}

    def get(name: str) -> torch.Tensor:
        used.add(ct2.aliases.get(name, name))
        return ct2[name].to(torch.float32)

    def linear(dst: str, src: str) -> None:
        sd[f"{dst}.weight"] = get(f"{src}/weight")
        sd[f"{dst}.bias"] = get(f"{src}/bias")

    def norm(dst: str, src: str) -> None:
        sd[f"{dst}.weight"] = get(f"{src}/gamma")
        sd[f"{dst}.bias"] = get(f"{src}/beta")

    def fused(dsts: list[str], src: str) -> None:
        w, b = get(f"{src}/weight"), get(f"{src}/bias")
        if w.shape[0] != d * len(dsts) or b.shape[0] != d * len(dsts):
            raise ValueError(f"{src}: expected {len(dsts)} x {d} fused rows, got weight {list(w.shape)}")
        for i, dst in enumerate(dsts):
            rows = slice(i * d, (i + 1) * d)
            sd[f"{dst}.weight"] = w[rows].clone()
            if dst.endswith("k_proj"):  # transformers' Whisper k_proj has no bias; the converter stored zeros
                if torch.any(b[rows] != 0):
                    raise ValueError(f"{src}/bias: the key rows must be 0 (transformers' k_proj has no bias)")
            else:
                sd[f"{dst}.bias"] = b[rows].clone()

    for side, n in (("encoder", n_enc), ("decoder", n_dec)):
        hf = f"model.{side}"
        for i in range(n):
            src, dst = f"{side}/layer_{i}", f"{hf}.layers.{i}"
            fused([f"{dst}.self_attn.{p}_proj" for p in "qkv"], f"{src}/self_attention/linear_0")
            linear(f"{dst}.self_attn.out_proj", f"{src}/self_attention/linear_1")
            norm(f"{dst}.self_attn_layer_norm", f"{src}/self_attention/layer_norm")
            if side == "decoder":
                linear(f"{dst}.encoder_attn.q_proj", f"{src}/attention/linear_0")
                fused([f"{dst}.encoder_attn.k_proj", f"{dst}.encoder_attn.v_proj"], f"{src}/attention/linear_1")
                linear(f"{dst}.encoder_attn.out_proj", f"{src}/attention/linear_2")
                norm(f"{dst}.encoder_attn_layer_norm", f"{src}/attention/layer_norm")
            linear(f"{dst}.fc1", f"{src}/ffn/linear_0")
            linear(f"{dst}.fc2", f"{src}/ffn/linear_1")
            norm(f"{dst}.final_layer_norm", f"{src}/ffn/layer_norm")
        norm(f"{hf}.layer_norm", f"{side}/layer_norm")
        sd[f"{hf}.embed_positions.weight"] = get(f"{side}/position_encodings/encodings")
    for conv in ("conv1", "conv2"):
        linear(f"model.encoder.{conv}", f"encoder/{conv}")
    sd["model.decoder.embed_tokens.weight"] = get("decoder/embeddings/weight")
    sd["proj_out.weight"] = get("decoder/projection/weight")
    if "decoder/projection/bias" in ct2.variables:
        raise ValueError("decoder/projection/bias: transformers' Whisper proj_out has no bias")
    return sd, used


def whisper_from_ct2(ct2: CT2Model, special: SpecialTokens):
    """A float32 ``transformers.WhisperForConditionalGeneration`` (eval mode) holding the weights of `ct2`.

    Args:
        ct2: a CTranslate2 WhisperSpec model (any float weight dtype; converted to float32).
        special: the prompt / stop token ids.

    Returns:
        the model. Every tensor variable of `ct2` is used once; every model parameter and buffer that
        transformers persists is set.

    Raises:
        ValueError: a variable is missing, unused, of the wrong shape, or the flags do not describe
            transformers' Whisper (see :func:`whisper_config`).
    """
    import transformers

    config = whisper_config(ct2, special)
    sd, used = _state_dict_from_ct2(ct2, config.encoder_layers, config.decoder_layers, config.d_model)
    tensors = {n for n, t in ct2.variables.items() if t.dim() > 0}
    unused = sorted(tensors - used)
    if unused:
        raise ValueError(f"CTranslate2 variables not mapped to the transformers model: {unused}")
    with torch.device("meta"):
        model = transformers.WhisperForConditionalGeneration(config)
    expected = set(model.state_dict())
    if config.tie_word_embeddings:
        if not torch.equal(sd["proj_out.weight"], sd["model.decoder.embed_tokens.weight"]):
            raise ValueError("decoder/projection/weight is an alias of the embeddings but differs from them")
        sd.pop("proj_out.weight")
        expected.discard("proj_out.weight")
    missing, extra = sorted(expected - set(sd)), sorted(set(sd) - expected)
    if missing or extra:
        raise ValueError(f"state dict mismatch: missing {missing}, unexpected {extra}")
    for name, t in model.state_dict().items():
        if name in sd and tuple(sd[name].shape) != tuple(t.shape):
            raise ValueError(f"{name}: CTranslate2 gives shape {list(sd[name].shape)}, the model needs {list(t.shape)}")
    model.load_state_dict(sd, strict=False, assign=True)
    if config.tie_word_embeddings:
        model.tie_weights()
    return model.eval().float()


@dataclass
class Decoded:
    """A greedy decoding: generated token ids (without the prompt and the stop token) and, per step,
    the raw logits (float32 [vocab]) before any token was suppressed."""

    tokens: list[int]
    step_logits: list[torch.Tensor]


@torch.no_grad()
def greedy_decode(model: Any, features: torch.Tensor, special: SpecialTokens, suppress: list[int],
                  suppress_begin: list[int], max_new_tokens: int) -> Decoded:
    """Greedy decoding as CTranslate2's ``Whisper.generate`` with beam_size=1 (``src/models/whisper.cc``:
    ``suppress_tokens=[-1]`` disables the config's ``suppress_ids`` at every step, ``suppress_blank``
    disables ``suppress_ids_begin`` at the first step; the prompt is ``<|startoftranscript|>
    <|notimestamps|>`` so no timestamp rules apply; decoding stops at ``<|endoftext|>``).

    Args:
        model: a transformers WhisperForConditionalGeneration (float32, possibly with replaced LayerNorms).
        features: float32 log-mel features [1, n_mels, 2 * max_source_positions].
        special: token ids; suppress / suppress_begin: token ids to disable (all steps / the first step).
        max_new_tokens: the most tokens to generate (CTranslate2: min(max_length / 2, max_length - prompt + 1)).

    Returns:
        Decoded. The decoder keeps transformers' key/value cache (the cross-attention keys and values
        are computed once): the first step's decoder LayerNorm inputs are [1, 2, d_model] (the prompt),
        later ones [1, 1, d_model]; the encoder's are [1, max_source_positions, d_model].
    """
    encoder_out = model.model.encoder(features).last_hidden_state
    step_ids = [special.sot, special.no_timestamps]
    past = None
    out = Decoded([], [])
    for step in range(max_new_tokens):
        result = model(encoder_outputs=(encoder_out,), decoder_input_ids=torch.tensor([step_ids]),
                       past_key_values=past, use_cache=True)
        past = result.past_key_values
        logits = result.logits[0, -1].float()
        out.step_logits.append(logits.clone())
        masked = logits.clone()
        masked[suppress] = -float("inf")
        if step == 0:
            masked[suppress_begin] = -float("inf")
        token = int(masked.argmax())
        if token == special.eot:
            break
        out.tokens.append(token)
        step_ids = [token]
    return out
