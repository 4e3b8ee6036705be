"""LoRA: adapters on GPT-NeoX's real layer names, a frozen base, and a merge that changes
no output."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from model.config import ConfigError, get_config
from model.finetune.lora import (
    ADAPTER_CONFIG_FILE,
    ADAPTER_WEIGHTS_FILE,
    LoRAConfig,
    LoRALinear,
    apply_lora,
    load_adapter,
    merge_lora,
    save_adapter,
)
from model.gpt_neox import GPTNeoXForCausalLM
from model.loop import Schedule, build_optimizer

CONFIG = get_config("tiny")


def tiny_model(seed: int = 0) -> GPTNeoXForCausalLM:
    torch.manual_seed(seed)
    return GPTNeoXForCausalLM(CONFIG)


def tokens(seed: int = 1) -> torch.Tensor:
    return torch.randint(0, 1000, (2, 16), generator=torch.Generator().manual_seed(seed))


def with_random_adapters(model: GPTNeoXForCausalLM, config: LoRAConfig) -> GPTNeoXForCausalLM:
    """A fresh B is zero, which would make any merge look exact; these are trained-looking."""
    apply_lora(model, config)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, LoRALinear):
                module.lora_B.weight.normal_(std=0.05)
    return model


def test_training_moves_only_the_adapters_and_leaves_the_base_bit_for_bit(tmp_path) -> None:
    model = tiny_model()
    base = {k: v.clone() for k, v in model.state_dict().items()}
    apply_lora(model, LoRAConfig(rank=4))
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    # Weight decay on: a frozen weight that reached the optimizer would shrink.
    settings = Schedule(steps=3, lr=1e-2, warmup_steps=0, weight_decay=0.1)
    optimizer = build_optimizer(model, settings, fused=False)
    model.train()
    for step in range(3):
        _, loss = model(tokens(step), tokens(step))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    assert trainable and all(".lora_A." in n or ".lora_B." in n for n in trainable)
    after = model.state_dict()
    for name, value in base.items():
        parent, _, leaf = name.rpartition(".")
        stored = after.get(f"{parent}.base_layer.{leaf}", after.get(name))
        assert torch.equal(stored, value), name
    assert all(after[n].abs().sum() > 0 for n in trainable if ".lora_B." in n)


def test_a_target_matches_a_layers_last_name_only() -> None:
    model = tiny_model()
    wrapped = apply_lora(model, LoRAConfig(targets=("dense",)))
    assert wrapped == [f"gpt_neox.layers.{i}.attention.dense" for i in range(CONFIG.n_layer)]
    assert type(model.gpt_neox.layers[0].mlp.dense_h_to_4h) is nn.Linear


def test_every_default_target_is_a_real_gpt_neox_layer() -> None:
    wrapped = apply_lora(tiny_model(), LoRAConfig())
    assert len(wrapped) == 4 * CONFIG.n_layer
    assert {name.rpartition(".")[2] for name in wrapped} == set(LoRAConfig().targets)


def test_an_unknown_target_fails_and_names_the_valid_layers() -> None:
    with pytest.raises(ConfigError) as error:
        apply_lora(tiny_model(), LoRAConfig(targets=("query_key_value", "q_proj", "v_proj")))
    message = str(error.value)
    assert "q_proj, v_proj" in message
    for name in ("query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"):
        assert name in message


def test_a_fresh_adapter_leaves_the_outputs_unchanged() -> None:
    model = tiny_model().eval()
    before, _ = model(tokens())
    apply_lora(model, LoRAConfig())
    after, _ = model(tokens())
    assert torch.equal(before, after)


def test_the_merged_model_gives_the_adapted_models_logits() -> None:
    model = with_random_adapters(tiny_model(), LoRAConfig(rank=4, alpha=8)).eval()
    with torch.no_grad():
        adapted, _ = model(tokens())
        merged_model = merge_lora(model)
        merged, _ = merged_model(tokens())
        plain, _ = tiny_model()(tokens())

    assert not any(isinstance(m, LoRALinear) for m in merged_model.modules())
    assert set(merged_model.state_dict()) == set(tiny_model().state_dict())
    torch.testing.assert_close(merged, adapted, atol=1e-5, rtol=0)
    assert (merged - plain).abs().max() > 1e-2  # the adapters did change the model


def test_a_saved_adapter_is_small_and_reloads_onto_the_base(tmp_path: Path) -> None:
    config = LoRAConfig(rank=4, alpha=8, targets=("query_key_value", "dense_4h_to_h"))
    model = with_random_adapters(tiny_model(), config).eval()
    save_adapter(model, config, tmp_path)

    reloaded = tiny_model()
    assert load_adapter(reloaded, tmp_path) == config
    with torch.no_grad():
        torch.testing.assert_close(reloaded.eval()(tokens())[0], model(tokens())[0])
    files = {p.name for p in tmp_path.iterdir()}
    assert files == {ADAPTER_WEIGHTS_FILE, ADAPTER_CONFIG_FILE}
    assert (tmp_path / ADAPTER_WEIGHTS_FILE).stat().st_size < 0.1 * 4 * model.num_parameters()
