"""The whole pipeline of the seed document, as a person runs it from a shell:
collect -> process -> train-tokenizer -> prepare-data -> train -> finetune -> export -> serve.

Each stage has its own tests; this one checks that each stage's output is the next one's input,
and that a document's provenance survives from collection to the curated splits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.api import load_bundle
from model.corpus.build import CORPUS_FILE
from tests.model.collect.conftest import ReplayServer, read_jsonl
from tests.model.conftest import invoke

SPLITS = ("train", "validation", "test")


def run(*args: object) -> str:
    result = invoke(*map(str, args))
    assert result.exit_code == 0, f"{args[0]} failed: {result.output}"
    return result.output


def test_collected_text_becomes_a_served_assistant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFOCUSED_COLLECT_CONTACT", "ops@example.org")
    raw, curated, work = tmp_path / "raw", tmp_path / "curated", tmp_path / "work"

    with ReplayServer() as replay:
        fast = ("--interval", "0")
        run("collect", "wikipedia", "--out", raw, "--base-url", f"{replay.url}/w/api.php", *fast)
        run("collect", "reddit", "--subreddit", "productivity", "--out", raw,
            "--base-url", replay.url, *fast)  # fmt: skip
    run("collect", "local", CORPUS_FILE, "--out", raw, "--licence", "CC0-1.0")
    collected = {r["id"]: r for f in raw.glob("*.jsonl") for r in read_jsonl(f)}
    assert {r["source"] for r in collected.values()} == {"wikipedia", "reddit", "local"}

    run("process", raw, "--out", curated)
    report = json.loads((curated / "report.json").read_text())
    curated_docs = [r for split in SPLITS for r in read_jsonl(curated / f"{split}.jsonl")]
    assert len(curated_docs) == report["documents_out"] > 0
    for doc in curated_docs:  # provenance travels unchanged; only the text is normalised
        original = collected[doc["id"]]
        for key in ("source", "url", "licence", "fetched_at"):
            assert doc[key] == original[key]
    assert {d["source"] for d in curated_docs} >= {"local", "wikipedia"}

    train_file, val_file = curated / "train.jsonl", curated / "validation.jsonl"
    run("train-tokenizer", train_file, "--out", work / "tokenizer.json", "--vocab-size", 1024)
    run("prepare-data", train_file, val_file, "--tokenizer", work / "tokenizer.json",
        "--out", work / "data", "--seq-len", 64, "--val-fraction", "0.1")  # fmt: skip
    run("train", "--data", work / "data", "--out", work / "run", "--model", "tiny",
        "--max-steps", 20, "--eval-interval", 20, "--checkpoint-interval", 20)  # fmt: skip

    instructions = tmp_path / "instructions.jsonl"
    instructions.write_text(
        "".join(
            json.dumps({"instruction": f"How long is focus block {i}?", "output": f"{i} minutes."})
            + "\n"
            for i in range(10, 30)
        )
    )
    run("finetune", work / "run", "--data", instructions, "--out", work / "ft",
        "--max-steps", 10, "--batch-size", 4)  # fmt: skip
    run("export", work / "ft" / "merged", "--out", work / "bundle", "--dtype", "int8")

    manifest = json.loads((work / "bundle" / "manifest.json").read_text())
    assert manifest["dtype"] == "int8" and "model.safetensors" in manifest["files"]
    lm = load_bundle(work / "bundle", device="cpu")
    assert lm.tokenizer.vocab_size <= 1024  # the pipeline's own tokenizer, not another model's
    reply = lm.chat(
        [{"role": "user", "content": "How long is focus block 12?"}],
        max_new_tokens=8,
        temperature=0,
    )
    assert isinstance(reply, str)
