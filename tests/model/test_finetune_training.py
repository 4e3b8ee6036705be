"""Fine-tuning runs: the tiny pre-trained model learns an instruction set it has never seen,
through LoRA (then merged and loaded as a plain checkpoint) and through full fine-tuning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.api import LanguageModel, load
from model.finetune.data import encode_all, read_chats
from model.finetune.lora import ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, LoRAConfig
from model.finetune.trainer import FinetuneConfig, assistant_loss, finetune, load_base

NAMES = [
    "Ana", "Omar", "Elena", "Lena", "Grace", "Quinn", "Kemal", "Rosa", "Chloe", "Jonas",
    "Dev", "Iris", "Ben", "Farid", "Maya", "Hugo", "Sami", "Priya", "Tomas", "Nico",
]  # fmt: skip
TOOLS = [
    "habit tracker", "kitchen timer", "wall chart", "paper notebook",
    "sticky note", "phone reminder", "calendar block", "simple checklist",
]  # fmt: skip
# A lookup table the base model cannot know: who keeps count with which tool.
ANSWERS = {name: f"{name} uses a {TOOLS[3 * i % len(TOOLS)]}." for i, name in enumerate(NAMES)}


def question(name: str) -> str:
    return f"Which tool does {name} use?"


@pytest.fixture(scope="module")
def tool_questions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("finetune-data") / "tools.jsonl"
    lines = [{"instruction": question(n), "output": answer} for n, answer in ANSWERS.items()]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def share_answered(lm: LanguageModel) -> float:
    replies = {
        name: lm.chat(
            [{"role": "user", "content": question(name)}], temperature=0, max_new_tokens=16
        )
        for name in NAMES
    }
    return sum(replies[name] == answer for name, answer in ANSWERS.items()) / len(ANSWERS)


def run(trained_run, data: Path, out: Path, **changes) -> FinetuneConfig:
    options = dict(batch_size=20, val_fraction=0.0, warmup_steps=10, progress=False)
    return FinetuneConfig(base=trained_run["run"], data=data, out_dir=out, **options | changes)


def test_lora_teaches_the_tiny_model_a_lookup_table_and_merges_into_a_plain_checkpoint(
    trained_run, tool_questions: Path, tmp_path: Path
) -> None:
    config = run(
        trained_run,
        tool_questions,
        tmp_path / "lora",
        lr=1e-2,
        max_steps=120,
        lora=LoRAConfig(dropout=0.0),
    )
    result = finetune(config)

    assert share_answered(load(trained_run["run"], device="cpu")) <= 0.1
    assert share_answered(load(result.merged, device="cpu")) >= 0.9
    assert result.history[-1]["loss"] < 0.2 * result.history[0]["loss"]
    assert result.trainable_parameters < 0.1 * result.total_parameters
    checkpoint = {p.name for p in result.checkpoint.iterdir()}
    assert {ADAPTER_WEIGHTS_FILE, ADAPTER_CONFIG_FILE} <= checkpoint
    assert "model.safetensors" not in checkpoint
    assert all(h["tokens_per_s"] > 0 for h in result.history)


def test_full_fine_tuning_lowers_the_loss_on_the_replies_and_writes_a_whole_model(
    trained_run, tool_questions: Path, tmp_path: Path
) -> None:
    model, tokenizer, _ = load_base(trained_run["run"])
    examples = encode_all(read_chats(tool_questions), tokenizer, 128).examples
    before = assistant_loss(model, examples, tokenizer.pad_id)

    result = finetune(
        run(trained_run, tool_questions, tmp_path / "full", method="full", lr=3e-3, max_steps=30)
    )

    tuned = load(result.checkpoint, device="cpu")
    after = assistant_loss(tuned.model, examples, tokenizer.pad_id)
    assert after < 0.1 * before, (before, after)
    assert result.trainable_parameters == result.total_parameters
    assert result.merged is None


def test_validation_loss_is_measured_on_held_out_examples(
    trained_run, tool_questions: Path, tmp_path: Path
) -> None:
    config = run(
        trained_run,
        tool_questions,
        tmp_path / "val",
        val_fraction=0.25,
        max_steps=4,
        eval_interval=2,
        merge=False,
    )
    result = finetune(config)

    assert (result.train_examples, result.val_examples) == (15, 5)
    assert [h["step"] for h in result.history if "val_loss" in h] == [2, 4]
    assert result.final_val_loss == result.history[-1]["val_loss"]
    assert result.merged is None and (tmp_path / "val" / "loss_curve.png").is_file()
