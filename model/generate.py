"""Generation: a static KV cache, greedy / temperature / top-k / top-p sampling, stop tokens,
a token stream, and batches of prompts of different lengths.

Batches are left-padded: every sequence's next token lands in the same cache slot, pad slots
are masked out of attention, and positions count real tokens only, so a padded sample yields
the tokens it would alone. The cache keeps one shape for a whole run, which lets the one-token
decode step be compiled and captured as a CUDA graph (compile=True). Eager (the CPU serving
path) attends to the slots filled so far only, with no mask at all when nothing is padded: the
compiled step attends every slot under a mask, which at batch 1 on a CPU costs 5x the attention.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from model.gpt_neox import GPTNeoXForCausalLM

# Slot counts are rounded up so that runs of similar length reuse one compiled graph.
SLOT_MULTIPLE = 256


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.0  # 0 picks the most likely token (greedy)
    top_k: int | None = None
    top_p: float | None = None

    def __post_init__(self) -> None:
        if self.temperature < 0:
            raise ValueError("temperature must be >= 0")
        if self.top_k is not None and self.top_k < 1:
            raise ValueError("top_k must be >= 1")
        if self.top_p is not None and not 0.0 < self.top_p <= 1.0:
            raise ValueError("top_p must be in (0, 1]")


def sample(logits: Tensor, sampling: Sampling, generator: torch.Generator | None) -> Tensor:
    """One token id per row of logits (B, V)."""
    if sampling.temperature == 0.0:
        return logits.argmax(dim=-1)
    logits = logits.float() / sampling.temperature
    if sampling.top_k is not None and sampling.top_k < logits.shape[-1]:
        kth = torch.topk(logits, sampling.top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if sampling.top_p is not None and sampling.top_p < 1.0:
        sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
        cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
        # Drop a token when the tokens ranked above it already reach top_p; the first stays.
        drop_sorted = (cumulative - sorted_logits.softmax(dim=-1)) >= sampling.top_p
        drop = drop_sorted.scatter(-1, order, drop_sorted)
        logits = logits.masked_fill(drop, float("-inf"))
    probs = logits.softmax(dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


def _decode_step(
    model: GPTNeoXForCausalLM, token: Tensor, position: Tensor, slot: Tensor, key_valid: Tensor
) -> Tensor:
    """Logits (B, V) for one new token per sequence, written to cache `slot`."""
    slots = torch.arange(key_valid.shape[1], device=key_valid.device)
    mask = (key_valid & (slots <= slot))[:, None, None, :]  # (B, 1, 1, S)
    logits, _ = model(token, positions=position, mask=mask, cache_slots=slot)
    return logits[:, -1]


def _eager_step(
    model: GPTNeoXForCausalLM, token: Tensor, position: Tensor, slot: Tensor, mask: Tensor | None
) -> Tensor:
    kv_len = int(slot[0]) + 1
    logits, _ = model(token, positions=position, mask=mask, cache_slots=slot, kv_len=kv_len)
    return logits[:, -1]


def _tune_inductor_for_decode() -> None:
    import torch._inductor.config as inductor

    # Batch-1 decode is a chain of matrix-vector products bound by memory bandwidth; tuning
    # the generated kernels' tile shapes (as gpt-fast does) is worth a longer first compile.
    inductor.coordinate_descent_tuning = True
    inductor.triton.unique_kernel_names = True
    inductor.fx_graph_cache = True


class Generator:
    def __init__(
        self,
        model: GPTNeoXForCausalLM,
        *,
        pad_id: int,
        vocab_limit: int | None = None,
        compile: bool = False,
    ) -> None:
        self.model = model.eval()
        self.pad_id = pad_id
        # Rows of the padded vocabulary the tokenizer never produces are never sampled.
        self.vocab_limit = vocab_limit
        self.compile = compile
        self._step = _decode_step
        if compile:
            _tune_inductor_for_decode()
            self._step = torch.compile(_decode_step, mode="reduce-overhead", fullgraph=True)
        self._cache_shape: tuple[int, int] | None = None

    @property
    def device(self) -> torch.device:
        return self.model.embed_out.weight.device

    def _logits_filter(self, logits: Tensor) -> Tensor:
        if self.vocab_limit is not None and self.vocab_limit < logits.shape[-1]:
            logits = logits.clone()
            logits[:, self.vocab_limit :] = float("-inf")
        return logits

    @torch.inference_mode()
    def stream(
        self,
        prompts: Sequence[Sequence[int]],
        *,
        max_new_tokens: int = 128,
        sampling: Sampling | None = None,
        stop_ids: Sequence[int] = (),
        seed: int | None = None,
        use_cache: bool = True,
    ) -> Iterator[list[int | None]]:
        """Per step, one new token per prompt, or None for a prompt already stopped. A stop
        token ends its sequence and is not yielded."""
        sampling = sampling or Sampling()
        if not prompts or any(len(p) == 0 for p in prompts):
            raise ValueError("every prompt needs at least one token")
        B, P = len(prompts), max(len(p) for p in prompts)
        block = self.model.config.block_size
        if P >= block:
            raise ValueError(f"prompt of {P} tokens leaves no room in the {block}-token context")
        max_new_tokens = min(max_new_tokens, block - P)
        generator = None
        if seed is not None:
            generator = torch.Generator(device=self.device).manual_seed(seed)
        device = self.device
        pads = torch.tensor([P - len(p) for p in prompts], device=device)
        tokens = torch.tensor(
            [[self.pad_id] * (P - len(p)) + list(p) for p in prompts], device=device
        )
        positions = (torch.arange(P, device=device)[None] - pads[:, None]).clamp(min=0)
        if use_cache:
            logits_stream = self._cached(tokens, positions, pads, max_new_tokens)
        else:
            logits_stream = self._uncached(tokens, positions, pads)
        finished = torch.zeros(B, dtype=torch.bool, device=device)
        stops = torch.tensor(list(stop_ids), dtype=torch.long, device=device)
        next_token: Tensor | None = None
        for _ in range(max_new_tokens):
            logits = (
                logits_stream.send(next_token) if next_token is not None else next(logits_stream)
            )
            chosen = sample(self._logits_filter(logits), sampling, generator)
            stopped = torch.isin(chosen, stops) | finished
            yield [
                None if s else int(t)
                for t, s in zip(chosen.tolist(), stopped.tolist(), strict=True)
            ]
            finished = stopped
            if bool(finished.all()):
                break
            next_token = chosen.masked_fill(finished, self.pad_id)
        logits_stream.close()

    def generate(self, prompts: Sequence[Sequence[int]], **options) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in prompts]
        for step in self.stream(prompts, **options):
            for row, token in zip(out, step, strict=True):
                if token is not None:
                    row.append(token)
        return out

    def _ensure_caches(self, batch: int, slots: int) -> None:
        if self._cache_shape != (batch, slots):
            self.model.setup_caches(batch, slots)
            self._cache_shape = (batch, slots)
            if self.compile:
                # Buffers written in place must keep their address for CUDA graph replays.
                for layer in self.model.gpt_neox.layers:
                    torch._dynamo.mark_static_address(layer.attention.kv_cache.k)
                    torch._dynamo.mark_static_address(layer.attention.kv_cache.v)

    def _cached(self, tokens: Tensor, positions: Tensor, pads: Tensor, max_new: int):
        B, P = tokens.shape
        device = tokens.device
        S = -(-(P + max_new) // SLOT_MULTIPLE) * SLOT_MULTIPLE
        self._ensure_caches(B, S)
        slots = torch.arange(S, device=device)
        key_valid = slots[None] >= pads[:, None]  # (B, S): pads are never attended to
        prompt_slots = torch.arange(P, device=device)
        causal = prompt_slots[:, None] >= slots[None, :]  # (P, S)
        # A padded query sees itself, so no row of the mask is empty (an empty row is NaN).
        own = prompt_slots[:, None] == slots[None, :]
        mask = (causal & key_valid[:, None, :]) | own  # (B, P, S)
        padded = bool((pads > 0).any())
        eager_mask = key_valid[:, None, None, :] if padded else None  # (B, 1, 1, S) or None
        logits, _ = self.model(
            tokens,
            positions=positions,
            mask=mask[:, None] if padded or self.compile else None,
            cache_slots=prompt_slots,
            kv_len=None if self.compile else P,
            last_only=True,
        )
        token = yield logits[:, -1]
        position = positions[:, -1:]
        for slot_index in range(P, S):
            position = position + 1
            slot = slots[slot_index : slot_index + 1]
            if not self.compile:
                token = yield _eager_step(self.model, token[:, None], position, slot, eager_mask)
                continue
            torch.compiler.cudagraph_mark_step_begin()
            # Cloned: a CUDA graph reuses its output memory on the next replay.
            logits = self._step(self.model, token[:, None], position, slot, key_valid).clone()
            token = yield logits

    def _uncached(self, tokens: Tensor, positions: Tensor, pads: Tensor):
        self.model.clear_caches()
        self._cache_shape = None
        while True:
            L = tokens.shape[1]
            index = torch.arange(L, device=tokens.device)
            valid = index[None] >= pads[:, None]
            mask = (index[:, None] >= index[None, :]) & valid[:, None, :] | (
                index[:, None] == index[None, :]
            )
            logits, _ = self.model(tokens, positions=positions, mask=mask[:, None], last_only=True)
            token = yield logits[:, -1]
            tokens = torch.cat([tokens, token[:, None]], dim=1)
            positions = torch.cat([positions, positions[:, -1:] + 1], dim=1)
