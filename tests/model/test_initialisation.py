"""The initialisation follows config.init_std, which checkpoints export as initializer_range."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import torch

from model.config import GPTNeoXConfig, get_config
from model.convert import CONFIG_FILE, config_to_hf, load_pretrained, save_pretrained
from model.gpt_neox import GPTNeoXForCausalLM

# Wide enough that a sample std is within a few percent of the true one.
WIDE = GPTNeoXConfig(
    vocab_size=512, n_layer=4, n_embd=256, n_head=4, intermediate_size=1024, block_size=64
)


def stds(model: GPTNeoXForCausalLM) -> dict[str, float]:
    layer = model.gpt_neox.layers[0]
    return {
        "embed_in": model.gpt_neox.embed_in.weight.std().item(),
        "query_key_value": layer.attention.query_key_value.weight.std().item(),
        "dense_h_to_4h": layer.mlp.dense_h_to_4h.weight.std().item(),
        "embed_out": model.embed_out.weight.std().item(),
        "attention.dense": layer.attention.dense.weight.std().item(),
        "dense_4h_to_h": layer.mlp.dense_4h_to_h.weight.std().item(),
    }


@pytest.mark.parametrize("init_std", [0.005, 0.02, 0.08])
def test_the_weights_std_follows_init_std(init_std: float) -> None:
    torch.manual_seed(0)
    measured = stds(GPTNeoXForCausalLM(WIDE.replace(init_std=init_std)))

    residual = init_std * math.sqrt(10) / WIDE.n_layer
    for name in ("embed_in", "query_key_value", "dense_h_to_4h", "embed_out"):
        assert measured[name] == pytest.approx(init_std, rel=0.05), name
    for name in ("attention.dense", "dense_4h_to_h"):
        assert measured[name] == pytest.approx(residual, rel=0.05), name


def test_without_init_std_the_model_starts_from_pythias_small_and_wang_init() -> None:
    config = GPTNeoXConfig(
        vocab_size=512, n_layer=4, n_embd=256, n_head=4, intermediate_size=1024, block_size=64
    )
    torch.manual_seed(0)
    measured = stds(GPTNeoXForCausalLM(config))

    assert config.init_std == pytest.approx(math.sqrt(2 / (5 * 256)))
    assert measured["query_key_value"] == pytest.approx(math.sqrt(2 / (5 * 256)), rel=0.05)
    assert measured["dense_4h_to_h"] == pytest.approx(2 / (4 * math.sqrt(256)), rel=0.05)
    assert get_config("refocused-1.2b").init_std == pytest.approx(math.sqrt(2 / (5 * 2048)))


def test_initializer_range_is_the_std_the_model_was_initialised_with(tmp_path: Path) -> None:
    config = WIDE.replace(init_std=0.03)
    torch.manual_seed(0)
    model = GPTNeoXForCausalLM(config)
    assert config_to_hf(config)["initializer_range"] == 0.03
    assert stds(model)["query_key_value"] == pytest.approx(0.03, rel=0.05)

    save_pretrained(model, tmp_path)
    assert load_pretrained(tmp_path).config == config


def test_a_run_whose_checkpoint_says_initializer_range_0_02_still_resumes(
    prepared_data: Path, tmp_path: Path
) -> None:
    """Checkpoints written before init_std set the initialisation all say 0.02."""
    from model.train import TrainConfig, train

    def run(max_steps: int):
        config = TrainConfig(
            data_dir=prepared_data,
            out_dir=tmp_path,
            batch_size=2,
            max_steps=max_steps,
            warmup_steps=0,
            eval_batches=1,
            progress=False,
        )
        return train(config)

    run(1)
    config_file = tmp_path / "step-0000001" / CONFIG_FILE
    data = json.loads(config_file.read_text())
    data["initializer_range"] = 0.02
    config_file.write_text(json.dumps(data))

    assert [h["step"] for h in run(2).history] == [1, 2]
    shutil.rmtree(tmp_path)
