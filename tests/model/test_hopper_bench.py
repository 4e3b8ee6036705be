"""benchmarks/model/hopper_bench.py compares like with like before it first runs on a GPU: the
same weights and batch for both models (first-step losses compared), several timed windows and
repeats with their spread, the same decoding for both, and compiled runs that fail loudly when
they broke their graph. Its --smoke run (tiny shape, CPU) is what runs here."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from model.config import get_config
from model.gpt_neox import GPTNeoXForCausalLM

pytest.importorskip("transformers")

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "model" / "hopper_bench.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("hopper_bench", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def test_the_smoke_run_compares_like_with_like_and_reports_the_spread(tmp_path: Path) -> None:
    out = tmp_path / "results"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(out.with_suffix(".json").read_text())

    assert results["problems"] == []
    training = results["training"]
    ours, theirs = training["ours_eager"], training["transformers_eager"]
    assert theirs["use_cache"] is False
    # Same initial weights, same batch: the same loss before any update.
    assert abs(theirs["first_step_loss"] - ours["first_step_loss"]) < 1e-4
    for run in (ours, theirs):
        spread = run["tokens_per_s_spread"]
        assert run["windows"] == 3 and len(spread["values"]) == 3
        assert spread["min"] <= run["tokens_per_s"] == spread["median"] <= spread["max"]
    decode = results["decode"]
    variants = [
        "ours_eager_static_cache",
        "transformers_dynamic_cache",
        "transformers_static_cache_eager",
    ]
    for name in variants:
        assert decode[name]["repeats"] == 3, name
        assert len(decode[name]["tokens_per_s_spread"]["values"]) == 3, name
    for name in variants[1:]:
        assert decode[name]["greedy_tokens_equal_to_ours_eager"] == decode["new_tokens"], name
    table = out.with_suffix(".md").read_text()
    assert "min-max" in table and "first-step loss" in table
    assert "transformers_static_cache_eager" in table


def tiny_model(seed: int) -> GPTNeoXForCausalLM:
    torch.manual_seed(seed)
    return GPTNeoXForCausalLM(get_config("tiny"))


def train_figures(name: str, model, *, compile_model: bool = False) -> dict:
    ids = torch.randint(0, 1024, (2, 32), generator=torch.Generator().manual_seed(1))
    return bench.bench_training(
        name,
        model,
        ids,
        steps=1,
        windows=2,
        device=torch.device("cpu"),
        compile_model=compile_model,
        bf16=False,
        backend="eager",
    )


def test_a_twin_that_does_not_compute_the_same_loss_fails_loudly() -> None:
    ours = tiny_model(0)
    same = bench.hf_twin(tiny_model(0), use_cache=False)
    other = bench.hf_twin(tiny_model(1), use_cache=False)
    training = {
        "ours_eager": train_figures("ours_eager", ours),
        "transformers_eager": train_figures("transformers_eager", same),
        "transformers_other_weights": train_figures("transformers_other_weights", other),
    }

    problems = bench.loss_problems(training, "ours_eager", "float32")

    assert len(problems) == 1 and problems[0].startswith("transformers_other_weights:")
    assert "first-step loss" in problems[0]
    assert abs(training["transformers_eager"]["first_step_loss_diff"]) < 1e-4


class GraphBreaking(GPTNeoXForCausalLM):
    def forward(self, input_ids, labels=None, **kwargs):
        torch._dynamo.graph_break()
        return super().forward(input_ids, labels, **kwargs)


def test_a_compiled_run_that_broke_its_graph_fails_loudly_and_the_next_run_starts_clean() -> None:
    torch.manual_seed(0)
    breaking = train_figures("breaking", GraphBreaking(get_config("tiny")), compile_model=True)
    clean = train_figures("clean", tiny_model(0), compile_model=True)

    assert breaking["compile"]["graph_breaks"] > 0
    assert any("broke its graph" in p for p in breaking["problems"])
    # torch._dynamo.reset() between runs: the clean run counts its own graphs only.
    assert clean["compile"]["graph_breaks"] == 0 and clean["problems"] == []
    assert clean["compile"]["frames_compiled"] >= 1


def test_decode_runs_the_same_greedy_steps_for_both_without_a_stop_token() -> None:
    ours = tiny_model(0).eval()
    with torch.no_grad():
        # Token 2, transformers' default end-of-sequence id, is the model's every choice: the
        # final LayerNorm puts out ones whatever it reads, and only row 2 of the head likes them.
        ours.gpt_neox.final_layer_norm.weight.zero_()
        ours.gpt_neox.final_layer_norm.bias.fill_(1.0)
        ours.embed_out.weight[2] = 1.0
    prompt = [5, 6, 7, 8]

    ours_run = bench.bench_decode_ours(ours, prompt, 8, compile_step=False, repeats=2)
    theirs = bench.hf_twin(ours).eval()
    dynamic = bench.bench_decode_hf(
        theirs, prompt, 8, static_cache=False, compile_step=False, repeats=2
    )
    static = bench.bench_decode_hf(
        theirs, prompt, 8, static_cache=True, compile_step=False, repeats=2
    )

    assert ours_run["tokens"] == [2] * 8
    assert dynamic["tokens"] == static["tokens"] == [2] * 8  # neither stopped nor blocked
    for run in (ours_run, dynamic, static):
        assert run["repeats"] == 2 and len(run["tokens_per_s_spread"]["values"]) == 2


def test_compiling_during_the_timed_part_fails_loudly() -> None:
    warm = {"graph_breaks": 0, "frames_compiled": 0, "unique_graphs": 1, "cudagraph_skips": 0}
    after = {**warm, "unique_graphs": 2, "graph_break_reasons": [], "recompile_reasons": []}

    problems = bench.compile_problems("decode", warm, after)

    assert problems == [
        "decode: 1 graphs were compiled during the timed part (no guard failure recorded)"
    ]
