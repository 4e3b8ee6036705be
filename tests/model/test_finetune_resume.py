"""Fine-tuning runs that stop and start again, and steps made of several micro-batches: a
resumed run is the run that never stopped, and gradient accumulation is one larger batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from model.config import ConfigError
from model.finetune.lora import ADAPTER_WEIGHTS_FILE, LoRAConfig
from model.finetune.trainer import FinetuneConfig, finetune
from tests.model.conftest import invoke

WORDS = "plan the day then rest and start again with one small task".split()


def write_chats(path: Path, replies: list[str]) -> Path:
    lines = [
        {"instruction": f"Question {n}: what comes next?", "output": reply}
        for n, reply in enumerate(replies)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


@pytest.fixture(scope="module")
def chats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    replies = [" ".join(WORDS[: 2 + n % 9]) + "." for n in range(20)]
    return write_chats(tmp_path_factory.mktemp("resume-data") / "chats.jsonl", replies)


def config(trained_run, data: Path, out: Path, **changes) -> FinetuneConfig:
    options = dict(
        base=trained_run["run"],
        batch_size=4,
        grad_accum=2,
        max_steps=6,
        lr=1e-2,
        warmup_steps=2,
        val_fraction=0.25,
        eval_interval=2,
        checkpoint_interval=3,
        lora=LoRAConfig(dropout=0.1),  # dropout draws random numbers: the resume restores them
        progress=False,
    )
    return FinetuneConfig(data=data, out_dir=out, **options | changes)


def weights(folder: Path) -> dict[str, torch.Tensor]:
    return load_file(str(folder / ADAPTER_WEIGHTS_FILE))


def same_tensors(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.allclose(a[k], b[k], rtol=0, atol=1e-6) for k in a)


def resume_midway(whole_out: Path, out: Path, name: str) -> None:
    """A new run folder holding only the first run's mid-way checkpoint, as after a crash."""
    shutil.copytree(whole_out / name, out / name)


def test_gradient_accumulation_takes_the_step_one_batch_of_all_its_chats_would(
    trained_run, tmp_path: Path
) -> None:
    # Replies of 1, 3, 9 and 27 words: however the chats are split in two, the halves hold
    # different numbers of scored tokens, so a plain mean of the halves' losses would differ.
    replies = [" ".join((WORDS * 3)[:n]) for n in (1, 3, 9, 27)]
    data = write_chats(tmp_path / "four.jsonl", replies)
    # Adam's first step is about lr * sign(gradient), which turns float noise on a gradient
    # near zero into up to 2 * lr: a small lr keeps that under the tolerance.
    one_step = dict(
        max_steps=1, lr=1e-4, val_fraction=0.0, lora=LoRAConfig(dropout=0.0), merge=False
    )

    whole = finetune(
        config(trained_run, data, tmp_path / "b4", batch_size=4, grad_accum=1, **one_step)
    )
    accumulated = finetune(
        config(trained_run, data, tmp_path / "b2x2", batch_size=2, grad_accum=2, **one_step)
    )

    assert accumulated.history[0]["loss"] == pytest.approx(whole.history[0]["loss"], rel=1e-6)
    assert accumulated.history[0]["grad_norm"] == pytest.approx(
        whole.history[0]["grad_norm"], rel=1e-5
    )
    assert same_tensors(weights(accumulated.checkpoint), weights(whole.checkpoint))


def test_a_resumed_lora_run_gives_the_uninterrupted_losses_and_weights(
    trained_run, chats: Path, tmp_path: Path
) -> None:
    whole = finetune(config(trained_run, chats, tmp_path / "whole"))
    resume_midway(tmp_path / "whole", tmp_path / "resumed", "step-0000003")
    resumed = finetune(config(trained_run, chats, tmp_path / "resumed"))

    assert resumed.resumed_from == tmp_path / "resumed" / "step-0000003"
    # 15 training chats in micro-batches of 4: step 3 stopped inside the second epoch.
    assert [h["epoch"] for h in whole.history] == [1, 1, 2, 2, 3, 3]
    assert [h["step"] for h in resumed.history] == list(range(1, 7))
    for key in ("loss", "grad_norm", "lr"):
        assert [h[key] for h in resumed.history] == pytest.approx(
            [h[key] for h in whole.history], rel=1e-6
        )
    assert resumed.final_val_loss == pytest.approx(whole.final_val_loss, rel=1e-6)
    assert same_tensors(weights(resumed.checkpoint), weights(whole.checkpoint))
    merged = load_file(str(tmp_path / "resumed" / "merged" / "model.safetensors"))
    assert same_tensors(merged, load_file(str(whole.merged / "model.safetensors")))


