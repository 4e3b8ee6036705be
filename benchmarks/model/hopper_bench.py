"""One run on an H100 / H200 that checks our GPT-NeoX and times it against transformers'.

    python benchmarks/model/hopper_bench.py                 # refocused-1.2b shape, about 10 min
    python benchmarks/model/hopper_bench.py --smoke         # tiny shape, runs anywhere (CPU too)

Every run starts from the same random weights: ours, initialised once (seed 0), and
transformers' GPTNeoXForCausalLM loaded with them through model.convert. It measures, in order:
  1. the card: bf16 matmul TFLOP/s (8192^3) and device copy bandwidth;
  2. checks: our logits against transformers' with the same weights (float32 and bf16), and
     compiled decode against eager decode;
  3. training tokens/s and MFU at batch 8 x 2048 (bf16 autocast, fused AdamW, one fixed batch):
     ours compiled, transformers eager and compiled (use_cache=False, as in training); every run's
     first-step loss against ours; `--windows` windows of `--train-steps` steps each, reported
     as median, min and max;
  4. batch-1 decode tokens/s (16-token prompt, 256 new tokens, greedy, no stop token, bf16
     weights, `--decode-repeats` timed runs each after one warm-up, median, min and max): ours
     with a static KV cache eager and compiled (CUDA graphs); transformers with its dynamic
     cache (eager) and with its static cache compiled (CUDA graphs), like for like; against the
     ceiling weight bytes / copy bandwidth.
Compiled state is reset (torch._dynamo.reset()) before every compiled run; graph breaks,
recompiles (also those during the timed windows) and CUDA-graph skips are recorded per run.
Figures go to --out as JSON and Markdown. The run fails loudly (a "Problems" section, the
lines on stderr, exit status 1) when a first-step loss differs from ours beyond tolerance, a
compiled run broke its graph, recompiled while timed or skipped CUDA graphs, or a decode run
produced fewer tokens than asked: its speed figures would not compare like with like.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from model.config import GPTNeoXConfig, get_config
from model.convert import config_to_hf, to_hf_state_dict
from model.generate import Generator
from model.gpt_neox import GPTNeoXForCausalLM

DATASHEET_BF16_TFLOPS = {"H100": 989.0, "H200": 989.0}
# How far a run's first-step loss (same weights, same batch) may sit from ours. At random
# initialisation the loss is about ln(vocab) = 10.8 nats; bf16 autocast rounds each matmul's
# inputs to 8 bits of mantissa, so two correct implementations that order their arithmetic
# differently agree to a few thousandths; float32 to about 1e-5.
LOSS_TOLERANCE = {"bf16": 0.02, "float32": 1e-4}


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(fn, device: torch.device, repeats: int) -> float:
    """Seconds per call, best of `repeats` after one warm-up call (the card's peak rates)."""
    fn()
    sync(device)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync(device)
        best = min(best, time.perf_counter() - start)
    return best


def spread(values: list[float]) -> dict[str, Any]:
    """Median, min and max of repeated measurements, and the range as a share of the median."""
    median = statistics.median(values)
    return {
        "median": median,
        "min": min(values),
        "max": max(values),
        "range_pct": 100 * (max(values) - min(values)) / median if median else None,
        "values": values,
    }


def free_memory() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def reset_compiler() -> None:
    """Forget every compiled graph, guard and counter, so that a run neither reuses another's
    compilation nor counts its graph breaks."""
    import torch._dynamo
    from torch._dynamo.utils import counters

    torch._dynamo.reset()
    counters.clear()


def compile_counters() -> dict[str, Any]:
    """Dynamo's and inductor's counters since the last reset_compiler()."""
    from torch._dynamo.utils import counters, guard_failures

    breaks = counters["graph_break"]
    return {
        "graph_breaks": sum(breaks.values()),
        "graph_break_reasons": [reason.splitlines()[0] for reason in breaks][:5],
        "frames_compiled": counters["frames"]["ok"],
        "unique_graphs": counters["stats"]["unique_graphs"],
        "recompile_reasons": [r for reasons in guard_failures.values() for r in reasons][:5],
        "cudagraph_skips": counters["inductor"]["cudagraph_skips"],
    }


def compile_problems(
    name: str, warm: dict[str, Any], after: dict[str, Any], *, cuda_graphs: bool = False
) -> list[str]:
    """What makes a compiled run's figure unfair: graph breaks, compilation inside the timed
    part, CUDA graphs skipped where they were asked for (on a GPU)."""
    problems = []
    if after["graph_breaks"]:
        problems.append(
            f"{name}: the compiled run broke its graph {after['graph_breaks']} times "
            f"({'; '.join(after['graph_break_reasons'])})"
        )
    # A fullgraph compile counts a graph but not always a frame: either growing is a compile.
    recompiled = max(
        after["frames_compiled"] - warm["frames_compiled"],
        after["unique_graphs"] - warm["unique_graphs"],
    )
    if recompiled:
        problems.append(
            f"{name}: {recompiled} graphs were compiled during the timed part "
            f"({'; '.join(after['recompile_reasons']) or 'no guard failure recorded'})"
        )
    if cuda_graphs and after["cudagraph_skips"]:
        problems.append(f"{name}: CUDA graphs were skipped {after['cudagraph_skips']} times")
    return problems


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


def hf_twin(ours: GPTNeoXForCausalLM, *, use_cache: bool = True):
    """transformers' GPTNeoXForCausalLM holding our weights (through model.convert)."""
    import transformers

    config = transformers.GPTNeoXConfig(**config_to_hf(ours.config), use_cache=use_cache)
    config._attn_implementation = "sdpa"
    weight = ours.embed_out.weight
    with torch.device(weight.device):
        theirs = transformers.GPTNeoXForCausalLM(config).to(weight.dtype)
    theirs.load_state_dict(to_hf_state_dict(ours.state_dict(), head_key="lm_head.weight"))
    # No stop token and no other default: generate() runs exactly the processors asked for.
    generation = theirs.generation_config
    generation.eos_token_id = generation.bos_token_id = None
    generation.pad_token_id = 0
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
    ids: torch.Tensor,
    *,
    steps: int,
    windows: int,
    device: torch.device,
    compile_model: bool,
    bf16: bool,
    backend: str = "inductor",
) -> dict[str, Any]:
    """Tokens/s over `windows` windows of `steps` steps on one fixed batch, after a warm-up of
    three steps whose first loss is the loss of the initial weights."""
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=device.type == "cuda")
    if compile_model:
        reset_compiler()
    step_model = torch.compile(model, backend=backend) if compile_model else model
    ours = isinstance(model, GPTNeoXForCausalLM)

    def step() -> torch.Tensor:
        with torch.autocast(device.type, torch.bfloat16, enabled=bf16):
            if ours:
                _, loss = step_model(ids, ids)
            else:
                # Training keeps no KV cache: use_cache=True would update one per layer per step.
                loss = step_model(input_ids=ids, labels=ids, use_cache=False).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.detach()

    started = time.perf_counter()
    first_loss = step().item()
    for _ in range(2):  # compilation and allocator warm-up
        step()
    sync(device)
    warmup_s = time.perf_counter() - started
    warm = compile_counters()
    batch, seq_len = ids.shape
    per_window = []
    for _ in range(windows):
        started = time.perf_counter()
        for _ in range(steps):
            loss = step()
        sync(device)
        per_window.append(batch * seq_len * steps / (time.perf_counter() - started))
    after = compile_counters()
    tokens = spread(per_window)
    peak = torch.cuda.max_memory_allocated() / 2**30 if device.type == "cuda" else None
    figures: dict[str, Any] = {
        "tokens_per_s": tokens["median"],
        "tokens_per_s_spread": tokens,
        "step_ms": 1000 * batch * seq_len / tokens["median"],
        "windows": windows,
        "steps_per_window": steps,
        "warmup_s": warmup_s,
        "first_step_loss": first_loss,
        "final_loss": loss.item(),
        "peak_memory_gib": peak,
        "use_cache": None if ours else False,
    }
    if compile_model:
        figures["compile"] = after
        figures["problems"] = compile_problems(name, warm, after)
    return figures


