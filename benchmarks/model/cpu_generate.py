"""CPU serving, as the ai-handler Lambda runs it (no GPU): a bundle's size, load time, time to
first token and decode speed, batch 1, float32 compute.

    python benchmarks/model/cpu_generate.py                                  # tiny
    python benchmarks/model/cpu_generate.py --shapes tiny refocused-1.2b --new-tokens 32

Per shape: random weights saved as a checkpoint, exported as a bf16 and an int8 bundle
(`model.bundle.export`), each loaded by `model.api.load` as a service loads it (checksums
verified, int8 dequantised to float32; verify_s is the checksums' share of load_s), then a
16-token prompt decoded greedily for --new-tokens with the static KV cache (no stop token, so
every run decodes the same count). Random weights: speed does not depend on what the weights
say. One line per run; --out writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from model.api import load
from model.bundle.export import export_bundle
from model.bundle.manifest import verify_bundle
from model.config import get_config
from model.convert import WEIGHTS_FILE, save_pretrained
from model.corpus.build import CORPUS_FILE
from model.generate import Generator
from model.gpt_neox import GPTNeoXForCausalLM
from model.tokenizer import Tokenizer


def make_checkpoint(shape: str, folder: Path) -> Path:
    torch.manual_seed(0)
    save_pretrained(GPTNeoXForCausalLM(get_config(shape)), folder)
    texts = [json.loads(line)["text"] for line in CORPUS_FILE.read_text().splitlines()]
    Tokenizer.train(texts, vocab_size=1024).save(folder)
    return folder


def timed_decode(generator: Generator, prompt: list[int], new: int) -> tuple[float, float]:
    """(seconds to the first token, tokens per second after it)."""
    started = time.perf_counter()
    first = None
    for _ in generator.stream([prompt], max_new_tokens=new):
        first = first or time.perf_counter()
    assert first is not None
    return first - started, (new - 1) / (time.perf_counter() - first)


def measure(checkpoint: Path, work: Path, dtype: str, prompt: list[int], new: int) -> dict:
    bundle = work / f"bundle-{dtype}"
    started = time.perf_counter()
    export_bundle(checkpoint, bundle, dtype=dtype)
    export_s = time.perf_counter() - started
    started = time.perf_counter()
    verify_bundle(bundle)  # on its own, to show its share of the load below, which repeats it
    verify_s = time.perf_counter() - started
    started = time.perf_counter()
    lm = load(bundle, device="cpu", dtype=torch.float32)
    load_s = time.perf_counter() - started
    generator = Generator(lm.model, pad_id=lm.tokenizer.pad_id)
    timed_decode(generator, prompt, 2)  # warm-up: allocates the KV cache
    ttft, rate = timed_decode(generator, prompt, new)
    row = {
        "bundle": dtype,
        "bundle_mb": round((bundle / WEIGHTS_FILE).stat().st_size / 1e6, 1),
        "export_s": round(export_s, 1),
        "verify_s": round(verify_s, 2),
        "load_s": round(load_s, 2),
        "first_token_s": round(ttft, 3),
        "decode_tokens_per_s": round(rate, 2),
    }
    del lm, generator
    shutil.rmtree(bundle)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=["tiny"])
    parser.add_argument("--dtypes", nargs="+", default=["bf16", "int8"])
    parser.add_argument("--prompt-tokens", type=int, default=16)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=None, help="[default: torch's choice]")
    parser.add_argument("--work", type=Path, default=None, help="[default: a temporary folder]")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    machine = {
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "load_average": os.getloadavg(),
    }
    print(machine, flush=True)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(dir=args.work) as temporary:
        for shape in args.shapes:
            work = Path(temporary) / shape
            started = time.perf_counter()
            checkpoint = make_checkpoint(shape, work / "checkpoint")
            float32_mb = (checkpoint / WEIGHTS_FILE).stat().st_size / 1e6
            print(f"{shape}: float32 checkpoint {float32_mb:.1f} MB "
                  f"made in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
            prompt = torch.randint(0, 1024, (args.prompt_tokens,)).tolist()
            for dtype in args.dtypes:
                row = {"shape": shape, "new_tokens": args.new_tokens}
                row |= measure(checkpoint, work, dtype, prompt, args.new_tokens)
                row["load_average"] = round(os.getloadavg()[0], 1)
                print(row, flush=True)
                runs.append(row)
            shutil.rmtree(work)
    if args.out:
        args.out.write_text(json.dumps({"machine": machine, "runs": runs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