def test_a_resumed_full_run_gives_the_uninterrupted_losses_and_weights(
    trained_run, chats: Path, tmp_path: Path
) -> None:
    full = dict(method="full", lr=3e-3, max_steps=4, checkpoint_interval=2)
    whole = finetune(config(trained_run, chats, tmp_path / "whole", **full))
    resume_midway(tmp_path / "whole", tmp_path / "resumed", "step-0000002")
    resumed = finetune(config(trained_run, chats, tmp_path / "resumed", **full))

    assert resumed.resumed_from is not None
    assert [h["loss"] for h in resumed.history] == pytest.approx(
        [h["loss"] for h in whole.history], rel=1e-6
    )
    a = load_file(str(whole.checkpoint / "model.safetensors"))
    assert same_tensors(load_file(str(resumed.checkpoint / "model.safetensors")), a)


def test_without_resume_a_run_starts_over(trained_run, chats: Path, tmp_path: Path) -> None:
    short = dict(max_steps=2, merge=False)
    first = finetune(config(trained_run, chats, tmp_path, **short))
    again = finetune(config(trained_run, chats, tmp_path, **short), resume=False)

    assert again.resumed_from is None
    assert [h["step"] for h in again.history] == [1, 2]
    assert [h["loss"] for h in again.history] == [h["loss"] for h in first.history]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(lora=LoRAConfig(rank=4, dropout=0.1)), "rank 8 (now 4)"),
        (dict(method="full"), "method 'lora' (now 'full')"),
        (dict(lora=LoRAConfig(targets=("dense",), dropout=0.1)), "targets ("),
        (dict(batch_size=2), "batch_size 4 (now 2)"),
        (dict(base="step-0000040"), "base "),
    ],
)
def test_resuming_with_other_settings_than_the_stored_run_is_refused(
    trained_run, chats: Path, tmp_path: Path, changes: dict, message: str
) -> None:
    finetune(config(trained_run, chats, tmp_path, max_steps=1, merge=False))
    if "base" in changes:
        changes = {"base": trained_run["run"] / changes["base"]}

    with pytest.raises(ConfigError, match="was fine-tuned with") as refused:
        finetune(config(trained_run, chats, tmp_path, max_steps=2, **changes))
    assert message in str(refused.value) and "--no-resume" in str(refused.value)
    assert sorted(p.name for p in tmp_path.glob("step-*")) == ["step-0000001"]


def test_the_command_accumulates_resumes_where_it_stopped_and_refuses_a_changed_run(
    trained_run, chats: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    args = ["finetune", trained_run["run"], "--data", chats, "--out", out, "--batch-size", "4"]
    args += ["--grad-accum", "2", "--eval-interval", "1", "--no-merge"]

    first = invoke(*args, "--max-steps", "2")
    later = invoke(*args, "--max-steps", "3")
    changed = invoke(*args, "--max-steps", "4", "--rank", "2")

    assert first.exit_code == 0 and later.exit_code == 0, first.output + later.output
    assert "step 2 " in first.output and "step 3 " not in first.output
    assert "step 3 " in later.output and "step 2 " not in later.output
    assert f"resumed from {out / 'step-0000002'}" in later.output
    assert changed.exit_code == 1 and "rank 8 (now 2)" in changed.output


def test_a_checkpoint_without_trainer_state_is_not_resumed_silently(
    trained_run, chats: Path, tmp_path: Path
) -> None:
    finetune(config(trained_run, chats, tmp_path, max_steps=1, merge=False))
    (tmp_path / "step-0000001" / "trainer_state.pt").unlink()

    with pytest.raises(ConfigError, match=r"holds no trainer state .* --no-resume"):
        finetune(config(trained_run, chats, tmp_path, max_steps=2))
