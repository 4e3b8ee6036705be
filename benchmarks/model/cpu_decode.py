"""CPU decode (issue 18): ours in each serving dtype against transformers' GPTNeoXForCausalLM
in bf16, same weights, same process, interleaved; with each variant's quality cost against
float32, the int8 bundle's cold start (checksums + load) and the first-token time.

    flock /work/notes/bench.lock python benchmarks/model/cpu_decode.py                # 1.2b
    python benchmarks/model/cpu_decode.py --shape tiny --rounds 2                     # smoke

Batch 1, a --prompt-tokens prompt, --new-tokens greedy tokens with no stop token, --threads
threads. Variants: transformers bf16 (`generate`, its dynamic cache, SDPA); ours float32 (the
CPU default before issue 18); ours bf16; ours int8 (an int8 bundle as `model.api.load` serves
it on a CPU with bf16 instructions: int8 weight-only matmuls, bf16 activations). Ours decode
eagerly (no torch.compile). Every round runs every variant once, in a rotated order; reported
are the median and the min / max over rounds. tokens/s counts the tokens after the first over
the time after the first (decode); first_token_s is the prompt's forward and the first token.

Quality: float32's greedy continuation is scored by each variant in one forward (teacher
forced); max |logit - float32 logit| and the share of positions whose top-1 token is float32's.
Random weights (init as in training): the figures are the numerical cost of each dtype, not a
statement about a trained model's text.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.machine import describe
from model.api import load_bundle
from model.bundle.manifest import FORMAT, FORMAT_VERSION, MANIFEST_FILE, describe_files
from model.bundle.weights import to_bundle_state
from model.config import get_config
from model.convert import CONFIG_FILE, WEIGHTS_FILE, config_to_hf, to_hf_state_dict
from model.corpus.build import CORPUS_FILE
from model.generate import Generator
from model.gpt_neox import GPTNeoXForCausalLM
from model.quant import cpu_has_bf16, serving_dtype
from model.tokenizer import TOKENIZER_FILE, Tokenizer

Runner = Callable[[], tuple[list[int], float, float]]  # tokens, first-token s, decode tok/s


def write_int8_bundle(model: GPTNeoXForCausalLM, folder: Path) -> None:
    """What `refocused model export --dtype int8` writes, from a model in memory."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True)
    state = to_bundle_state(model.state_dict(), "int8")
    save_file(state, str(folder / WEIGHTS_FILE), metadata={"format": "pt", "dtype": "int8"})
    (folder / CONFIG_FILE).write_text(json.dumps(config_to_hf(model.config)))
    texts = [json.loads(line)["text"] for line in CORPUS_FILE.read_text().splitlines()]
    Tokenizer.train(texts[:200], vocab_size=512).save(folder)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "dtype": "int8",
        "files": describe_files(folder, [WEIGHTS_FILE, CONFIG_FILE, TOKENIZER_FILE]),
    }
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))


def ours(model: GPTNeoXForCausalLM, prompt: list[int], new: int) -> Runner:
    generator = Generator(model, pad_id=0)

    def run() -> tuple[list[int], float, float]:
        tokens: list[int] = []
        started = time.perf_counter()
        first = 0.0
        for step in generator.stream([prompt], max_new_tokens=new):
            tokens.append(int(step[0]))  # type: ignore[arg-type]
            first = first or time.perf_counter()
        end = time.perf_counter()
        return tokens, first - started, (new - 1) / (end - first)

    return run


def transformers_bf16(
    model: GPTNeoXForCausalLM, prompt: list[int], new: int
) -> tuple[Runner, torch.nn.Module]:
    import transformers
    from transformers.generation.streamers import BaseStreamer

    hf_config = transformers.GPTNeoXConfig(**config_to_hf(model.config))
    hf_config._attn_implementation = "sdpa"
    with torch.device("meta"):
        theirs = transformers.GPTNeoXForCausalLM(hf_config)
    state = to_hf_state_dict(model.state_dict(), head_key="lm_head.weight")
    theirs.load_state_dict(state, assign=True)  # shares the bf16 model's tensors
    rotary = theirs.gpt_neox.rotary_emb  # its inv_freq buffer is derived, not in the state
    theirs.gpt_neox.rotary_emb = type(rotary)(config=hf_config)
    theirs.eval()
    ids = torch.tensor([prompt])

    class Clock(BaseStreamer):
        def __init__(self) -> None:
            self.times: list[float] = []

        def put(self, value: Any) -> None:
            self.times.append(time.perf_counter())

        def end(self) -> None:
            pass

    def run() -> tuple[list[int], float, float]:
        clock = Clock()
        started = time.perf_counter()
        with torch.no_grad():
            out = theirs.generate(
                ids,
                max_new_tokens=new,
                min_new_tokens=new,
                do_sample=False,
                pad_token_id=0,
                streamer=clock,
            )
        first, end = clock.times[1], clock.times[-1]  # times[0] is the prompt
        return out[0, len(prompt) :].tolist(), first - started, (new - 1) / (end - first)

    return run, theirs


def quality(
    model: torch.nn.Module, reference: torch.Tensor, ids: torch.Tensor, prompt_len: int
) -> dict[str, float]:
    with torch.no_grad():
        out = model(ids)
    logits = (out.logits if hasattr(out, "logits") else out[0])[0, prompt_len - 1 : -1].float()
    return {
        "max_logit_diff": round((logits - reference).abs().max().item(), 4),
        "top1_agreement": round(
            (logits.argmax(-1) == reference.argmax(-1)).float().mean().item(), 4
        ),
    }


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