def loss_problems(training: dict[str, Any], reference: str, precision: str) -> list[str]:
    """Every run's first-step loss (same weights, same batch) against the reference run's."""
    expected = training.get(reference, {}).get("first_step_loss")
    if expected is None:
        return [f"no first-step loss from {reference} to compare the other runs with"]
    tolerance = LOSS_TOLERANCE[precision]
    problems = []
    for name, figures in training.items():
        loss = figures.get("first_step_loss") if isinstance(figures, dict) else None
        if name == reference or loss is None:
            continue
        figures["first_step_loss_diff"] = loss - expected
        if abs(loss - expected) > tolerance:
            problems.append(
                f"{name}: first-step loss {loss:.5f} differs from {reference}'s {expected:.5f} "
                f"by more than the {precision} tolerance {tolerance}: not the same computation"
            )
    return problems


def bench_decode_ours(
    model: GPTNeoXForCausalLM,
    prompt: list[int],
    new_tokens: int,
    *,
    compile_step: bool,
    repeats: int,
) -> dict[str, Any]:
    if compile_step:
        reset_compiler()
    generator = Generator(model, pad_id=0, compile=compile_step)

    def once() -> list[int]:
        return generator.generate([prompt], max_new_tokens=new_tokens)[0]

    return _timed_decode(once, model.embed_out.weight.device, repeats, compile_step)


