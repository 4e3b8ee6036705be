"""LoRA for our GPT-NeoX: low-rank adapters on named linear layers, saved apart, merged back.

Written here rather than taken from peft, which wraps transformers' models: ours is a plain
nn.Module whose layer names already match GPT-NeoX's, so a hundred lines do the whole job.
Adapter files use peft's key names and config fields, so the same adapter also describes a
transformers GPTNeoXForCausalLM.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import Tensor, nn

from model.config import ConfigError

ADAPTER_WEIGHTS_FILE = "adapter_model.safetensors"
ADAPTER_CONFIG_FILE = "adapter_config.json"
# Every linear layer of a GPT-NeoX block; embed_out (the output head) may be named as well.
DEFAULT_TARGETS = ("query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h")
_PEFT_PREFIX = "base_model.model."


@dataclass(frozen=True)
class LoRAConfig:
    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.05
    # Adapting every linear layer, not attention alone, is what lets LoRA match full
    # fine-tuning (QLoRA, Dettmers et al. 2023); it costs little more memory.
    targets: tuple[str, ...] = DEFAULT_TARGETS

    def __post_init__(self) -> None:
        if self.rank <= 0:
            raise ConfigError("LoRA rank must be positive")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError("LoRA dropout must be in [0, 1)")
        if not self.targets:
            raise ConfigError("name at least one LoRA target module")

    @property
    def scaling(self) -> float:
        return self.alpha / self.rank


class LoRALinear(nn.Module):
    """y = base(x) + scaling * B(A(dropout(x))), with base frozen. B starts at zero, so a fresh
    adapter leaves the model's outputs exactly as they were."""

    def __init__(self, base: nn.Linear, config: LoRAConfig) -> None:
        super().__init__()
        self.base_layer = base.requires_grad_(False)
        options = {"device": base.weight.device, "dtype": base.weight.dtype, "bias": False}
        self.lora_A = nn.Linear(base.in_features, config.rank, **options)
        self.lora_B = nn.Linear(config.rank, base.out_features, **options)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.dropout = nn.Dropout(config.dropout)
        self.scaling = config.scaling

    def forward(self, x: Tensor) -> Tensor:
        return self.base_layer(x) + self.lora_B(self.lora_A(self.dropout(x))) * self.scaling

    def delta(self) -> Tensor:
        """scaling * B @ A, the change to the base weight, in float32."""
        return self.scaling * (self.lora_B.weight.float() @ self.lora_A.weight.float())

    def merged(self) -> nn.Linear:
        base = self.base_layer
        linear = nn.Linear(
            base.in_features,
            base.out_features,
            bias=base.bias is not None,
            device=base.weight.device,
            dtype=base.weight.dtype,
        )
        with torch.no_grad():
            linear.weight.copy_((base.weight.float() + self.delta()).to(base.weight.dtype))
            if base.bias is not None:
                linear.bias.copy_(base.bias)
        return linear


def linear_names(model: nn.Module) -> set[str]:
    """The last name component of every linear layer: the names a LoRA target may use."""
    return {name.rpartition(".")[2] for name, m in model.named_modules() if type(m) is nn.Linear}


def apply_lora(model: nn.Module, config: LoRAConfig) -> list[str]:
    """Freezes the model and wraps each targeted linear layer in a LoRALinear, in place.

    A target matches a layer's last name component exactly, so `dense` (attention's output
    projection) never also catches `dense_h_to_4h`. Returns the wrapped layers' full names.
    """
    valid = linear_names(model)
    unknown = sorted(set(config.targets) - valid)
    if unknown:
        raise ConfigError(
            f"unknown LoRA target module(s) {', '.join(unknown)}; "
            f"GPT-NeoX's linear layers are {', '.join(sorted(valid))}"
        )
    model.requires_grad_(False)
    chosen = [
        name
        for name, m in model.named_modules()
        if type(m) is nn.Linear and name.rpartition(".")[2] in config.targets
    ]
    for name in chosen:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear(getattr(parent, child), config))
    return chosen


def merge_lora(model: nn.Module) -> nn.Module:
    """Replaces every LoRALinear by one linear layer of weight W + scaling * B @ A, in place:
    the result is a plain model again, with the same outputs and no adapter cost."""
    adapted = [name for name, m in model.named_modules() if isinstance(m, LoRALinear)]
    for name in adapted:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, getattr(parent, child).merged())
    return model.requires_grad_(True)


def adapter_state_dict(model: nn.Module) -> dict[str, Tensor]:
    """The adapter's weights alone, under peft's names."""
    return {
        _PEFT_PREFIX + name: p.detach().contiguous().cpu()
        for name, p in model.state_dict().items()
        if ".lora_A." in name or ".lora_B." in name
    }


def save_adapter(model: nn.Module, config: LoRAConfig, folder: Path, *, base: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    save_file(adapter_state_dict(model), str(folder / ADAPTER_WEIGHTS_FILE), {"format": "pt"})
    peft_config = {
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "base_model_name_or_path": base,
        "r": config.rank,
        "lora_alpha": config.alpha,
        "lora_dropout": config.dropout,
        "target_modules": list(config.targets),
        "bias": "none",
        "fan_in_fan_out": False,
    }
    (folder / ADAPTER_CONFIG_FILE).write_text(json.dumps(peft_config, indent=2) + "\n")


def load_adapter_config(folder: Path) -> LoRAConfig:
    path = folder / ADAPTER_CONFIG_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: is {folder} a LoRA adapter?")
    data = json.loads(path.read_text())
    return LoRAConfig(
        rank=data["r"],
        alpha=data["lora_alpha"],
        dropout=data.get("lora_dropout", 0.0),
        targets=tuple(data["target_modules"]),
    )


def load_adapter(model: nn.Module, folder: Path) -> LoRAConfig:
    """Wraps the model's target layers and loads the adapter's weights into them."""
    config = load_adapter_config(folder)
    apply_lora(model, config)
    load_adapter_weights(model, folder)
    return config


def load_adapter_weights(model: nn.Module, folder: Path) -> None:
    """Copies a saved adapter's weights into a model already wrapped by apply_lora."""
    weights = load_file(str(folder / ADAPTER_WEIGHTS_FILE))
    expected = adapter_state_dict(model)
    if set(weights) != set(expected):
        raise ValueError(f"{folder}'s adapter does not fit this model's layers")
    state = {k.removeprefix(_PEFT_PREFIX): v for k, v in weights.items()}
    model.load_state_dict(state, strict=False)
