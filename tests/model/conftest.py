"""Shared model fixtures: the shipped corpus, a tokenizer and prepared data built from it once
per session, and one tiny model trained on it through the CLI (as a user would)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from model.corpus.build import CORPUS_FILE
from model.tokenizer import Tokenizer

TINY_VOCAB = 1024
SEQ_LEN = 64
TRAIN_STEPS = 80


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    """The test models' matrices are too small to share: two threads mostly wait on each other,
    and on a busy 2-core machine training and generation ran several times slower with them."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def corpus_file() -> Path:
    return CORPUS_FILE


@pytest.fixture(scope="session")
def corpus_texts(corpus_file: Path) -> list[str]:
    return [json.loads(line)["text"] for line in corpus_file.read_text().splitlines()]


@pytest.fixture(scope="session")
def tokenizer(corpus_texts: list[str]) -> Tokenizer:
    return Tokenizer.train(corpus_texts, vocab_size=TINY_VOCAB)


@pytest.fixture(scope="session")
def prepared_data(tmp_path_factory: pytest.TempPathFactory, corpus_texts, tokenizer) -> Path:
    from model.data.packing import prepare

    folder = tmp_path_factory.mktemp("prepared")
    prepare(corpus_texts, tokenizer, folder, seq_len=SEQ_LEN, val_fraction=0.1, seed=0)
    return folder


def invoke(*args: str):
    from model.cli import model_cli

    return CliRunner().invoke(model_cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory: pytest.TempPathFactory, corpus_file: Path) -> dict[str, Path]:
    """Tokenizer, data and a tiny model trained through `refocused model ...` commands."""
    root = tmp_path_factory.mktemp("cli-run")
    steps = [
        (
            "train-tokenizer",
            corpus_file,
            "--out",
            root / "tokenizer.json",
            "--vocab-size",
            TINY_VOCAB,
        ),
        (
            "prepare-data",
            corpus_file,
            "--tokenizer",
            root / "tokenizer.json",
            "--out",
            root / "data",
            "--seq-len",
            SEQ_LEN,
            "--val-fraction",
            "0.1",
        ),
        (
            "train",
            "--data",
            root / "data",
            "--out",
            root / "run",
            "--model",
            "tiny",
            "--batch-size",
            "8",
            "--max-steps",
            TRAIN_STEPS,
            "--eval-interval",
            "40",
            "--checkpoint-interval",
            "40",
        ),
    ]
    outputs = {}
    for command, *args in steps:
        result = invoke(command, *args)
        assert result.exit_code == 0, result.output
        outputs[command] = result.output
    return {"root": root, "data": root / "data", "run": root / "run", "outputs": outputs}