def bench_decode_hf(
    theirs,
    prompt: list[int],
    new_tokens: int,
    *,
    static_cache: bool,
    compile_step: bool,
    repeats: int,
    backend: str = "inductor",
) -> dict[str, Any]:
    """Greedy, no stop token, no minimum length: the processors and stopping ours run.
    static_cache with compile_step is transformers' own compiled decode (its forward compiled
    with CUDA graphs around a static cache), like ours."""
    from transformers import CompileConfig

    device = next(theirs.parameters()).device
    ids = torch.tensor([prompt], device=device)
    options: dict[str, Any] = dict(
        max_new_tokens=new_tokens,
        do_sample=False,
        num_beams=1,
        eos_token_id=None,
        pad_token_id=0,
        use_cache=True,
        disable_compile=not compile_step,
    )
    if static_cache:
        options["cache_implementation"] = "static"
    if compile_step:
        config = CompileConfig(fullgraph=True, mode="reduce-overhead", backend=backend)
        config._compile_all_devices = True  # transformers compiles on CUDA only otherwise
        options["compile_config"] = config
        reset_compiler()

    def once() -> list[int]:
        with torch.no_grad():
            out = theirs.generate(ids, **options)
        return out[0, len(prompt) :].tolist()

    return _timed_decode(once, device, repeats, compile_step)


def _timed_decode(once, device: torch.device, repeats: int, compiled: bool) -> dict[str, Any]:
    started = time.perf_counter()
    warm_tokens = once()
    sync(device)
    warmup_s = time.perf_counter() - started
    warm = compile_counters()
    rates, out = [], warm_tokens
    for _ in range(repeats):
        started = time.perf_counter()
        out = once()
        sync(device)
        rates.append(len(out) / (time.perf_counter() - started))
    rate = spread(rates)
    figures: dict[str, Any] = {
        "tokens_per_s": rate["median"],
        "tokens_per_s_spread": rate,
        "repeats": repeats,
        "warmup_s": warmup_s,
        "tokens": out,
        "same_tokens_every_run": out == warm_tokens,
    }
    if compiled:
        after = compile_counters()
        figures["compile"] = after
        figures["problems"] = compile_problems(
            "decode", warm, after, cuda_graphs=device.type == "cuda"
        )
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement of the module docstring, in its order, as one JSON-ready dict."""
    device = _prepare_device()
    config = get_config(_shape(args))
    results = _describe_setup(args, device, config)
    print(f"device {results['device']}, torch {torch.__version__}", flush=True)
    results["card"] = measure_card(device, args.smoke)
    print("card", results["card"], flush=True)
    results["parity"] = check_parity(config, device)
    print("parity", results["parity"], flush=True)
    results["training"] = _bench_all_training(args, config, device, results)
    results["decode"] = _bench_all_decoding(args, config, device, results)
    return results


def _prepare_device() -> torch.device:
    """The GPU when there is one, with TF32 matmuls allowed there; otherwise the CPU."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    return device


def _shape(args: argparse.Namespace) -> str:
    return "tiny" if args.smoke else "refocused-1.2b"


def _compile_ok(args: argparse.Namespace, device: torch.device) -> bool:
    """Whether the compiled paths run: always on a GPU, on a CPU only when asked."""
    return device.type == "cuda" or args.compile_on_cpu


