"""`refocused model finetune`: a run from the shell, and one-line errors a person can act on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch

from model.api import load
from model.finetune.data import encode_all, read_chats
from model.finetune.trainer import assistant_loss
from tests.model.conftest import invoke

CHATS = [
    {
        "messages": [
            {"role": "user", "content": f"Plan {n} tasks"},
            {"role": "assistant", "content": f"{n} tasks."},
        ]
    }
    for n in range(1, 9)
]


def write(path: Path, lines: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def test_finetune_trains_lora_reports_progress_and_writes_a_merged_model(
    trained_run, tmp_path: Path
) -> None:
    train = write(tmp_path / "train.jsonl", CHATS[:6])
    val = write(tmp_path / "val.jsonl", CHATS[6:])
    out = tmp_path / "run"

    result = invoke(
        "finetune", trained_run["run"], "--data", train, "--val-data", val, "--out", out,
        "--max-steps", "4", "--eval-interval", "2", "--batch-size", "3", "--lr", "1e-2",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "step 4 (epoch 2)" in result.output and "val loss" in result.output
    assert "tokens/s" in result.output and "6 training and 2 validation examples" in result.output
    adapter = json.loads((out / "step-0000004" / "adapter_config.json").read_text())
    assert (adapter["r"], adapter["lora_alpha"], adapter["lora_dropout"]) == (8, 16, 0.05)
    # The merged plain checkpoint scores the validation chats as the adapted model did.
    merged = load(out / "merged", device="cpu", dtype=torch.float32)  # as it was trained
    examples = encode_all(read_chats(val), merged.tokenizer, 128).examples
    reported = float(re.search(r"step 4 .*val loss ([\d.]+)", result.output).group(1))
    assert assistant_loss(merged.model, examples, merged.tokenizer.pad_id) == pytest.approx(
        reported, abs=1e-3
    )
    # The run folder itself holds adapters only: loading it says where the whole model is.
    with pytest.raises(FileNotFoundError, match=f"LoRA adapter, not a whole model: load {out}"):
        load(out, device="cpu")


@pytest.mark.parametrize(
    ("lines", "options", "message"),
    [
        ([CHATS[0], "{oops"], [], "train.jsonl line 2: not valid JSON"),
        (
            [{"messages": [{"role": "tool", "content": "x"}]}],
            [],
            "line 1: unknown role 'tool'; expected one of assistant, system, user",
        ),
        (
            CHATS,
            ["--targets", "query_key_value,q_proj"],
            "unknown LoRA target module(s) q_proj; GPT-NeoX's linear layers are dense, "
            "dense_4h_to_h, dense_h_to_4h, embed_out, query_key_value",
        ),
    ],
)
def test_bad_input_ends_with_one_line_naming_the_problem(
    trained_run, tmp_path: Path, lines: list, options: list, message: str
) -> None:
    data = write(tmp_path / "train.jsonl", lines)
    result = invoke(
        "finetune", trained_run["run"], "--data", data, "--out", tmp_path / "o", *options
    )

    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert message in result.output


def test_a_missing_data_file_is_named(trained_run, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    result = invoke("finetune", trained_run["run"], "--data", missing, "--out", tmp_path / "o")

    assert result.exit_code == 2
    assert "nowhere.jsonl" in result.output and "does not exist" in result.output
