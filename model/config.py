"""Frozen configurations for the GPT-NeoX model, by name."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Matrix units work on tiles of 64; a vocabulary padded to a multiple of 64 keeps the output
# projection on the fast path (50,257 -> 50,304). The tokenizer never produces the extra rows.
VOCAB_MULTIPLE = 64


def padded_vocab(n_tokens: int, multiple: int = VOCAB_MULTIPLE) -> int:
    return -(-n_tokens // multiple) * multiple


def small_init_std(n_embd: int) -> float:
    """Pythia's (and GPT-NeoX's) "small init": sqrt(2 / (5 n_embd))."""
    return math.sqrt(2.0 / (5.0 * n_embd))


class ConfigError(ValueError):
    """A configuration name or value that cannot build a model."""


@dataclass(frozen=True)
class GPTNeoXConfig:
    vocab_size: int = padded_vocab(50_257)
    n_layer: int = 24
    n_embd: int = 2048
    n_head: int = 16
    intermediate_size: int = 8192
    block_size: int = 2048
    # GPT-NeoX rotates only the first quarter of each head's dims; the rest carry content only.
    rotary_pct: float = 0.25
    rotary_base: float = 10_000.0
    # Parallel residual (x + attn(ln1(x)) + mlp(ln2(x))) lets attention and MLP run side by side;
    # the sequential form is kept for checkpoints trained that way.
    parallel_residual: bool = True
    layer_norm_eps: float = 1e-5
    # Standard deviation of the normal initialisation of every weight matrix and embedding
    # (transformers' initializer_range). None: Pythia's "small init", sqrt(2 / (5 n_embd)),
    # filled in here. The two projections that write into the residual stream start at
    # init_std * sqrt(10) / n_layer (Pythia's "wang init" 2 / (n_layer sqrt(n_embd)) when
    # init_std is the small init), so the residual's variance does not grow with depth.
    init_std: float | None = None

    def __post_init__(self) -> None:
        if self.init_std is None:
            object.__setattr__(self, "init_std", small_init_std(self.n_embd))
        elif not self.init_std > 0:
            raise ConfigError(f"init_std must be positive, got {self.init_std}")
        if self.n_embd % self.n_head:
            raise ConfigError(f"n_embd {self.n_embd} is not divisible by n_head {self.n_head}")
        if not 0.0 < self.rotary_pct <= 1.0:
            raise ConfigError(f"rotary_pct must be in (0, 1], got {self.rotary_pct}")
        if self.rotary_dims % 2:
            raise ConfigError(f"rotary dims {self.rotary_dims} must be even (rotate-half layout)")
        for name in (
            "vocab_size",
            "n_layer",
            "n_embd",
            "n_head",
            "intermediate_size",
            "block_size",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive")

    @property
    def residual_init_std(self) -> float:
        """The initial std of the projections into the residual stream (see init_std)."""
        return (self.init_std or small_init_std(self.n_embd)) * math.sqrt(10.0) / self.n_layer

    def same_model(self, other: GPTNeoXConfig) -> bool:
        """Whether `other` has the same shape and arithmetic: the initialisation, which a
        checkpoint's weights have replaced, does not count."""
        return self.replace(init_std=other.init_std) == other

    @property
    def head_size(self) -> int:
        return self.n_embd // self.n_head

    @property
    def rotary_dims(self) -> int:
        # Same rounding as GPT-NeoX and transformers: int(head_size * rotary_pct).
        return int(self.head_size * self.rotary_pct)

    def replace(self, **changes: Any) -> GPTNeoXConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GPTNeoXConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown config keys: {sorted(unknown)}")
        return cls(**data)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> GPTNeoXConfig:
        return cls.from_dict(json.loads(path.read_text()))


NAMED_CONFIGS: dict[str, GPTNeoXConfig] = {
    # The Pythia-1.4B shape: 1.41 B parameters, about 1.2 B outside the embeddings.
    "refocused-1.2b": GPTNeoXConfig(),
    # A small model that trains on a laptop CPU in minutes.
    "small": GPTNeoXConfig(
        vocab_size=padded_vocab(8192),
        n_layer=6,
        n_embd=384,
        n_head=6,
        intermediate_size=1536,
        block_size=512,
    ),
    # Tests and CPU demos: trains on the shipped corpus in seconds.
    "tiny": GPTNeoXConfig(
        vocab_size=padded_vocab(1024),
        n_layer=2,
        n_embd=128,
        n_head=4,
        intermediate_size=512,
        block_size=128,
    ),
}


def get_config(name: str) -> GPTNeoXConfig:
    try:
        return NAMED_CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"unknown model config {name!r}; choose one of {', '.join(sorted(NAMED_CONFIGS))}"
        ) from None