def _describe_setup(
    args: argparse.Namespace, device: torch.device, config: GPTNeoXConfig
) -> dict[str, Any]:
    """The results' header: hardware, library versions, shape; `problems` starts empty."""
    results: dict[str, Any] = {
        "device": torch.cuda.get_device_name()
        if device.type == "cuda"
        else platform.processor() or platform.machine(),
        "torch": torch.__version__,
        "shape": _shape(args),
        "config": config.to_dict(),
        "compile_backend": args.compile_backend,
        "problems": [],
    }
    try:
        import transformers

        results["transformers"] = transformers.__version__
    except ImportError:
        results["transformers"] = None
    return results


def _bench_all_training(
    args: argparse.Namespace, config: GPTNeoXConfig, device: torch.device, results: dict[str, Any]
) -> dict[str, Any]:
    """Step 3: every training run from the same weights on the same batch, then their checks."""
    batch, seq_len = (2, 128) if args.smoke else (8, 2048)
    # The weights every training run starts from, and the one batch they all train on.
    torch.manual_seed(0)
    initial = {k: v.detach() for k, v in GPTNeoXForCausalLM(config).state_dict().items()}
    ids = torch.randint(
        0, config.vocab_size, (batch, seq_len), generator=torch.Generator().manual_seed(1)
    )
    ids = ids.to(device)
    precision = "bf16" if device.type == "cuda" else "float32"
    training: dict[str, Any] = {"batch": batch, "seq_len": seq_len, "precision": precision}
    runs = _training_runs(args, _compile_ok(args, device), results["transformers"] is not None)
    for name, compile_model in runs:
        training[name] = _bench_one_training(
            name, compile_model, args, config, device, initial, ids, results
        )
        print(name, training[name], flush=True)
    results["problems"] += loss_problems(training, runs[0][0], precision)
    ours_tps = training.get(runs[0][0], {}).get("tokens_per_s")
    for baseline in ("transformers_eager", "transformers_compiled"):
        theirs_tps = training.get(baseline, {}).get("tokens_per_s")
        if ours_tps and theirs_tps:
            training[f"ratio_{runs[0][0]}_to_{baseline}"] = ours_tps / theirs_tps
    return training


def _training_runs(
    args: argparse.Namespace, compile_ok: bool, have_transformers: bool
) -> list[tuple[str, bool]]:
    """(name, compiled) of each training run; the first is ours, the reference for the rest."""
    runs = [("ours_compiled", True)] if compile_ok else [("ours_eager", False)]
    if args.ours_eager and compile_ok:
        runs.append(("ours_eager", False))
    if have_transformers:
        runs.append(("transformers_eager", False))
        if compile_ok and not args.skip_hf_compile:
            runs.append(("transformers_compiled", True))
    return runs


def _bench_one_training(
    name: str,
    compile_model: bool,
    args: argparse.Namespace,
    config: GPTNeoXConfig,
    device: torch.device,
    initial: dict[str, torch.Tensor],
    ids: torch.Tensor,
    results: dict[str, Any],
) -> dict[str, Any]:
    """One training run's figures with its MFU; a failure is a figure too, recorded as such."""
    problems: list[str] = results["problems"]
    free_memory()
    try:
        with torch.device(device):
            ours = GPTNeoXForCausalLM(config)
        ours.load_state_dict(initial)
        model = ours if name.startswith("ours") else hf_twin(ours, use_cache=False)
        if model is not ours:
            ours = None
        figures = bench_training(
            name,
            model,
            ids,
            steps=args.train_steps,
            windows=args.windows,
            device=device,
            compile_model=compile_model,
            bf16=device.type == "cuda",
            backend=args.compile_backend,
        )
        problems += figures.get("problems", [])
        n = GPTNeoXForCausalLM.num_parameters(model, include_embeddings=True)
        figures["parameters"] = n
        flops = flops_per_token(config, ids.shape[1], _ours_view(model, config))
        figures["mfu_vs_measured"] = (
            flops * figures["tokens_per_s"] / (results["card"]["matmul_tflops"] * 1e12)
        )
        figures["mfu_vs_datasheet"] = _datasheet_mfu(results["device"], flops, figures)
        return figures
    except Exception as e:  # a failure is a figure too: record it and go on
        problems.append(f"{name}: failed: {type(e).__name__}: {e}")
        traceback.print_exc()
        return {"error": f"{type(e).__name__}: {e}"}


