"""CPU serving: bf16 where the processor has bf16 instructions, and weight-only int8 matmuls.

Batch-1 decode reads every weight once per token, so its speed is the rate at which the
weights stream from memory. `Int8Linear` keeps a Linear layer's weight as int8 with one scale
per output row (the int8 bundle's own layout, `model.bundle.weights.quantize_int8`) and
multiplies with torch's `_weight_int8pack_mm`, which reads those int8 bytes, half of bf16's,
and takes bf16 activations. With float32 activations the same kernel is several times slower
than a float32 matmul, so int8 kernels are used with bf16 compute only (`use_int8_kernels`).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import Tensor, nn

# cpuinfo flags of instructions that compute bf16 dot products in hardware.
BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_flags(cpuinfo: str | None = None) -> set[str]:
    """The processor's feature flags, from /proc/cpuinfo text (read when not given)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return set()
    for line in cpuinfo.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.split(":", 1)[1].split())
    return set()


def cpu_has_bf16(cpuinfo: str | None = None) -> bool:
    return any(flag in cpu_flags(cpuinfo) for flag in BF16_FLAGS)


def serving_dtype(device: str | torch.device, cpuinfo: str | None = None) -> torch.dtype:
    """bf16 on a GPU and on a CPU with bf16 instructions; float32 on other CPUs (without
    them, bf16 arithmetic is emulated and slower than float32)."""
    if torch.device(device).type != "cpu":
        return torch.bfloat16
    return torch.bfloat16 if cpu_has_bf16(cpuinfo) else torch.float32


def use_int8_kernels(device: str | torch.device, dtype: torch.dtype) -> bool:
    """Whether int8 weights are served as int8: on a CPU computing in bf16."""
    return torch.device(device).type == "cpu" and dtype == torch.bfloat16


class Int8Linear(nn.Module):
    """y = x @ (weight * weight_scale[:, None]).T + bias, with the weight kept as int8."""

    def __init__(self, weight: Tensor, weight_scale: Tensor, bias: Tensor | None) -> None:
        super().__init__()
        if weight.dtype != torch.int8 or weight.ndim != 2:
            raise ValueError("Int8Linear needs a 2-D int8 weight")
        self.out_features, self.in_features = weight.shape
        if not weight.is_contiguous() or weight.data_ptr() % 64:
            # A tensor read from a safetensors file can start at any byte; the kernel's vector
            # loads crash (SIGSEGV) on a matrix that is not 64-byte aligned. torch's allocator
            # aligns to 64 bytes.
            weight = weight.clone(memory_format=torch.contiguous_format)
        self.register_buffer("weight", weight)
        self.register_buffer("weight_scale", weight_scale.contiguous())
        self.register_buffer("bias", None if bias is None else bias.contiguous())

    @property
    def dtype(self) -> torch.dtype:
        return self.weight_scale.dtype

    def forward(self, x: Tensor) -> Tensor:
        shape = x.shape
        flat = x.reshape(-1, self.in_features).to(self.dtype).contiguous()
        y = torch._weight_int8pack_mm(flat, self.weight, self.weight_scale)
        if self.bias is not None:
            y = y + self.bias
        return y.view(*shape[:-1], self.out_features)

    @classmethod
    def from_linear(cls, linear: nn.Linear, dtype: torch.dtype) -> Int8Linear:
        from model.bundle.weights import quantize_int8

        codes, scale = quantize_int8(linear.weight.detach())
        bias = None if linear.bias is None else linear.bias.detach().to(dtype)
        return cls(codes, scale.to(dtype), bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8"


def linear_names(model: nn.Module) -> list[str]:
    return [name for name, module in model.named_modules() if isinstance(module, nn.Linear)]


def replace_module(model: nn.Module, name: str, module: nn.Module) -> None:
    parent, _, attr = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, attr, module)


def quantize_linears(model: nn.Module, dtype: torch.dtype = torch.bfloat16) -> nn.Module:
    """Every Linear layer (the output head included) as an Int8Linear computing in `dtype`;
    the rest of the model cast to `dtype`. In place; returns the model."""
    for name in linear_names(model):
        replace_module(model, name, Int8Linear.from_linear(model.get_submodule(name), dtype))
    return model.to(dtype)
