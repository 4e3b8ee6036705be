"""`refocused model train` as a person runs it: Ctrl-C keeps the work done, a rerun says where it
resumes (or that nothing is left), and progress reads well in a terminal and in a log."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import torch

from model.loop import STATE_FILE
from tests.model.conftest import invoke

ROOT = Path(__file__).resolve().parents[2]
CLI = "from model.cli import model_cli; model_cli()"


def train_args(data: Path, out: Path, max_steps: int, *extra: str) -> list[str]:
    return [
        "train",
        "--data",
        str(data),
        "--out",
        str(out),
        "--batch-size",
        "2",
        "--max-steps",
        str(max_steps),
        "--warmup-steps",
        "0",
        *extra,
    ]


def cli_env() -> dict[str, str]:
    # One thread: the tiny model gains nothing from two, and the machine is shared.
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}


def interrupt_at_step(args: list[str], step: int) -> tuple[subprocess.Popen[str], str]:
    """Runs the CLI and presses Ctrl-C once it reports `step`; the process and all it printed."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=cli_env(),
    )
    lines = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith(f"step {step}/"):
                process.send_signal(signal.SIGINT)
                break
        lines += process.stdout.readlines()
        process.wait(timeout=120)
    finally:
        process.kill()
    return process, "".join(lines)


def test_ctrl_c_stops_at_a_step_boundary_with_a_checkpoint_and_the_rerun_resumes_there(
    prepared_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    args = train_args(prepared_data, out, 100_000, "--eval-interval", "100000")
    args += ["--checkpoint-interval", "100000", "--log-every", "0"]
    process, output = interrupt_at_step(args, 3)

    assert process.returncode == 130, output
    progress = [int(m) for m in re.findall(r"^step (\d+)/100000 ", output, re.M)]
    last = progress[-1]
    checkpoint = out / f"step-{last:07d}"
    assert (
        f"stopped at step {last}; checkpoint written to {checkpoint}; "
        "rerun the same command to resume"
    ) in output
    assert "Traceback" not in output
    assert sorted(p.name for p in out.glob("step-*")) == [checkpoint.name]
    state = torch.load(checkpoint / STATE_FILE, weights_only=False)
    assert state["step"] == last and [h["step"] for h in state["history"]] == progress

    resumed = invoke(*train_args(prepared_data, out, last + 2))

    assert resumed.exit_code == 0, resumed.output
    assert f"resuming from checkpoint {checkpoint.name}: {last} of {last + 2} steps done" in (
        resumed.output
    )
    state = torch.load(out / f"step-{last + 2:07d}" / STATE_FILE, weights_only=False)
    assert [h["step"] for h in state["history"]] == [*progress, last + 1, last + 2]


def test_a_finished_run_rerun_says_it_is_already_complete(
    prepared_data: Path, tmp_path: Path
) -> None:
    first = invoke(*train_args(prepared_data, tmp_path, 2))
    assert first.exit_code == 0, first.output
    assert "resuming" not in first.output
    assert f"finished step 2 of 2; checkpoint: {tmp_path / 'step-0000002'}" in first.output

    again = invoke(*train_args(prepared_data, tmp_path, 2))

    assert again.exit_code == 0, again.output
    assert "None" not in again.output
    assert f"already complete: {tmp_path / 'step-0000002'} is step 2 of --max-steps 2" in (
        again.output
    )
    assert "raise --max-steps" in again.output and "--no-resume" in again.output


def test_without_a_terminal_progress_is_a_plain_line_at_the_first_step_and_then_periodic(
    prepared_data: Path, tmp_path: Path
) -> None:
    every_step = invoke(*train_args(prepared_data, tmp_path / "a", 4, "--log-every", "0"))
    assert every_step.exit_code == 0, every_step.output
    lines = [line for line in every_step.output.splitlines() if re.match(r"step \d+/4 ", line)]
    assert [line.split()[1] for line in lines] == ["1/4", "2/4", "3/4", "4/4"]
    assert re.fullmatch(
        r"step 1/4 \(25%\): loss \d+\.\d{4}, [\d,]+ tokens/s, ETA (\d+m )?\d+s", lines[0]
    ), lines[0]
    assert lines[-1].endswith("ETA 0s")

    # With the default 30 s between lines, a short run logs its first and last steps only.
    default = invoke(*train_args(prepared_data, tmp_path / "b", 4))
    steps = re.findall(r"^step (\d+)/4 ", default.output, re.M)
    assert steps == ["1", "4"], default.output


def test_in_a_terminal_evaluation_lines_never_land_on_the_progress_bar(
    prepared_data: Path, tmp_path: Path
) -> None:
    args = train_args(prepared_data, tmp_path, 6, "--eval-interval", "2")
    # Both streams on one pseudo-terminal of 120 x 40, as in a person's shell.
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=cli_env(),
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the follower side closed: the run ended
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif process.poll() is not None:
                break
        process.wait(timeout=30)
    finally:
        process.kill()
        os.close(leader)
    screen = b"".join(chunks).decode(errors="replace")

    assert process.returncode == 0, screen
    evaluations = [m.start() for m in re.finditer(r"step \d: train loss", screen)]
    assert len(evaluations) == 3, screen
    for start in evaluations:
        # Each line starts on a line of its own: after a newline, or after the bar was erased.
        assert screen[start - 1] in "\r\n", repr(screen[max(0, start - 80) : start + 20])
    assert "| 6/6 [" in screen  # there is a bar


def test_ctrl_c_stops_a_finetune_run_with_a_checkpoint_that_the_rerun_resumes(
    trained_run, tmp_path: Path
) -> None:
    turns = [[("user", f"Plan {n}"), ("assistant", f"{n}.")] for n in range(8)]
    chats = [{"messages": [{"role": r, "content": c} for r, c in turn]} for turn in turns]
    data = tmp_path / "chats.jsonl"
    data.write_text("".join(json.dumps(chat) + "\n" for chat in chats))
    out = tmp_path / "finetuned"
    args = ["finetune", str(trained_run["run"]), "--data", str(data), "--out", str(out)]
    args += ["--batch-size", "2", "--max-steps", "100000", "--log-every", "0"]
    process, output = interrupt_at_step(args, 2)

    assert process.returncode == 130, output
    last = int(re.findall(r"^step (\d+)/100000 ", output, re.M)[-1])
    checkpoint = out / f"step-{last:07d}"
    assert (
        f"stopped at step {last}; checkpoint written to {checkpoint}; "
        "rerun the same command to resume"
    ) in output
    assert not (out / "merged").exists()  # a stopped run is not merged

    resumed = invoke(*args[:6], "--batch-size", "2", "--max-steps", str(last + 1))

    assert resumed.exit_code == 0, resumed.output
    resuming = f"resuming from checkpoint {checkpoint}: {last} of {last + 1} steps done"
    assert resuming in resumed.output
    assert (out / f"step-{last + 1:07d}").is_dir() and (out / "merged").is_dir()
