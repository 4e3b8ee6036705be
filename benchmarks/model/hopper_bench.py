"""One run on an H100 / H200 that checks our GPT-NeoX and times it against transformers'.

    python benchmarks/model/hopper_bench.py                 # refocused-1.2b shape, a few minutes
    python benchmarks/model/hopper_bench.py --smoke         # tiny shape, runs anywhere (CPU too)

Both models are randomly initialised at the same shape. It measures, in this order:
  1. the card: bf16 matmul TFLOP/s (8192^3) and device copy bandwidth;
  2. checks: our logits against transformers' with the same weights (float32 and bf16), and
     compiled decode against eager decode;
  3. training tokens/s and MFU at batch 8 x 2048 (bf16 autocast, fused AdamW): ours compiled,
     transformers eager and compiled;
  4. batch-1 decode tokens/s (16-token prompt, 256 new tokens, greedy, bf16 weights): ours with
     a static KV cache and torch.compile (CUDA graphs), ours eager, transformers' dynamic cache;
     against the ceiling weight bytes / copy bandwidth.
Figures go to --out as JSON and Markdown. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from model.config import GPTNeoXConfig, get_config
from model.convert import config_to_hf, to_hf_state_dict
from model.generate import Generator
from model.gpt_neox import GPTNeoXForCausalLM

DATASHEET_BF16_TFLOPS = {"H100": 989.0, "H200": 989.0}


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(fn, device: torch.device, repeats: int) -> float:
    """Seconds per call, best of `repeats` after one warm-up call."""
    fn()
    sync(device)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync(device)
        best = min(best, time.perf_counter() - start)
    return best


def free_memory() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def measure_card(device: torch.device, smoke: bool) -> dict[str, float]:
    n = 512 if smoke else 8192
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    matmul_s = timed(lambda: a @ b, device, 3 if smoke else 10)
    size = (16 if smoke else 2048) * 2**20
    src = torch.empty(size, dtype=torch.uint8, device=device)
    dst = torch.empty_like(src)
    copy_s = timed(lambda: dst.copy_(src), device, 3 if smoke else 20)
    return {
        "matmul_n": n,
        "matmul_dtype": str(dtype).removeprefix("torch."),
        "matmul_tflops": 2 * n**3 / matmul_s / 1e12,
        # A copy reads and writes every byte.
        "copy_gb_per_s": 2 * size / copy_s / 1e9,
    }


def hf_twin(ours: GPTNeoXForCausalLM):
    import transformers

    config = transformers.GPTNeoXConfig(**config_to_hf(ours.config))
    config._attn_implementation = "sdpa"
    weight = ours.embed_out.weight
    with torch.device(weight.device):
        theirs = transformers.GPTNeoXForCausalLM(config).to(weight.dtype)
    theirs.load_state_dict(to_hf_state_dict(ours.state_dict(), head_key="lm_head.weight"))
    return theirs


def check_parity(config: GPTNeoXConfig, device: torch.device) -> dict[str, Any]:
    small = config.replace(n_layer=min(config.n_layer, 4))
    torch.manual_seed(0)
    ours = GPTNeoXForCausalLM(small).to(device).eval()
    theirs = hf_twin(ours).eval()
    ids = torch.randint(0, small.vocab_size, (2, 128), device=device)
    out: dict[str, Any] = {"layers": small.n_layer}
    with torch.no_grad():
        for dtype in (torch.float32, torch.bfloat16):
            if dtype == torch.bfloat16 and device.type != "cuda":
                continue
            with torch.autocast(device.type, dtype, enabled=dtype != torch.float32):
                a = ours(ids)[0].float()
                b = theirs(ids).logits.float()
            name = str(dtype).removeprefix("torch.")
            out[f"max_abs_diff_{name}"] = (a - b).abs().max().item()
            out[f"argmax_agreement_{name}"] = (a.argmax(-1) == b.argmax(-1)).float().mean().item()
    return out


def flops_per_token(config: GPTNeoXConfig, seq_len: int, model: GPTNeoXForCausalLM) -> float:
    """Training FLOPs per token (forward and backward): 6 per matmul weight, plus attention
    scores and values (12 * layers * hidden * seq_len, as PaLM counts them)."""
    matmul_params = model.num_parameters(include_embeddings=False)
    return 6 * matmul_params + 12 * config.n_layer * config.n_embd * seq_len


def bench_training(
    name: str,
    model: torch.nn.Module,
    batch: int,
    seq_len: int,
    vocab: int,
    steps: int,
    device: torch.device,
    compile_model: bool,
) -> dict[str, Any]:
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=device.type == "cuda")
    ids = torch.randint(0, vocab, (batch, seq_len), device=device)
    step_model = torch.compile(model) if compile_model else model
    bf16 = device.type == "cuda"

    def step() -> float:
        with torch.autocast(device.type, torch.bfloat16, enabled=bf16):
            if name.startswith("ours"):
                _, loss = step_model(ids, ids)
            else:
                loss = step_model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    started = time.perf_counter()
    for _ in range(3):  # compilation and allocator warm-up
        step()
    sync(device)
    warmup_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(steps):
        loss = step()
    sync(device)
    elapsed = time.perf_counter() - started
    peak = torch.cuda.max_memory_allocated() / 2**30 if device.type == "cuda" else None
    return {
        "tokens_per_s": batch * seq_len * steps / elapsed,
        "step_ms": 1000 * elapsed / steps,
        "warmup_s": warmup_s,
        "final_loss": loss.item(),
        "peak_memory_gib": peak,
    }


def bench_decode_ours(
    model: GPTNeoXForCausalLM, prompt: list[int], new_tokens: int, compile_step: bool
) -> dict[str, Any]:
    generator = Generator(model, pad_id=0, compile=compile_step)
    device = model.embed_out.weight.device
    started = time.perf_counter()
    warm = generator.generate([prompt], max_new_tokens=new_tokens)[0]
    sync(device)
    warmup_s = time.perf_counter() - started
    times = []
    for _ in range(3):
        started = time.perf_counter()
        out = generator.generate([prompt], max_new_tokens=new_tokens)[0]
        sync(device)
        times.append(time.perf_counter() - started)
    figures = {
        "tokens_per_s": len(out) / min(times),
        "warmup_s": warmup_s,
        "tokens": out,
        "same_tokens_every_run": out == warm,
    }
    if compile_step:
        from torch._dynamo.utils import counters

        # Non-zero means the step ran compiled but without CUDA graphs (and slower).
        figures["cudagraph_skips"] = counters["inductor"]["cudagraph_skips"]
    return figures


def bench_decode_hf(theirs, prompt: list[int], new_tokens: int) -> dict[str, Any]:
    device = next(theirs.parameters()).device
    ids = torch.tensor([prompt], device=device)
    options = dict(
        max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False, pad_token_id=0
    )
    with torch.no_grad():
        theirs.generate(ids, **options)
        times = []
        for _ in range(2):
            started = time.perf_counter()
            out = theirs.generate(ids, **options)
            sync(device)
            times.append(time.perf_counter() - started)
    return {"tokens_per_s": new_tokens / min(times), "tokens": out[0, len(prompt) :].tolist()}


def run(args: argparse.Namespace) -> dict[str, Any]:
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    config = get_config("tiny" if args.smoke else "refocused-1.2b")
    batch, seq_len = (2, 128) if args.smoke else (8, 2048)
    prompt_len, new_tokens = (16, 16) if args.smoke else (16, 256)
    compile_ok = device.type == "cuda" or args.compile_on_cpu
    results: dict[str, Any] = {
        "device": torch.cuda.get_device_name()
        if device.type == "cuda"
        else platform.processor() or platform.machine(),
        "torch": torch.__version__,
        "shape": "tiny" if args.smoke else "refocused-1.2b",
        "config": config.to_dict(),
    }
    try:
        import transformers

        results["transformers"] = transformers.__version__
    except ImportError:
        results["transformers"] = None
    print(f"device {results['device']}, torch {torch.__version__}", flush=True)

    results["card"] = measure_card(device, args.smoke)
    print("card", results["card"], flush=True)
    results["parity"] = check_parity(config, device)
    print("parity", results["parity"], flush=True)

    torch.manual_seed(0)
    training: dict[str, Any] = {"batch": batch, "seq_len": seq_len}
    runs = [("ours_compiled", True)] if compile_ok else [("ours_eager", False)]
    if args.ours_eager and compile_ok:
        runs.append(("ours_eager", False))
    if results["transformers"] is not None:
        runs.append(("transformers_eager", False))
        if compile_ok and not args.skip_hf_compile:
            runs.append(("transformers_compiled", True))
    for name, compile_model in runs:
        free_memory()
        try:
            with torch.device(device):
                ours = GPTNeoXForCausalLM(config)
            model = ours if name.startswith("ours") else hf_twin(ours)
            if model is not ours:
                del ours
            figures = bench_training(
                name,
                model,
                batch,
                seq_len,
                config.vocab_size,
                args.train_steps,
                device,
                compile_model,
            )
            n = GPTNeoXForCausalLM.num_parameters(model, include_embeddings=True)
            figures["parameters"] = n
            flops = flops_per_token(config, seq_len, _ours_view(model, config))
            figures["mfu_vs_measured"] = (
                flops * figures["tokens_per_s"] / (results["card"]["matmul_tflops"] * 1e12)
            )
            figures["mfu_vs_datasheet"] = _datasheet_mfu(results["device"], flops, figures)
            training[name] = figures
        except Exception as e:  # a failure is a figure too: record it and go on
            training[name] = {"error": f"{type(e).__name__}: {e}"}
            traceback.print_exc()
        finally:
            model = ours = None
        print(name, training[name], flush=True)
    ours_tps = training.get("ours_compiled", {}).get("tokens_per_s")
    for baseline in ("transformers_eager", "transformers_compiled"):
        theirs_tps = training.get(baseline, {}).get("tokens_per_s")
        if ours_tps and theirs_tps:
            training[f"ratio_ours_compiled_to_{baseline}"] = ours_tps / theirs_tps
    results["training"] = training

    free_memory()
    torch.manual_seed(0)
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    with torch.device(device):
        ours = GPTNeoXForCausalLM(config).to(dtype).eval()
    weight_bytes = sum(p.numel() * p.element_size() for p in ours.parameters())
    weight_bytes -= (
        ours.gpt_neox.embed_in.weight.numel() * ours.gpt_neox.embed_in.weight.element_size()
    )
    prompt = torch.randint(0, min(50_000, config.vocab_size), (prompt_len,)).tolist()
    decode: dict[str, Any] = {
        "prompt_tokens": prompt_len,
        "new_tokens": new_tokens,
        "dtype": str(dtype),
        "weight_bytes_without_input_embedding": weight_bytes,
        "ceiling_tokens_per_s": results["card"]["copy_gb_per_s"] * 1e9 / weight_bytes,
    }
    for name, fn in [
        ("ours_eager_static_cache", lambda: bench_decode_ours(ours, prompt, new_tokens, False)),
        ("ours_compiled_cuda_graphs", lambda: bench_decode_ours(ours, prompt, new_tokens, True)),
        (
            "transformers_dynamic_cache",
            lambda: bench_decode_hf(hf_twin(ours).eval(), prompt, new_tokens),
        ),
    ]:
        if name == "ours_compiled_cuda_graphs" and not compile_ok:
            continue
        if name.startswith("transformers") and results["transformers"] is None:
            continue
        try:
            decode[name] = fn()
            decode[name]["share_of_ceiling"] = (
                decode[name]["tokens_per_s"] / decode["ceiling_tokens_per_s"]
            )
        except Exception as e:
            decode[name] = {"error": f"{type(e).__name__}: {e}"}
            traceback.print_exc()
        print(name, {k: v for k, v in decode[name].items() if k != "tokens"}, flush=True)
    reference = decode.get("ours_eager_static_cache", {}).get("tokens")
    for name in ("ours_compiled_cuda_graphs", "transformers_dynamic_cache"):
        tokens = decode.get(name, {}).get("tokens")
        if reference and tokens:
            pairs = zip(reference, tokens, strict=False)
            agree = next((i for i, (a, b) in enumerate(pairs) if a != b), len(tokens))
            decode[name]["greedy_tokens_equal_to_ours_eager"] = agree
    for entry in decode.values():
        if isinstance(entry, dict):
            entry.pop("tokens", None)
    results["decode"] = decode
    return results


def _ours_view(model: torch.nn.Module, config: GPTNeoXConfig) -> GPTNeoXForCausalLM:
    if isinstance(model, GPTNeoXForCausalLM):
        return model
    with torch.device("meta"):
        return GPTNeoXForCausalLM(config)


def _datasheet_mfu(device_name: str, flops: float, figures: dict[str, Any]) -> float | None:
    for card, tflops in DATASHEET_BF16_TFLOPS.items():
        if card in device_name:
            return flops * figures["tokens_per_s"] / (tflops * 1e12)
    return None


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"# GPT-NeoX benchmark: {results['shape']} on {results['device']}",
        "",
        f"torch {results['torch']}, transformers {results['transformers']}.",
        f"{results['card']['matmul_dtype']} matmul {results['card']['matmul_tflops']:.3g} TFLOP/s"
        f" (n={results['card']['matmul_n']}),"
        f" copy {results['card']['copy_gb_per_s']:.3g} GB/s.",
        "",
        "## Checks",
        "",
        "| check | value |",
        "| --- | --- |",
    ]
    lines += [f"| parity {k} | {v:.3g} |" for k, v in results["parity"].items()]
    training = results["training"]
    lines += [
        "",
        f"## Training, batch {training['batch']} x {training['seq_len']}",
        "",
        "| run | tokens/s | MFU (measured peak) | MFU (datasheet) | step ms | peak GiB |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, f in training.items():
        if not isinstance(f, dict):
            continue
        if "error" in f:
            lines.append(f"| {name} | failed: {f['error'][:80]} | | | | |")
            continue
        sheet = f"{f['mfu_vs_datasheet']:.1%}" if f["mfu_vs_datasheet"] else "-"
        peak = f"{f['peak_memory_gib']:.1f}" if f["peak_memory_gib"] else "-"
        lines.append(
            f"| {name} | {f['tokens_per_s']:,.0f} | {f['mfu_vs_measured']:.1%} | {sheet} "
            f"| {f['step_ms']:.1f} | {peak} |"
        )
    lines += [
        f"\n{k.replace('_', ' ')}: {v:.2f} (goal: 1.15 or more against compiled)"
        for k, v in training.items()
        if k.startswith("ratio_")
    ]
    decode = results["decode"]
    lines += [
        "",
        f"## Decode, batch 1, {decode['prompt_tokens']}-token prompt, "
        f"{decode['new_tokens']} new tokens, {decode['dtype']}",
        "",
        f"Ceiling (weights without input embedding / copy bandwidth): "
        f"{decode['ceiling_tokens_per_s']:,.0f} tokens/s.",
        "",
        "| run | tokens/s | share of ceiling | warm-up s | greedy tokens equal to ours eager |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, f in decode.items():
        if not isinstance(f, dict):
            continue
        if "error" in f:
            lines.append(f"| {name} | failed: {f['error'][:80]} | | | |")
            continue
        warm = f"{f['warmup_s']:.1f}" if "warmup_s" in f else "-"
        agree = f.get("greedy_tokens_equal_to_ours_eager", "-")
        lines.append(
            f"| {name} | {f['tokens_per_s']:,.1f} | {f['share_of_ceiling']:.1%} | {warm} "
            f"| {agree} |"
        )
    skips = decode.get("ours_compiled_cuda_graphs", {}).get("cudagraph_skips")
    if skips:
        lines.append(
            f"\nCUDA graphs were skipped {skips} times: the compiled decode ran without them."
        )
    lines.append("\nGoal: ours compiled decode at 800 tokens/s or more on an H200.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny shape; runs on a CPU")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/model/hopper_results"))
    parser.add_argument("--train-steps", type=int, default=10)
    parser.add_argument("--skip-hf-compile", action="store_true")
    parser.add_argument("--ours-eager", action="store_true", help="also time our eager training")
    parser.add_argument(
        "--compile-on-cpu",
        action="store_true",
        help="with --smoke on a CPU, also exercise the torch.compile paths",
    )
    args = parser.parse_args()
    if args.smoke:
        args.train_steps = min(args.train_steps, 2)
    results = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
