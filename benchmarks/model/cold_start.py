"""The ai-handler's cold start, as its code runs it: the int8 serving bundle copied from S3 (a
local stand-in, moto in-process), its checksums verified, loaded, then the first token of a
reply and the decode speed after it.

    flock /work/notes/bench.lock python benchmarks/model/cold_start.py --shapes tiny refocused-1.2b

Per shape: random weights (speed does not depend on what they say) exported as an int8 bundle,
uploaded to the stand-in bucket; then `S3ModelBundle.download_to` (fetch_s), `verify_bundle`
(verify_s, the checksums alone), `load_verified_bundle` (load_s, which verifies again and
loads), and the adapter's `InProcessModelClient.stream` on a short chat (first_token_s from
the call, then tokens/s). The stand-in serves from memory: a real S3 fetch is bounded by the
network instead (see docs/model.md for the estimate).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
import torch
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from adapters.model_client.in_process import InProcessModelClient, load_verified_bundle
from adapters.s3.model_bundle import S3ModelBundle
from benchmarks.machine import describe
from benchmarks.model.cpu_generate import make_checkpoint
from domains.assistant.model import SYSTEM_PROMPT, ChatTurn, Role
from model.bundle.export import export_bundle
from model.bundle.manifest import verify_bundle
from model.convert import WEIGHTS_FILE

BUCKET = "refocused-models"


async def first_token(client: InProcessModelClient, new_tokens: int) -> tuple[float, float, int]:
    turns = [
        ChatTurn(Role.SYSTEM, SYSTEM_PROMPT),
        ChatTurn(Role.USER, "How do I keep a habit going?"),
    ]
    started = time.perf_counter()
    first: float | None = None
    pieces = 0
    async for _ in client.stream(turns):
        first = first or time.perf_counter()
        pieces += 1
    assert first is not None
    rate = (pieces - 1) / max(time.perf_counter() - first, 1e-9)
    return first - started, rate, pieces


def measure(shape: str, work: Path, new_tokens: int) -> dict[str, Any]:
    started = time.perf_counter()
    checkpoint = make_checkpoint(shape, work / "checkpoint")
    bundle = work / "bundle"
    export_bundle(checkpoint, bundle, dtype="int8")
    prepare_s = time.perf_counter() - started
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        for path in bundle.rglob("*"):
            if path.is_file():
                s3.upload_file(str(path), BUCKET, f"{shape}/{path.relative_to(bundle)}")
        store = S3ModelBundle(s3, BUCKET, shape)
        target = work / "tmp-model"
        started = time.perf_counter()
        store.download_to(target)
        fetch_s = time.perf_counter() - started
        started = time.perf_counter()
        verify_bundle(target)
        verify_s = time.perf_counter() - started
        started = time.perf_counter()
        lm = load_verified_bundle(target)
        load_s = time.perf_counter() - started
    client = InProcessModelClient(target, max_new_tokens=new_tokens, loader=lambda _: lm)
    first_s, rate, pieces = asyncio.run(first_token(client, new_tokens))
    return {
        "shape": shape,
        "bundle_mb": round((target / WEIGHTS_FILE).stat().st_size / 1e6, 1),
        "prepare_s": round(prepare_s, 1),
        "fetch_s": round(fetch_s, 2),
        "verify_s": round(verify_s, 2),
        "load_s": round(load_s, 2),
        "cold_start_s": round(fetch_s + load_s, 2),
        "first_token_s": round(first_s, 3),
        "pieces": pieces,
        "decode_pieces_per_s": round(rate, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=["tiny"])
    parser.add_argument("--new-tokens", type=int, default=16)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(describe(), f"torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    print("uptime:", _uptime(), flush=True)
    runs = []
    for shape in args.shapes:
        with tempfile.TemporaryDirectory() as temporary:
            row = measure(shape, Path(temporary), args.new_tokens)
        print(json.dumps(row), flush=True)
        runs.append(row)
    print("uptime:", _uptime(), flush=True)
    if args.out:
        args.out.write_text(json.dumps(runs, indent=2) + "\n")


if __name__ == "__main__":
    main()
