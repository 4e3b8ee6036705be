"""Checkpoint -> serving bundle, written to a temporary folder and renamed into place."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safetensors.torch import save_file

from model.api import resolve_checkpoint
from model.bundle.manifest import FORMAT, FORMAT_VERSION, MANIFEST_FILE, describe_files, is_bundle
from model.bundle.weights import to_bundle_state
from model.checkpoints import checkpoint_step
from model.config import NAMED_CONFIGS
from model.convert import CONFIG_FILE, WEIGHTS_FILE, config_to_hf, load_pretrained
from model.tokenizer import TOKENIZER_FILE


def _quiet(_: str) -> None:
    pass


def export_bundle(
    checkpoint: Path,
    out: Path,
    *,
    dtype: str = "bf16",
    progress: Callable[[str], None] = _quiet,
) -> dict[str, Any]:
    """Write the bundle of `checkpoint` (or a run folder's latest) to `out`; its manifest.

    `out` may hold an earlier bundle (it is replaced) but no other files: a mistyped --out
    never deletes someone's folder."""
    _check_replaceable(out)
    source = resolve_checkpoint(checkpoint)
    if is_bundle(source):
        raise ValueError(f"{source} is already a bundle: export from the checkpoint it came from")
    if not (source / TOKENIZER_FILE).is_file():
        raise FileNotFoundError(f"{source} has no {TOKENIZER_FILE}: the bundle needs it")
    started = time.perf_counter()
    progress(f"reading {source}")
    model = load_pretrained(source)
    state = to_bundle_state(model.state_dict(), dtype)
    partial = out.parent / f".{out.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    progress(f"writing {dtype} weights")
    save_file(state, str(partial / WEIGHTS_FILE), metadata={"format": "pt", "dtype": dtype})
    (partial / CONFIG_FILE).write_text(json.dumps(config_to_hf(model.config), indent=2) + "\n")
    shutil.copyfile(source / TOKENIZER_FILE, partial / TOKENIZER_FILE)
    progress("hashing files")
    try:
        step = checkpoint_step(source.name)
    except ValueError:
        step = None
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dtype": dtype,
        "source": {"checkpoint": source.name, "step": step},
        "model": {
            "config_name": next(
                (n for n, c in NAMED_CONFIGS.items() if c.same_model(model.config)), None
            ),
            "config": model.config.to_dict(),
            "parameters": model.num_parameters(),
        },
        "files": describe_files(partial, [WEIGHTS_FILE, CONFIG_FILE, TOKENIZER_FILE]),
    }
    (partial / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    _replace(partial, out)
    size = sum(f["size"] for f in manifest["files"].values())
    seconds = time.perf_counter() - started
    progress(f"wrote {out}: {dtype}, {size / 1e6:.1f} MB in {seconds:.1f} s")
    return manifest


def _check_replaceable(out: Path) -> None:
    if out.exists() and not (out.is_dir() and (is_bundle(out) or not any(out.iterdir()))):
        raise FileExistsError(f"{out} exists and is not a model bundle: choose another --out")


def _replace(partial: Path, out: Path) -> None:
    # Renames are atomic: `out` never holds half a bundle, whatever moment a crash picks.
    _check_replaceable(out)
    old = out.parent / f".{out.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    partial.rename(out)
    shutil.rmtree(old, ignore_errors=True)
