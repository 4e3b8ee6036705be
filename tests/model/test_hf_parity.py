"""Our GPT-NeoX against transformers' GPTNeoXForCausalLM, an independent implementation."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from model.config import GPTNeoXConfig
from model.convert import (
    config_to_hf,
    from_hf_state_dict,
    load_pretrained,
    save_pretrained,
    to_hf_state_dict,
)
from model.gpt_neox import GPTNeoXForCausalLM

transformers = pytest.importorskip("transformers")


def small_config(**changes) -> GPTNeoXConfig:
    base = GPTNeoXConfig(
        vocab_size=128, n_layer=2, n_embd=64, n_head=4, intermediate_size=256, block_size=64
    )
    return base.replace(**changes)


def hf_model(config: GPTNeoXConfig):
    hf_config = transformers.GPTNeoXConfig(**config_to_hf(config))
    return transformers.GPTNeoXForCausalLM(hf_config).eval()


@pytest.mark.parametrize("parallel_residual", [True, False])
@pytest.mark.parametrize("rotary_pct", [0.25, 0.5, 1.0])
def test_logits_match_transformers_in_float32(parallel_residual: bool, rotary_pct: float) -> None:
    config = small_config(parallel_residual=parallel_residual, rotary_pct=rotary_pct)
    torch.manual_seed(0)
    ours = GPTNeoXForCausalLM(config).eval()
    theirs = hf_model(config)
    theirs.load_state_dict(to_hf_state_dict(ours.state_dict(), head_key="lm_head.weight"))
    input_ids = torch.randint(0, config.vocab_size, (2, 23))

    with torch.no_grad():
        our_logits, _ = ours(input_ids)
        their_logits = theirs(input_ids).logits

    torch.testing.assert_close(our_logits, their_logits, rtol=1e-5, atol=1e-5)


def test_the_two_residual_modes_really_differ() -> None:
    torch.manual_seed(0)
    parallel = GPTNeoXForCausalLM(small_config(parallel_residual=True)).eval()
    sequential = GPTNeoXForCausalLM(small_config(parallel_residual=False)).eval()
    sequential.load_state_dict(parallel.state_dict())
    input_ids = torch.randint(0, 128, (1, 9))

    with torch.no_grad():
        assert not torch.allclose(parallel(input_ids)[0], sequential(input_ids)[0], atol=1e-3)


def test_a_transformers_model_converts_to_ours_with_the_same_logits() -> None:
    config = small_config(rotary_pct=0.5, parallel_residual=False)
    torch.manual_seed(1)
    theirs = hf_model(config)
    ours = GPTNeoXForCausalLM(config).eval()
    ours.load_state_dict(from_hf_state_dict(theirs.state_dict()))
    input_ids = torch.randint(0, config.vocab_size, (3, 17))

    with torch.no_grad():
        torch.testing.assert_close(
            ours(input_ids)[0], theirs(input_ids).logits, rtol=1e-5, atol=1e-5
        )


def test_our_checkpoint_folder_loads_in_transformers_and_back(tmp_path: Path) -> None:
    config = small_config()
    torch.manual_seed(2)
    ours = GPTNeoXForCausalLM(config).eval()
    save_pretrained(ours, tmp_path)
    theirs = transformers.GPTNeoXForCausalLM.from_pretrained(tmp_path).eval()
    theirs.save_pretrained(tmp_path / "resaved")
    reloaded = load_pretrained(tmp_path / "resaved")
    input_ids = torch.randint(0, config.vocab_size, (2, 11))

    with torch.no_grad():
        expected, _ = ours(input_ids)
        torch.testing.assert_close(theirs(input_ids).logits, expected, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(reloaded(input_ids)[0], expected, rtol=0, atol=0)
    assert reloaded.config == config