def _bench_all_decoding(
    args: argparse.Namespace, config: GPTNeoXConfig, device: torch.device, results: dict[str, Any]
) -> dict[str, Any]:
    """Step 4: every decode variant from the same weights and prompt, against the ceiling."""
    prompt_len, new_tokens = (16, 16) if args.smoke else (16, 256)
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
        "repeats": args.decode_repeats,
        "weight_bytes_without_input_embedding": weight_bytes,
        "ceiling_tokens_per_s": results["card"]["copy_gb_per_s"] * 1e9 / weight_bytes,
    }
    compile_ok = _compile_ok(args, device)
    variants = _decode_variants(ours, prompt, new_tokens, args, compile_ok)
    for name, fn in variants:
        if name == "ours_compiled_cuda_graphs" and not compile_ok:
            continue
        if name.startswith("transformers") and results["transformers"] is None:
            continue
        decode[name] = _bench_one_decoding(name, fn, decode, results["problems"])
        print(name, {k: v for k, v in decode[name].items() if k != "tokens"}, flush=True)
    _compare_tokens_with_ours_eager(decode)
    return decode


def _decode_variants(
    ours: GPTNeoXForCausalLM,
    prompt: list[int],
    new_tokens: int,
    args: argparse.Namespace,
    compile_ok: bool,
) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    """(name, timed run) of each decode variant, ours eager first: the tokens' reference."""
    repeats = args.decode_repeats
    backend = args.compile_backend
    return [
        (
            "ours_eager_static_cache",
            lambda: bench_decode_ours(
                ours, prompt, new_tokens, compile_step=False, repeats=repeats
            ),
        ),
        (
            "ours_compiled_cuda_graphs",
            lambda: bench_decode_ours(ours, prompt, new_tokens, compile_step=True, repeats=repeats),
        ),
        (
            "transformers_dynamic_cache",
            lambda: bench_decode_hf(
                hf_twin(ours).eval(),
                prompt,
                new_tokens,
                static_cache=False,
                compile_step=False,
                repeats=repeats,
            ),
        ),
        (
            "transformers_static_cache_compiled"
            if compile_ok
            else "transformers_static_cache_eager",
            lambda: bench_decode_hf(
                hf_twin(ours).eval(),
                prompt,
                new_tokens,
                static_cache=True,
                compile_step=compile_ok,
                repeats=repeats,
                backend=backend,
            ),
        ),
    ]


def _bench_one_decoding(
    name: str, fn: Callable[[], dict[str, Any]], decode: dict[str, Any], problems: list[str]
) -> dict[str, Any]:
    """One decode variant's figures, with its share of the ceiling and its token count checked."""
    new_tokens = decode["new_tokens"]
    try:
        free_memory()
        entry = fn()
        entry["share_of_ceiling"] = entry["tokens_per_s"] / decode["ceiling_tokens_per_s"]
        problems += [f"{name}: {p}" for p in entry.get("problems", [])]
        if len(entry["tokens"]) != new_tokens:
            problems.append(f"{name}: produced {len(entry['tokens'])} tokens, not {new_tokens}")
        return entry
    except Exception as e:
        problems.append(f"{name}: failed: {type(e).__name__}: {e}")
        traceback.print_exc()
        return {"error": f"{type(e).__name__}: {e}"}


def _compare_tokens_with_ours_eager(decode: dict[str, Any]) -> None:
    """Record for each variant how many greedy tokens agree with ours eager, then drop tokens."""
    reference = decode.get("ours_eager_static_cache", {}).get("tokens")
    for name, entry in decode.items():
        tokens = entry.get("tokens") if isinstance(entry, dict) else None
        if reference and tokens and name != "ours_eager_static_cache":
            pairs = zip(reference, tokens, strict=False)
            agree = next((i for i, (a, b) in enumerate(pairs) if a != b), len(tokens))
            entry["greedy_tokens_equal_to_ours_eager"] = agree
    for entry in decode.values():
        if isinstance(entry, dict):
            entry.pop("tokens", None)


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


