"""The library API the AI assistant calls: load a checkpoint, then generate or chat.

lm = load("runs/assistant")            # a checkpoint folder, a run folder (latest step), or a
                                       # serving bundle (model.bundle; checksums verified first)
lm.chat([{"role": "user", "content": "Plan my morning"}])
for piece in lm.stream_chat(messages): ...
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import torch

from model.bundle.manifest import BundleIntegrityError, is_bundle, verify_bundle
from model.bundle.weights import load_bundle_model
from model.checkpoints import LocalCheckpointStore, latest
from model.convert import CONFIG_FILE, load_pretrained
from model.generate import Generator, Sampling
from model.gpt_neox import GPTNeoXForCausalLM
from model.quant import serving_dtype
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
        ids = self.chat_prompt(messages, max_new_tokens)
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

    def _room(self, max_new_tokens: int) -> int:
        """Prompt tokens that fit: the context less the reply's share, at most half of it."""
        block = self.model.config.block_size
        return block - min(max_new_tokens, block // 2)

    def _fit(self, prompts: list[list[int]], max_new_tokens: int) -> list[list[int]]:
        # Keep the end of an over-long prompt: the text to continue is the end.
        room = self._room(max_new_tokens)
        return [p[-room:] for p in prompts]

    def chat_prompt(self, messages: Sequence[Message], max_new_tokens: int = 256) -> list[int]:
        """The tokens the model reads for this chat, within the context left for the reply:
        system messages stay, the oldest other turns go first, and a last turn still too long
        loses the start of its content."""
        encode = self.tokenizer.encode_chat
        turns = [encode([m], add_generation_prompt=False) for m in messages]
        prompt = encode([], add_generation_prompt=True)
        room = self._room(max_new_tokens) - len(prompt)
        kept = list(range(len(messages)))
        droppable = [i for i in kept if messages[i]["role"] != "system"]
        while sum(len(turns[i]) for i in kept) > room and len(droppable) > 1:
            kept.remove(droppable.pop(0))
        excess = sum(len(turns[i]) for i in kept) - room
        if excess > 0 and droppable:
            # A turn is <|role|> \n content <|end|> \n: cut the content's start, keep the frame.
            frame = 1 + len(self.tokenizer.encode("\n"))
            last = turns[droppable[0]]
            cut = min(excess, len(last) - 2 * frame)
            turns[droppable[0]] = last[:frame] + last[frame + cut :]
        ids = [t for i in kept for t in turns[i]]
        if len(ids) > room:  # the system messages alone overflow: keep the latest tokens
            ids = ids[len(ids) - room :]
        return ids + prompt

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
    """A checkpoint or bundle folder as given, or the latest checkpoint of a run folder."""
    if (path / CONFIG_FILE).is_file() or is_bundle(path):
        return path
    name = latest(LocalCheckpointStore(path)) if path.is_dir() else None
    if name is None:
        raise FileNotFoundError(f"{path} is neither a checkpoint nor a run folder with checkpoints")
    folder = path / name
    if not (folder / CONFIG_FILE).is_file() and (folder / "adapter_config.json").is_file():
        # A LoRA run keeps adapters only; `finetune --merge` writes the whole model beside them.
        merged = path / "merged"
        hint = f"load {merged}" if (merged / CONFIG_FILE).is_file() else "merge it into its base"
        raise FileNotFoundError(f"{folder} holds a LoRA adapter, not a whole model: {hint}")
    return folder


def load(
    checkpoint_dir: str | Path,
    *,
    device: str | None = None,
    dtype: torch.dtype | None = None,
    compile: bool = False,
) -> LanguageModel:
    """Weights and the tokenizer they were trained with, computing in bf16 on CUDA and on a
    CPU with bf16 instructions, float32 on other CPUs (`model.quant.serving_dtype`); pass
    dtype=torch.float32 for float32 anywhere. An int8 bundle computing in bf16 on a CPU keeps
    its Linear weights int8 (`model.quant.Int8Linear`); in any other dtype they are dequantised.

    A bundle's files are checked against its manifest first: BundleIntegrityError (a
    ValueError) when one is truncated, altered or missing."""
    folder = resolve_checkpoint(Path(checkpoint_dir))
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    if dtype is None:
        dtype = serving_dtype(device)
    if is_bundle(folder):
        verify_bundle(folder)  # before reading anything else: a bad bundle is never served
        model = load_bundle_model(folder, device=device, dtype=dtype)
    else:
        model = load_pretrained(folder, device=device, dtype=dtype)
    return LanguageModel(model, Tokenizer.load(folder), compile=compile)


def load_bundle(
    bundle_dir: str | Path,
    *,
    device: str | None = None,
    dtype: torch.dtype | None = None,
    compile: bool = False,
) -> LanguageModel:
    """A serving bundle only, never a bare checkpoint: what a deployed service loads, so every
    file it serves from has passed its manifest's checksums."""
    folder = Path(bundle_dir)
    if not is_bundle(folder):
        raise BundleIntegrityError(f"{folder} is not a model bundle: it has no manifest.json")
    return load(folder, device=device, dtype=dtype, compile=compile)
