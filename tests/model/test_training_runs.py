"""Training: it learns the shipped corpus, writes complete checkpoints, and resumes exactly."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
import torch

from model.checkpoints import LocalCheckpointStore, S3CheckpointStore, latest
from model.config import ConfigError
from model.convert import load_pretrained
from model.data.packing import PackedRows
from model.evaluate import evaluate_loss, unigram_baseline
from model.loop import lr_factor
from model.train import TrainConfig, train
from tests.model.conftest import TRAIN_STEPS


def short_run(data: Path, out: Path, **changes) -> TrainConfig:
    options = dict(
        model="tiny",
        batch_size=4,
        grad_accum=2,
        max_steps=6,
        lr=3e-3,
        warmup_steps=2,
        eval_interval=3,
        eval_batches=2,
        checkpoint_interval=3,
        progress=False,
    )
    options.update(changes)
    return TrainConfig(data_dir=data, out_dir=out, **options)


def test_the_tiny_model_beats_the_unigram_baseline_by_far_on_held_out_text(trained_run) -> None:
    data = trained_run["data"]
    model = load_pretrained(trained_run["run"] / latest(LocalCheckpointStore(trained_run["run"])))
    val = PackedRows(data, "val")

    result = evaluate_loss(model, val, batch_size=16)
    baseline = unigram_baseline(PackedRows(data, "train"), val, model.config.vocab_size)

    assert result.tokens > 5_000
    assert result.loss < 0.5 * baseline, (result.loss, baseline)


def test_a_run_folder_holds_checkpoints_a_loss_curve_and_the_tokenizer(trained_run) -> None:
    run = trained_run["run"]
    names = LocalCheckpointStore(run).names()
    assert names == ["step-0000040", f"step-{TRAIN_STEPS:07d}"]
    files = {p.name for p in (run / names[-1]).iterdir()}
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "trainer_state.pt",
        "train_config.json",
        "loss_curve.png",
    } <= files
    assert (run / "loss_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "val loss" in trained_run["outputs"]["train"]


def test_a_resumed_run_reproduces_the_uninterrupted_losses_exactly(
    prepared_data: Path, tmp_path: Path
) -> None:
    whole = train(short_run(prepared_data, tmp_path / "whole"))
    # Resume a fresh run from the first run's mid-way checkpoint, as after a crash.
    shutil.copytree(tmp_path / "whole" / "step-0000003", tmp_path / "resumed" / "step-0000003")
    resumed = train(short_run(prepared_data, tmp_path / "resumed"))

    assert [h["step"] for h in resumed.history] == list(range(1, 7))
    assert [h["loss"] for h in resumed.history] == [h["loss"] for h in whole.history]
    assert resumed.final_val_loss == whole.final_val_loss
    a = load_pretrained(tmp_path / "whole" / "step-0000006").state_dict()
    b = load_pretrained(tmp_path / "resumed" / "step-0000006").state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_a_run_without_resume_starts_over(prepared_data: Path, tmp_path: Path) -> None:
    first = train(short_run(prepared_data, tmp_path, max_steps=3, warmup_steps=1))
    again = train(short_run(prepared_data, tmp_path, max_steps=3, warmup_steps=1), resume=False)
    assert [h["step"] for h in again.history] == [1, 2, 3]
    assert [h["loss"] for h in again.history] == [h["loss"] for h in first.history]


def test_the_learning_rate_warms_up_then_decays_along_a_cosine() -> None:
    config = TrainConfig(data_dir=Path("."), out_dir=Path("."), max_steps=100, warmup_steps=10)
    factors = [lr_factor(s, config.schedule) for s in range(100)]
    assert factors[:10] == sorted(factors[:10]) and factors[9] < 1.0
    assert factors[10] == 1.0
    assert factors[10:] == sorted(factors[10:], reverse=True)
    assert factors[-1] == pytest.approx(config.min_lr_ratio, abs=1e-3)


def test_only_matrices_get_weight_decay() -> None:
    from model.config import get_config
    from model.gpt_neox import GPTNeoXForCausalLM
    from model.loop import build_optimizer

    model = GPTNeoXForCausalLM(get_config("tiny"))
    config = TrainConfig(data_dir=Path("."), out_dir=Path("."))
    decay, no_decay = build_optimizer(model, config.schedule, fused=False).param_groups
    names = {id(p): n for n, p in model.named_parameters()}
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0
    assert all(names[id(p)].endswith("weight") and p.dim() == 2 for p in decay["params"])
    assert {names[id(p)].rsplit(".", 1)[-1] for p in no_decay["params"]} == {"bias", "weight"}
    assert all(p.dim() == 1 for p in no_decay["params"])


def test_a_model_too_small_for_the_tokenizer_is_refused(
    prepared_data: Path, tmp_path: Path
) -> None:
    from model.config import NAMED_CONFIGS, GPTNeoXConfig

    NAMED_CONFIGS["test-minuscule"] = GPTNeoXConfig(
        vocab_size=64, n_layer=1, n_embd=32, n_head=2, intermediate_size=64, block_size=64
    )
    try:
        with pytest.raises(ConfigError, match="tokenizer has"):
            train(short_run(prepared_data, tmp_path, model="test-minuscule"))
    finally:
        del NAMED_CONFIGS["test-minuscule"]


@pytest.mark.aws
def test_checkpoints_round_trip_through_s3_and_a_run_resumes_from_there(
    prepared_data: Path, tmp_path: Path
) -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        client = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        client.create_bucket(Bucket="checkpoints")
        store = S3CheckpointStore("checkpoints", "runs/tiny", client=client)

        whole = train(short_run(prepared_data, tmp_path / "a"), store=store)
        assert store.names() == ["step-0000003", "step-0000006"]
        fetched = store.get("step-0000006", tmp_path / "fetched")
        local = load_pretrained(fetched)
        assert (fetched / "tokenizer.json").is_file() and (fetched / "loss_curve.png").is_file()

        # Another machine resumes from the mid-way checkpoint in the bucket.
        for key in [o["Key"] for o in client.list_objects_v2(Bucket="checkpoints")["Contents"]]:
            if "/step-0000003/" in key:
                target = key.replace("runs/tiny/", "runs/copy/")
                client.copy_object(
                    Bucket="checkpoints",
                    Key=target,
                    CopySource={"Bucket": "checkpoints", "Key": key},
                )
        copy = S3CheckpointStore("checkpoints", "runs/copy", client=client)
        resumed = train(short_run(prepared_data, tmp_path / "b"), store=copy)
        assert [h["loss"] for h in resumed.history] == [h["loss"] for h in whole.history]
        assert torch.equal(
            load_pretrained(copy.get("step-0000006", tmp_path / "f2")).embed_out.weight,
            local.embed_out.weight,
        )
        with pytest.raises(FileNotFoundError):
            store.get("step-0000009", tmp_path / "missing")
    finally:
        server.stop()


def test_resuming_with_another_batch_size_is_refused(prepared_data: Path, tmp_path: Path) -> None:
    train(short_run(prepared_data, tmp_path, max_steps=3, warmup_steps=1))
    with pytest.raises(ConfigError, match="another --batch-size or --grad-accum"):
        train(short_run(prepared_data, tmp_path, max_steps=6, warmup_steps=1, batch_size=8))


def test_resuming_as_another_model_is_refused(prepared_data: Path, tmp_path: Path) -> None:
    from model.config import NAMED_CONFIGS, get_config

    train(short_run(prepared_data, tmp_path, max_steps=2, warmup_steps=1))
    NAMED_CONFIGS["test-deeper"] = get_config("tiny").replace(n_layer=3)
    try:
        with pytest.raises(ConfigError, match="holds another model"):
            train(short_run(prepared_data, tmp_path, max_steps=4, model="test-deeper"))
    finally:
        del NAMED_CONFIGS["test-deeper"]
