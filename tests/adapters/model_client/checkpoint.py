"""A tiny real checkpoint (random weights, a small trained tokenizer) that `model.api.load`
reads like any other: the in-process client runs the real generation code on it."""

from __future__ import annotations

from pathlib import Path

TEXTS = [
    "Plan your morning: one focus block, then a short break.",
    "Keep the habit small and do it every day.",
    "A pomodoro is twenty-five minutes of focus and five minutes of rest.",
] * 20


def make_tiny_checkpoint(folder: Path) -> Path:
    import torch

    from model.config import GPTNeoXConfig
    from model.convert import save_pretrained
    from model.gpt_neox import GPTNeoXForCausalLM
    from model.tokenizer import Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer.train(TEXTS, vocab_size=300)
    tokenizer.save(folder)
    vocab = -(-tokenizer.vocab_size // 64) * 64
    torch.manual_seed(0)
    config = GPTNeoXConfig(
        vocab_size=vocab, n_layer=2, n_embd=32, n_head=4, intermediate_size=64, block_size=256
    )
    save_pretrained(GPTNeoXForCausalLM(config), folder)
    return folder


def make_tiny_bundle(checkpoint: Path, folder: Path, dtype: str = "int8") -> Path:
    """The serving bundle of a tiny checkpoint, as `refocused model export` writes it."""
    from model.bundle.export import export_bundle

    export_bundle(checkpoint, folder, dtype=dtype)
    return folder
