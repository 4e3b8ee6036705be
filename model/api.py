"""The library API the AI assistant calls: load a checkpoint, then generate or chat.

lm = load("runs/assistant")            # a checkpoint folder, or a run folder (latest step)
lm.chat([{"role": "user", "content": "Plan my morning"}])
for piece in lm.stream_chat(messages): ...
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import torch

from model.checkpoints import LocalCheckpointStore, latest
from model.convert import CONFIG_FILE, load_pretrained
from model.generate import Generator, Sampling
from model.gpt_neox import GPTNeoXForCausalLM
from model.tokenizer import Tokenizer

Message = dict[str, str]


class LanguageModel:
    """One generation at a time per instance: generations share the instance's KV cache, so
    callers serving concurrent requests queue them (or hold one instance per worker)."""

    def __init__(
        self,
        model: GPTNeoXForCausalLM,
        tokenizer: Tokenizer,
        *,
        compile: bool = False,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self._generator = Generator(
            model, pad_id=tokenizer.pad_id, vocab_limit=tokenizer.vocab_size, compile=compile
        )

    def stream(
        self,
        prompt: str,
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.7,
        top_k: int | None = 50,
        top_p: float | None = 0.95,
        seed: int | None = None,
    ) -> Iterator[str]:
        """Text pieces continuing `prompt`, until end of text or max_new_tokens."""
        ids = self.tokenizer.encode(prompt) or [self.tokenizer.eot_id]
        yield from self._stream_ids(
            ids, (self.tokenizer.eot_id,), max_new_tokens, temperature, top_k, top_p, seed
        )

    def generate(self, prompt: str, **options) -> str:
        return "".join(self.stream(prompt, **options))

    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.7,
        top_k: int | None = 50,
        top_p: float | None = 0.95,
        seed: int | None = None,
    ) -> Iterator[str]:
        """The assistant's next reply to `messages` ({"role", "content"} dicts), piece by piece."""
        if not messages:
            raise ValueError("a chat needs at least one message")
        ids = self.tokenizer.encode_chat(messages)
        stops = (self.tokenizer.end_id, self.tokenizer.eot_id)
        yield from self._stream_ids(ids, stops, max_new_tokens, temperature, top_k, top_p, seed)

    def chat(self, messages: Sequence[Message], **options) -> str:
        return "".join(self.stream_chat(messages, **options))

    def generate_batch(
        self,
        prompts: Sequence[str],
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.7,
        top_k: int | None = 50,
        top_p: float | None = 0.95,
        seed: int | None = None,
    ) -> list[str]:
        ids = [self.tokenizer.encode(p) or [self.tokenizer.eot_id] for p in prompts]
        out = self._generator.generate(
            self._fit(ids, max_new_tokens),
            max_new_tokens=max_new_tokens,
            sampling=Sampling(temperature, top_k, top_p),
            stop_ids=(self.tokenizer.eot_id,),
            seed=seed,
        )
        return [self.tokenizer.decode(tokens) for tokens in out]

    def _fit(self, prompts: list[list[int]], max_new_tokens: int) -> list[list[int]]:
        # Keep the end of an over-long prompt: in a chat the latest turns matter most.
        room = max(1, self.model.config.block_size - min(max_new_tokens, 256))
        return [p[-room:] for p in prompts]

    def _stream_ids(
        self,
        ids: list[int],
        stops: Sequence[int],
        max_new_tokens: int,
        temperature: float,
        top_k: int | None,
        top_p: float | None,
        seed: int | None,
    ) -> Iterator[str]:
        steps = self._generator.stream(
            self._fit([ids], max_new_tokens),
            max_new_tokens=max_new_tokens,
            sampling=Sampling(temperature, top_k, top_p),
            stop_ids=stops,
            seed=seed,
        )
        tokens = (step[0] for step in steps if step[0] is not None)
        yield from self.tokenizer.stream_decode(tokens)


def resolve_checkpoint(path: Path) -> Path:
    """A checkpoint folder as given, or the latest checkpoint of a run folder."""
    if (path / CONFIG_FILE).is_file():
        return path
    name = latest(LocalCheckpointStore(path)) if path.is_dir() else None
    if name is None:
        raise FileNotFoundError(f"{path} is neither a checkpoint nor a run folder with checkpoints")
    return path / name


def load(
    checkpoint_dir: str | Path,
    *,
    device: str | None = None,
    dtype: torch.dtype | None = None,
    compile: bool = False,
) -> LanguageModel:
    """Weights and the tokenizer they were trained with; bf16 on CUDA, float32 on CPU."""
    folder = resolve_checkpoint(Path(checkpoint_dir))
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    if dtype is None:
        dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    tokenizer = Tokenizer.load(folder)
    model = load_pretrained(folder, device=device, dtype=dtype)
    return LanguageModel(model, tokenizer, compile=compile)
