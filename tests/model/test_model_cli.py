"""`refocused model ...` commands: help, the whole pipeline, and errors a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.model.conftest import invoke

COMMANDS = [
    "collect",
    "process",
    "train-tokenizer",
    "prepare-data",
    "train",
    "evaluate",
    "finetune",
    "export",
    "generate",
]


def test_the_group_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:")[1].splitlines()[1:]]
    assert listed == COMMANDS  # every command, in the order a model is made


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output and "--" in result.output


def test_evaluate_reports_loss_perplexity_and_the_baseline(trained_run) -> None:
    result = invoke("evaluate", trained_run["run"], "--data", trained_run["data"])
    assert result.exit_code == 0, result.output
    assert "val loss" in result.output and "perplexity" in result.output
    assert "unigram baseline" in result.output


def test_generate_continues_a_prompt_with_corpus_like_text(trained_run) -> None:
    result = invoke(
        "generate",
        trained_run["run"],
        "--prompt",
        "Notes from Maya\n\nMaya",
        "--temperature",
        "0",
        "--max-new-tokens",
        "24",
    )
    assert result.exit_code == 0, result.output
    assert len(result.output.split()) >= 5


def test_train_tokenizer_creates_the_folders_of_its_output(
    corpus_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "new" / "deeper" / "tok.json"
    result = invoke("train-tokenizer", corpus_file, "--out", out, "--vocab-size", "400")
    assert result.exit_code == 0, result.output
    assert out.is_file() and "400 tokens" in result.output


def test_a_missing_input_file_is_named_in_the_error(tmp_path: Path) -> None:
    result = invoke("train-tokenizer", tmp_path / "absent.jsonl", "--out", tmp_path / "t.json")
    assert result.exit_code == 2
    assert "absent.jsonl" in result.output and "does not exist" in result.output


def test_an_unknown_model_config_lists_the_known_ones(trained_run, tmp_path: Path) -> None:
    result = invoke("train", "--data", trained_run["data"], "--out", tmp_path, "--model", "huge")
    assert result.exit_code == 2
    assert "refocused-1.2b" in result.output and "tiny" in result.output


def test_training_on_a_folder_that_is_not_prepared_data_says_what_to_run(tmp_path: Path) -> None:
    result = invoke("train", "--data", tmp_path, "--out", tmp_path / "run")
    assert result.exit_code == 1
    assert "meta.json" in result.output and "prepare-data" in result.output
    assert "Traceback" not in result.output


def test_a_context_shorter_than_the_data_rows_is_refused(
    trained_run, corpus_file: Path, tmp_path: Path
) -> None:
    tokenizer = trained_run["root"] / "tokenizer.json"
    prepared = invoke(
        "prepare-data",
        corpus_file,
        "--tokenizer",
        tokenizer,
        "--out",
        tmp_path / "long",
        "--seq-len",
        "512",
    )
    assert prepared.exit_code == 0, prepared.output

    result = invoke("train", "--data", tmp_path / "long", "--out", tmp_path / "run")

    assert result.exit_code == 1
    assert "exceed" in result.output and "--seq-len" in result.output


def test_an_unsupported_input_file_type_is_named(trained_run, tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"PK")
    result = invoke(
        "prepare-data",
        tmp_path / "notes.docx",
        "--tokenizer",
        trained_run["root"] / "tokenizer.json",
        "--out",
        tmp_path / "out",
    )
    assert result.exit_code == 1
    assert "notes.docx: unsupported file type" in result.output


def test_generate_from_a_folder_without_checkpoints_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke("generate", tmp_path, "--prompt", "hi")
    assert result.exit_code == 1
    assert "neither a checkpoint nor a run folder" in result.output


def test_importing_the_cli_does_not_load_torch() -> None:
    import subprocess
    import sys

    code = "import sys, model, model.cli, model.config; print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
