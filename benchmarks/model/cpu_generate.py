"""CPU decode speed, batch 1, greedy: ours (static KV cache) against transformers, same weights.

    python benchmarks/model/cpu_generate.py                          # tiny, float32 and bfloat16
    python benchmarks/model/cpu_generate.py --shapes tiny refocused-1.2b

Random weights: speed does not depend on what the weights say. Prints one line per run and,
with --out, writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from model.config import get_config
from model.convert import config_to_hf, to_hf_state_dict
from model.generate import Generator
from model.gpt_neox import GPTNeoXForCausalLM


def ours_runner(model: GPTNeoXForCausalLM, prompt: list[int], new: int) -> Callable[[], list]:
    generator = Generator(model, pad_id=0)
    return lambda: generator.generate([prompt], max_new_tokens=new)[0]


def hf_runner(model: GPTNeoXForCausalLM, prompt: list[int], new: int) -> Callable[[], list]:
    import transformers

    hf_config = transformers.GPTNeoXConfig(**config_to_hf(model.config))
    hf_config._attn_implementation = "sdpa"
    dtype = model.embed_out.weight.dtype
    theirs = transformers.GPTNeoXForCausalLM(hf_config).to(dtype).eval()
    state = to_hf_state_dict(model.state_dict(), head_key="lm_head.weight")
    theirs.load_state_dict(state, assign=True)  # shares our tensors: no second copy in memory
    ids = torch.tensor([prompt])
    options = dict(max_new_tokens=new, min_new_tokens=new, do_sample=False, pad_token_id=0)

    def run() -> list:
        with torch.no_grad():
            return theirs.generate(ids, **options)[0, len(prompt) :].tolist()

    return run


def best_rates(runners: dict[str, Callable[[], list]], new: int, repeats: int):
    """Tokens/s per runner, best of `repeats`, the runners interleaved so that a noisy
    neighbour on the machine slows each of them alike."""
    outputs = {name: run() for name, run in runners.items()}  # warm-up
    best = dict.fromkeys(runners, float("inf"))
    for _ in range(repeats):
        for name, run in runners.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: new / seconds for name, seconds in best.items()}, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=["tiny"])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "bfloat16"])
    parser.add_argument("--prompt-tokens", type=int, default=16)
    parser.add_argument("--new-tokens", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--skip-hf", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=None, help="[default: torch's choice]")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    machine = {
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }
    print(machine, flush=True)
    results: list[dict[str, Any]] = []
    for shape in args.shapes:
        config = get_config(shape)
        torch.manual_seed(0)
        base = GPTNeoXForCausalLM(config).eval()
        prompt = torch.randint(0, config.vocab_size, (args.prompt_tokens,)).tolist()
        for dtype_name in args.dtypes:
            model = base.to(getattr(torch, dtype_name))
            row: dict[str, Any] = {
                "shape": shape,
                "dtype": dtype_name,
                "parameters": model.num_parameters(),
                "new_tokens": args.new_tokens,
            }
            runners = {"ours": ours_runner(model, prompt, args.new_tokens)}
            if not args.skip_hf:
                runners["transformers"] = hf_runner(model, prompt, args.new_tokens)
            rates, outputs = best_rates(runners, args.new_tokens, args.repeats)
            row.update({f"{name}_tokens_per_s": rate for name, rate in rates.items()})
            if not args.skip_hf:
                row["same_greedy_tokens"] = outputs["ours"] == outputs["transformers"]
            print(row, flush=True)
            results.append(row)
        del base, model
    if args.out:
        args.out.write_text(json.dumps({"machine": machine, "runs": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
