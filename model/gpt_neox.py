"""GPT-NeoX in one file: pre-LayerNorm blocks, partial rotary, fused per-head QKV, SDPA.

Parameter names follow Hugging Face's GPTNeoXForCausalLM, so a state dict moves between the two
with nothing renamed but the output head (see model.convert). Shapes in comments: B batch,
T new tokens, S attended keys, H heads, D head size, C = H * D, V vocabulary.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.utils.checkpoint import checkpoint

from model.config import GPTNeoXConfig, small_init_std

IGNORE_INDEX = -100


def rotary_tables(
    positions: Tensor, rotary_dims: int, base: float, dtype: torch.dtype
) -> tuple[Tensor, Tensor]:
    """cos and sin of shape (B, 1, T, rotary_dims) for the rotate-half layout."""
    # Computed in float32 on every call: a stored table would be rounded by model.to(bfloat16).
    exponent = torch.arange(0, rotary_dims, 2, device=positions.device, dtype=torch.float32)
    inv_freq = 1.0 / (base ** (exponent / rotary_dims))
    freqs = positions[..., None].float() * inv_freq  # (B, T, rotary_dims / 2)
    angles = torch.cat((freqs, freqs), dim=-1)[:, None]  # (B, 1, T, rotary_dims)
    return angles.cos().to(dtype), angles.sin().to(dtype)


def apply_rotary(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    rot = cos.shape[-1]
    x_rot, x_pass = x[..., :rot], x[..., rot:]
    half = rot // 2
    rotated = torch.cat((-x_rot[..., half:], x_rot[..., :half]), dim=-1)
    return torch.cat((x_rot * cos + rotated * sin, x_pass), dim=-1)


class KVCache(nn.Module):
    """Keys and values for a fixed number of slots, written in place: shapes never change,
    so a compiled decode step can be captured once in a CUDA graph."""

    def __init__(
        self, batch: int, n_head: int, slots: int, head_size: int, dtype: torch.dtype, device
    ) -> None:
        super().__init__()
        shape = (batch, n_head, slots, head_size)
        self.register_buffer("k", torch.zeros(shape, dtype=dtype, device=device), persistent=False)
        self.register_buffer("v", torch.zeros(shape, dtype=dtype, device=device), persistent=False)

    def update(self, slots: Tensor, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        self.k.index_copy_(2, slots, k.to(self.k.dtype))
        self.v.index_copy_(2, slots, v.to(self.v.dtype))
        return self.k, self.v


class Attention(nn.Module):
    def __init__(self, config: GPTNeoXConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.head_size = config.head_size
        self.query_key_value = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.dense = nn.Linear(config.n_embd, config.n_embd)
        self.kv_cache: KVCache | None = None

    def forward(
        self,
        x: Tensor,
        cos: Tensor,
        sin: Tensor,
        mask: Tensor | None,
        cache_slots: Tensor | None,
        kv_len: int | None = None,
    ) -> Tensor:
        B, T, C = x.shape
        # GPT-NeoX lays QKV out per head: [q_h | k_h | v_h] for each head h in turn.
        qkv = self.query_key_value(x).view(B, T, self.n_head, 3 * self.head_size)
        q, k, v = qkv.transpose(1, 2).split(self.head_size, dim=-1)  # each (B, H, T, D)
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        if cache_slots is not None:
            if self.kv_cache is None or (mask is None and kv_len is None):
                raise ValueError("cache_slots need KV caches (setup_caches) and a mask or kv_len")
            k, v = self.kv_cache.update(cache_slots, k, v)  # (B, H, S, D)
            if kv_len is not None:
                # Only the slots filled so far: none of the padded rest is read or masked.
                k, v = k[:, :, :kv_len], v[:, :, :kv_len]
                mask = None if mask is None else mask[..., :kv_len]
        # Without a mask: causal over T new tokens (prefill), or one token seeing every key.
        causal = mask is None and T > 1
        if causal and k.shape[2] != T:
            raise ValueError("unmasked attention over a cache needs one query, or all of them")
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal)
        return self.dense(y.transpose(1, 2).reshape(B, T, C))


class MLP(nn.Module):
    def __init__(self, config: GPTNeoXConfig) -> None:
        super().__init__()
        self.dense_h_to_4h = nn.Linear(config.n_embd, config.intermediate_size)
        self.dense_4h_to_h = nn.Linear(config.intermediate_size, config.n_embd)

    def forward(self, x: Tensor) -> Tensor:
        return self.dense_4h_to_h(F.gelu(self.dense_h_to_4h(x)))


class Layer(nn.Module):
    def __init__(self, config: GPTNeoXConfig) -> None:
        super().__init__()
        self.parallel_residual = config.parallel_residual
        self.input_layernorm = nn.LayerNorm(config.n_embd, eps=config.layer_norm_eps)
        self.post_attention_layernorm = nn.LayerNorm(config.n_embd, eps=config.layer_norm_eps)
        self.attention = Attention(config)
        self.mlp = MLP(config)

    def forward(
        self,
        x: Tensor,
        cos: Tensor,
        sin: Tensor,
        mask: Tensor | None,
        cache_slots: Tensor | None,
        kv_len: int | None = None,
    ) -> Tensor:
        attn = self.attention(self.input_layernorm(x), cos, sin, mask, cache_slots, kv_len)
        if self.parallel_residual:
            return x + attn + self.mlp(self.post_attention_layernorm(x))
        x = x + attn
        return x + self.mlp(self.post_attention_layernorm(x))


class GPTNeoXModel(nn.Module):
    def __init__(self, config: GPTNeoXConfig) -> None:
        super().__init__()
        self.embed_in = nn.Embedding(config.vocab_size, config.n_embd)
        self.layers = nn.ModuleList(Layer(config) for _ in range(config.n_layer))
        self.final_layer_norm = nn.LayerNorm(config.n_embd, eps=config.layer_norm_eps)


class GPTNeoXForCausalLM(nn.Module):
    def __init__(self, config: GPTNeoXConfig) -> None:
        super().__init__()
        self.config = config
        self.gpt_neox = GPTNeoXModel(config)
        self.embed_out = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.gradient_checkpointing = False
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # config.init_std everywhere (Pythia's "small init" unless set), a depth-scaled std on
        # the two projections that write into the residual stream, so its variance does not
        # grow with depth (Pythia's "wang init" at the default init_std).
        small = self.config.init_std or small_init_std(self.config.n_embd)
        wang = self.config.residual_init_std
        for name, module in self.named_modules():
            if isinstance(module, nn.Linear):
                std = wang if name.endswith(("attention.dense", "dense_4h_to_h")) else small
                nn.init.normal_(module.weight, mean=0.0, std=std)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                nn.init.normal_(module.weight, mean=0.0, std=small)
            elif isinstance(module, nn.LayerNorm):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)

    def num_parameters(self, *, include_embeddings: bool = True) -> int:
        total = sum(p.numel() for p in self.parameters())
        if not include_embeddings:
            total -= self.gpt_neox.embed_in.weight.numel()
        return total

    def setup_caches(
        self, batch: int, slots: int, *, dtype: torch.dtype | None = None, device=None
    ) -> None:
        """Give every attention layer a KV cache of `slots` positions for `batch` sequences."""
        # The embedding, never quantised, carries the compute dtype (model.quant.Int8Linear).
        ref = self.gpt_neox.embed_in.weight
        for layer in self.gpt_neox.layers:
            layer.attention.kv_cache = KVCache(
                batch,
                self.config.n_head,
                slots,
                self.config.head_size,
                dtype or ref.dtype,
                device or ref.device,
            )

    def clear_caches(self) -> None:
        for layer in self.gpt_neox.layers:
            layer.attention.kv_cache = None

    def forward(
        self,
        input_ids: Tensor,
        labels: Tensor | None = None,
        *,
        positions: Tensor | None = None,
        mask: Tensor | None = None,
        cache_slots: Tensor | None = None,
        kv_len: int | None = None,
        last_only: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Logits (B, T, V), or (B, 1, V) with last_only; and the loss when labels are given.

        Labels are aligned with input_ids (as in transformers) and shifted here, once: position t
        is scored on token t + 1. IGNORE_INDEX marks labels left out of the loss (padding).
        `mask` is a boolean (B, 1, T, S) of the keys each query may see; without it attention is
        causal over the T tokens given. With `cache_slots`, `kv_len` attends to the cache's first
        kv_len slots only (the mask, if any, is cut to them); without a mask then, one new token
        sees them all and T new tokens filling slots 0..T-1 are causal.
        """
        B, T = input_ids.shape
        if positions is None:
            positions = torch.arange(T, device=input_ids.device)[None].expand(B, T)
        x = self.gpt_neox.embed_in(input_ids)  # (B, T, C)
        cfg = self.config
        cos, sin = rotary_tables(positions, cfg.rotary_dims, cfg.rotary_base, x.dtype)
        for layer in self.gpt_neox.layers:
            if self.gradient_checkpointing and self.training:
                x = checkpoint(layer, x, cos, sin, mask, cache_slots, use_reentrant=False)
            else:
                x = layer(x, cos, sin, mask, cache_slots, kv_len)
        x = self.gpt_neox.final_layer_norm(x)
        if last_only:
            x = x[:, -1:]
        logits = self.embed_out(x)
        loss = None if labels is None else next_token_loss(logits, labels)
        return logits, loss


def next_token_loss(logits: Tensor, labels: Tensor) -> Tensor:
    """Mean cross-entropy of logits[:, t] against labels[:, t + 1], skipping IGNORE_INDEX."""
    # Shifting the labels (small) instead of slicing the logits (B x T x V) saves a copy of the
    # largest activation; the last position has no next token and is ignored.
    targets = F.pad(labels[:, 1:], (0, 1), value=IGNORE_INDEX)
    return F.cross_entropy(
        logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE_INDEX
    )
