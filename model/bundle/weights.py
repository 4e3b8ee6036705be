"""Bundle weights: bf16 throughout, or int8 matrices with one float32 scale per row.

int8 is weight-only, symmetric, per output channel: row r of a weight matrix is stored as
round(w[r] * 127 / max|w[r]|) with scale max|w[r]| / 127. Every 2-D weight is quantised (the
Linear layers, the output head and the input embedding, whose rows are tokens); biases and
LayerNorms stay bf16. With bf16 compute on a CPU (`model.quant.use_int8_kernels`) the Linear
layers and the head stay int8 in memory and multiply as int8 (`model.quant.Int8Linear`), which
halves the bytes each decoded token reads; otherwise loading dequantises them once to the
compute dtype. The embedding is always dequantised (a lookup reads one row per token).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import safe_open
from torch import Tensor

from model.convert import (
    CONFIG_FILE,
    WEIGHTS_FILE,
    config_from_hf,
    from_hf_key,
    from_hf_state_dict,
)
from model.gpt_neox import GPTNeoXForCausalLM
from model.quant import Int8Linear, linear_names, replace_module, use_int8_kernels

DTYPES = ("bf16", "int8")
SCALE_SUFFIX = "_scale"


def quantize_int8(weight: Tensor) -> tuple[Tensor, Tensor]:
    """(int8 matrix, float32 scale per row) with weight ~= matrix * scale[:, None]."""
    w = weight.float()
    # An all-zero row keeps a tiny scale: its codes are 0 and dequantise to 0.
    scale = w.abs().amax(dim=1).clamp(min=1e-12) / 127.0
    codes = torch.round(w / scale[:, None]).clamp_(-127, 127).to(torch.int8)
    return codes, scale


def dequantize_int8(codes: Tensor, scale: Tensor, dtype: torch.dtype) -> Tensor:
    # In place on the one float32 copy: no second temporary the size of the matrix.
    return codes.to(torch.float32).mul_(scale.float()[:, None]).to(dtype)


def to_bundle_state(state: dict[str, Tensor], dtype: str) -> dict[str, Tensor]:
    if dtype not in DTYPES:
        raise ValueError(f"bundle dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    out: dict[str, Tensor] = {}
    for key, value in state.items():
        if dtype == "int8" and value.ndim == 2:
            out[key], out[key + SCALE_SUFFIX] = quantize_int8(value)
        else:
            out[key] = value.detach().to(torch.bfloat16).contiguous()
    return out


def load_bundle_model(
    folder: Path,
    *,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.float32,
    int8_kernels: bool | None = None,
) -> GPTNeoXForCausalLM:
    """The model in a bundle whose files were verified (manifest.verify_bundle) beforehand.
    int8_kernels (default: `use_int8_kernels(device, dtype)`) keeps an int8 bundle's Linear
    weights as int8."""
    config = config_from_hf(json.loads((folder / CONFIG_FILE).read_text()))
    if int8_kernels is None:
        int8_kernels = use_int8_kernels(device, dtype)
    with torch.device("meta"):
        model = GPTNeoXForCausalLM(config)
    linears = {name + ".weight" for name in linear_names(model)}
    int8: dict[str, tuple[Tensor, Tensor]] = {}
    state = {}
    # Tensor by tensor: the peak memory of a load is the model plus one stored tensor.
    with safe_open(str(folder / WEIGHTS_FILE), framework="pt", device=str(device)) as stored:
        for key in stored.keys():
            if key.endswith(SCALE_SUFFIX):
                continue
            value = stored.get_tensor(key)
            if value.dtype == torch.int8:
                scale = stored.get_tensor(key + SCALE_SUFFIX)
                name = from_hf_key(key)
                if int8_kernels and name in linears:
                    int8[name] = (value, scale.to(dtype))
                    continue
                value = dequantize_int8(value, scale, dtype)
            state[key] = value.to(dtype)
    state = from_hf_state_dict(state)
    for key, (codes, scale) in int8.items():
        module = key.removesuffix(".weight")
        bias = state.get(module + ".bias")
        linear = Int8Linear(codes, scale, bias)  # aligns the codes, which may be copied
        replace_module(model, module, linear)
        state[key], state[key + SCALE_SUFFIX] = linear.weight, linear.weight_scale
    model.load_state_dict(state, strict=True, assign=True)
    return model.eval()