def _range(f: dict[str, Any], digits: str) -> str:
    s = f["tokens_per_s_spread"]
    return f"{s['min']:{digits}}-{s['max']:{digits}} ({s['range_pct']:.1f}%)"


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"# GPT-NeoX benchmark: {results['shape']} on {results['device']}",
        "",
        f"torch {results['torch']}, transformers {results['transformers']}, compile backend "
        f"{results['compile_backend']}.",
        f"{results['card']['matmul_dtype']} matmul {results['card']['matmul_tflops']:.3g} TFLOP/s"
        f" (n={results['card']['matmul_n']}),"
        f" copy {results['card']['copy_gb_per_s']:.3g} GB/s.",
        "",
    ]
    if results["problems"]:
        lines += ["## Problems: these figures do not compare like with like", ""]
        lines += [f"- {p}" for p in results["problems"]]
        lines.append("")
    lines += ["## Checks", "", "| check | value |", "| --- | --- |"]
    lines += [f"| parity {k} | {v:.3g} |" for k, v in results["parity"].items()]
    training = results["training"]
    lines += [
        "",
        f"## Training, batch {training['batch']} x {training['seq_len']}, "
        f"{training['precision']}, same initial weights",
        "",
        "Tokens/s: the median of the windows, then min-max (range as a share of the median).",
        "",
        "| run | tokens/s | min-max | windows x steps | MFU (measured peak) | MFU (datasheet) "
        "| first-step loss | graph breaks | peak GiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, f in training.items():
        if not isinstance(f, dict):
            continue
        if "error" in f:
            lines.append(f"| {name} | failed: {f['error'][:80]} | | | | | | | |")
            continue
        sheet = f"{f['mfu_vs_datasheet']:.1%}" if f["mfu_vs_datasheet"] else "-"
        peak = f"{f['peak_memory_gib']:.1f}" if f["peak_memory_gib"] else "-"
        breaks = f["compile"]["graph_breaks"] if "compile" in f else "-"
        lines.append(
            f"| {name} | {f['tokens_per_s']:,.0f} | {_range(f, ',.0f')} "
            f"| {f['windows']} x {f['steps_per_window']} | {f['mfu_vs_measured']:.1%} | {sheet} "
            f"| {f['first_step_loss']:.4f} | {breaks} | {peak} |"
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
        f"{decode['new_tokens']} new tokens, greedy, no stop token, {decode['dtype']}",
        "",
        f"Ceiling (weights without input embedding / copy bandwidth): "
        f"{decode['ceiling_tokens_per_s']:,.0f} tokens/s. Every run: one warm-up, then "
        f"{decode['repeats']} timed; tokens/s is their median.",
        "",
        "| run | tokens/s | min-max | share of ceiling | warm-up s "
        "| greedy tokens equal to ours eager |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, f in decode.items():
        if not isinstance(f, dict):
            continue
        if "error" in f:
            lines.append(f"| {name} | failed: {f['error'][:80]} | | | | |")
            continue
        agree = f.get("greedy_tokens_equal_to_ours_eager", "-")
        lines.append(
            f"| {name} | {f['tokens_per_s']:,.1f} | {_range(f, ',.1f')} "
            f"| {f['share_of_ceiling']:.1%} | {f['warmup_s']:.1f} | {agree} |"
        )
    lines.append("\nGoal: ours compiled decode at 800 tokens/s or more on an H200.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny shape; runs on a CPU")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/model/hopper_results"))
    parser.add_argument("--train-steps", type=int, default=10, help="steps per timed window")
    parser.add_argument("--windows", type=int, default=5, help="timed training windows per run")
    parser.add_argument(
        "--decode-repeats", type=int, default=5, help="timed decode runs per variant"
    )
    parser.add_argument("--skip-hf-compile", action="store_true")
    parser.add_argument("--ours-eager", action="store_true", help="also time our eager training")
    parser.add_argument(
        "--compile-on-cpu",
        action="store_true",
        help="with --smoke on a CPU, also exercise the torch.compile paths",
    )
    parser.add_argument(
        "--compile-backend",
        default="inductor",
        help="torch.compile backend; 'eager' or 'aot_eager' check the compiled paths quickly",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.train_steps = min(args.train_steps, 2)
        args.windows = min(args.windows, 3)
        args.decode_repeats = min(args.decode_repeats, 3)
    results = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(markdown(results))
    print(markdown(results))
    if results["problems"]:
        print("\nBENCHMARK CHECKS FAILED:", file=sys.stderr)
        for problem in results["problems"]:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