@dataclass
class Rounds:
    """What the timed rounds measured, per variant name; `loads` is the load average per round."""

    rates: dict[str, list[float]]
    firsts: dict[str, list[float]]
    tokens: dict[str, list[int]]
    loads: list[float]


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    print(f"machine: {describe()}; torch {torch.__version__}, {args.threads} threads", flush=True)
    print(f"cpu bf16 instructions: {cpu_has_bf16()}; serving dtype: {serving_dtype('cpu')}")
    print(f"load average at start: {os.getloadavg()}", flush=True)

    torch.manual_seed(0)
    float32 = GPTNeoXForCausalLM(get_config(args.shape)).eval()
    prompt = torch.randint(0, 512, (args.prompt_tokens,)).tolist()
    new = args.new_tokens
    int8, bundle_mb, cold_start_s = serve_int8(float32)
    bf16 = GPTNeoXForCausalLM(float32.config)
    bf16.load_state_dict(float32.state_dict())
    bf16 = bf16.to(torch.bfloat16).eval()
    print(
        f"int8 bundle {bundle_mb:.0f} MB: checksums + load {cold_start_s:.1f} s "
        f"(file in the page cache); served as {int8.gpt_neox.embed_in.weight.dtype}, "
        f"head {type(int8.embed_out).__name__}",
        flush=True,
    )

    hf_run, hf_model = transformers_bf16(bf16, prompt, new)
    runners: dict[str, Runner] = {
        "transformers bf16": hf_run,
        "ours float32": ours(float32, prompt, new),
        "ours bf16": ours(bf16, prompt, new),
        "ours int8 (serving default)": ours(int8, prompt, new),
    }
    rounds = timed_rounds(runners, args.rounds)
    models = {"transformers bf16": hf_model, "ours bf16": bf16, "ours int8 (serving default)": int8}
    rows = variant_rows(rounds, float32, models, prompt)
    uptime = os.popen("uptime").read().strip()  # noqa: S605
    print(f"uptime at end: {uptime}")
    record = {
        "machine": describe(),
        "torch": torch.__version__,
        "threads": args.threads,
        "shape": args.shape,
        "started_at": started_at,
        "load_average_per_round": rounds.loads,
        "uptime_at_end": uptime,
        "int8_bundle_mb": round(bundle_mb),
        "int8_cold_start_s": round(cold_start_s, 2),
        "variants": rows,
    }
    if args.out:
        args.out.write_text(json.dumps(record, indent=2) + "\n")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="refocused-1.2b")
    parser.add_argument("--prompt-tokens", type=int, default=32)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    return parser.parse_args()


def serve_int8(float32: GPTNeoXForCausalLM) -> tuple[GPTNeoXForCausalLM, float, float]:
    """The model as the server loads its int8 bundle: (model, bundle MB, cold start s)."""
    with tempfile.TemporaryDirectory() as temporary:
        bundle = Path(temporary) / "bundle-int8"
        write_int8_bundle(float32, bundle)
        bundle_mb = (bundle / WEIGHTS_FILE).stat().st_size / 1e6
        gc.collect()
        t0 = time.perf_counter()
        served = load_bundle(bundle, device="cpu")  # checksums, then int8 weights kept int8
        cold_start_s = time.perf_counter() - t0
    return served.model, bundle_mb, cold_start_s


def timed_rounds(runners: dict[str, Runner], count: int) -> Rounds:
    """One warm-up of every variant, then `count` rounds of each, in a rotated order."""
    for run in runners.values():  # warm-up: caches allocated, kernels loaded
        run()
    names = list(runners)
    rounds = Rounds({n: [] for n in names}, {n: [] for n in names}, {}, [])
    for r in range(count):
        rounds.loads.append(os.getloadavg()[0])
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            rounds.tokens[name], first, rate = runners[name]()
            rounds.rates[name].append(rate)
            rounds.firsts[name].append(first)
        line = ", ".join(f"{n} {rounds.rates[n][-1]:.2f}" for n in names)
        print(f"round {r + 1} (load {rounds.loads[-1]:.1f}): {line}", flush=True)
    return rounds


def variant_rows(
    rounds: Rounds,
    float32: GPTNeoXForCausalLM,
    models: dict[str, torch.nn.Module],
    prompt: list[int],
) -> list[dict[str, Any]]:
    """One row per variant: speed against transformers bf16, quality against float32."""
    ids = torch.tensor([prompt + rounds.tokens["ours float32"]])
    with torch.no_grad():
        reference = float32(ids)[0][0, len(prompt) - 1 : -1].float()
    base = statistics.median(rounds.rates["transformers bf16"])
    rows = []
    for name, rates in rounds.rates.items():
        row: dict[str, Any] = {
            "variant": name,
            "tokens_per_s": summary(rates),
            "vs_transformers_bf16": round(statistics.median(rates) / base, 2),
            "first_token_s": summary(rounds.firsts[name]),
            "same_greedy_tokens_as_float32": rounds.tokens[name] == rounds.tokens["ours float32"],
        }
        if name in models:
            row |= quality(models[name], reference, ids, len(prompt))
        rows.append(row)
        print(row, flush=True)
    return rows


if __name__ == "__main__":
    main()
