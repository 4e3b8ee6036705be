"""Hugging Face GPT-NeoX <-> ours: state dicts, config.json and safetensors files.

A checkpoint folder written here (config.json + model.safetensors) is a Hugging Face GPT-NeoX
folder: `transformers.GPTNeoXForCausalLM.from_pretrained(folder)` loads it, and `load_pretrained`
loads Pythia-style folders saved by transformers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from model.config import ConfigError, GPTNeoXConfig
from model.gpt_neox import GPTNeoXForCausalLM

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"

# Buffers old GPT-NeoX checkpoints carry that are recomputed, not learned.
_DERIVED_SUFFIXES = ("attention.bias", "attention.masked_bias", "rotary_emb.inv_freq")


def from_hf_key(key: str) -> str:
    # transformers 5 names the head lm_head in memory; checkpoints on disk say embed_out.
    return "embed_out.weight" if key == "lm_head.weight" else key


def from_hf_state_dict(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out = {}
    for key, value in state.items():
        if key.endswith(_DERIVED_SUFFIXES):
            continue
        out[from_hf_key(key)] = value
    return out


def to_hf_state_dict(
    state: dict[str, torch.Tensor], *, head_key: str = "embed_out.weight"
) -> dict[str, torch.Tensor]:
    """Our names are the on-disk GPT-NeoX names; head_key="lm_head.weight" matches a
    transformers 5 model's in-memory state dict."""
    return {(head_key if k == "embed_out.weight" else k): v for k, v in state.items()}


def config_to_hf(config: GPTNeoXConfig) -> dict[str, Any]:
    return {
        "architectures": ["GPTNeoXForCausalLM"],
        "model_type": "gpt_neox",
        "vocab_size": config.vocab_size,
        "hidden_size": config.n_embd,
        "num_hidden_layers": config.n_layer,
        "num_attention_heads": config.n_head,
        "intermediate_size": config.intermediate_size,
        "max_position_embeddings": config.block_size,
        "rotary_pct": config.rotary_pct,
        "rotary_emb_base": config.rotary_base,
        "use_parallel_residual": config.parallel_residual,
        "layer_norm_eps": config.layer_norm_eps,
        "hidden_act": "gelu",
        "attention_bias": True,
        "tie_word_embeddings": False,
        "attention_dropout": 0.0,
        "hidden_dropout": 0.0,
        "initializer_range": config.init_std,
    }


def config_from_hf(data: dict[str, Any]) -> GPTNeoXConfig:
    if data.get("model_type", "gpt_neox") != "gpt_neox":
        raise ConfigError(f"not a GPT-NeoX config: model_type {data.get('model_type')!r}")
    if data.get("hidden_act", "gelu") != "gelu" or data.get("tie_word_embeddings", False):
        raise ConfigError("only untied GPT-NeoX models with exact GELU are supported")
    rope = data.get("rope_parameters") or {}
    try:
        return GPTNeoXConfig(
            vocab_size=data["vocab_size"],
            n_layer=data["num_hidden_layers"],
            n_embd=data["hidden_size"],
            n_head=data["num_attention_heads"],
            intermediate_size=data["intermediate_size"],
            block_size=data["max_position_embeddings"],
            rotary_pct=rope.get("partial_rotary_factor", data.get("rotary_pct", 0.25)),
            rotary_base=rope.get("rope_theta", data.get("rotary_emb_base", 10_000.0)),
            parallel_residual=data.get("use_parallel_residual", True),
            layer_norm_eps=data.get("layer_norm_eps", 1e-5),
            init_std=data.get("initializer_range"),
        )
    except KeyError as e:
        raise ConfigError(f"config.json lacks {e.args[0]!r}") from None


def save_pretrained(model: GPTNeoXForCausalLM, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    save_file(to_hf_state_dict(state), str(folder / WEIGHTS_FILE), metadata={"format": "pt"})
    (folder / CONFIG_FILE).write_text(json.dumps(config_to_hf(model.config), indent=2) + "\n")


def load_pretrained(
    folder: Path, *, device: str | torch.device = "cpu", dtype: torch.dtype | None = None
) -> GPTNeoXForCausalLM:
    config_path, weights_path = folder / CONFIG_FILE, folder / WEIGHTS_FILE
    for path in (config_path, weights_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: is {folder} a model checkpoint?")
    config = config_from_hf(json.loads(config_path.read_text()))
    with torch.device("meta"):
        model = GPTNeoXForCausalLM(config)
    state = from_hf_state_dict(load_file(str(weights_path), device=str(device)))
    if dtype is not None:
        state = {k: v.to(dtype) for k, v in state.items()}
    model.load_state_dict(state, strict=True, assign=True)
    return model.eval()
