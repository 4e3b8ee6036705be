"""Serving bundles: what `export_bundle` writes, how close its logits stay to the float32
checkpoint, and that `load` refuses a bundle whose files do not match their manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import torch

from model.api import load
from model.bundle.export import export_bundle
from model.bundle.manifest import MANIFEST_FILE, BundleIntegrityError
from model.bundle.weights import dequantize_int8, quantize_int8

FILES = {"model.safetensors", "config.json", "tokenizer.json"}


@pytest.fixture(scope="module")
def bundles(trained_run, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bundles")
    return {
        d: (export_bundle(trained_run["run"], root / d, dtype=d), root / d)[1]
        for d in ("bf16", "int8")
    }


@pytest.fixture(scope="module")
def corpus_ids(trained_run, corpus_texts) -> torch.Tensor:
    tokenizer = load(trained_run["run"]).tokenizer
    rows = [tokenizer.encode(t)[:64] for t in corpus_texts[:40]]
    return torch.tensor([r for r in rows if len(r) == 64][:8])


def copy_of(bundle: Path, dest: Path) -> Path:
    dest.mkdir()
    for path in bundle.iterdir():
        (dest / path.name).write_bytes(path.read_bytes())
    return dest


def test_a_bundle_holds_weights_config_tokenizer_and_a_manifest_of_checksums(
    bundles, trained_run
) -> None:
    folder = bundles["int8"]
    assert {p.name for p in folder.iterdir()} == FILES | {MANIFEST_FILE}
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    assert (manifest["format_version"], manifest["dtype"]) == (1, "int8")
    assert manifest["source"]["step"] == 80 and manifest["created_at"].endswith("+00:00")
    assert manifest["model"]["config_name"] == "tiny"
    assert manifest["model"]["config"]["n_layer"] == 2
    assert set(manifest["files"]) == FILES
    for name, entry in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert entry == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert not list(folder.parent.glob(".*partial*"))  # the temporary folder was renamed


def test_bf16_halves_the_weights_and_int8_halves_them_again(bundles, trained_run) -> None:
    checkpoint = sorted(trained_run["run"].glob("step-*"))[-1]
    float32 = (checkpoint / "model.safetensors").stat().st_size
    bf16 = (bundles["bf16"] / "model.safetensors").stat().st_size
    int8 = (bundles["int8"] / "model.safetensors").stat().st_size
    assert bf16 < 0.51 * float32
    assert int8 < 0.55 * bf16


@pytest.mark.parametrize(
    ("bundle", "compute", "max_abs", "min_top1"),
    [
        ("bf16", torch.float32, 0.1, 0.98),
        ("int8", torch.float32, 0.25, 0.95),
        ("bf16", torch.bfloat16, 0.25, 0.95),
        ("int8", torch.bfloat16, 0.35, 0.95),  # served as int8 (model.quant.Int8Linear)
    ],
)
def test_bundle_logits_stay_close_to_the_float32_checkpoint(
    bundles, trained_run, corpus_ids, bundle: str, compute, max_abs: float, min_top1: float
) -> None:
    with torch.no_grad():
        reference, _ = load(trained_run["run"], dtype=torch.float32).model(corpus_ids)
        logits, _ = load(bundles[bundle], dtype=compute).model(corpus_ids)
    assert logits.dtype == compute
    assert (logits.float() - reference).abs().max().item() < max_abs
    top1 = (logits.argmax(-1) == reference.argmax(-1)).float().mean().item()
    assert top1 >= min_top1


def test_int8_rows_round_trip_within_half_a_step() -> None:
    weight = torch.randn(16, 64)
    weight[3] = 0.0
    codes, scale = quantize_int8(weight)
    assert codes.dtype == torch.int8 and scale.shape == (16,)
    error = (dequantize_int8(codes, scale, torch.float32) - weight).abs()
    assert bool((error <= scale[:, None] / 2 + 1e-7).all())
    assert bool((codes[3] == 0).all()) and codes.abs().max() == 127


def test_a_bundle_chats_like_any_checkpoint(bundles) -> None:
    lm = load(bundles["int8"])
    reply = lm.chat([{"role": "user", "content": "How do I keep a streak?"}], max_new_tokens=20)
    assert isinstance(reply, str) and "<|" not in reply


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: flip_a_byte(f / "model.safetensors"), "model.safetensors fails its sha256"),
        (lambda f: flip_a_byte(f / "tokenizer.json"), "tokenizer.json fails its sha256"),
        (
            lambda f: (f / "model.safetensors").write_bytes(
                (f / "model.safetensors").read_bytes()[:-100]
            ),
            "truncated",
        ),
        (lambda f: (f / "config.json").unlink(), "config.json is missing"),
        (lambda f: (f / MANIFEST_FILE).write_text("{not json"), "unreadable"),
    ],
)
def test_a_damaged_bundle_is_refused_with_the_file_it_names(
    bundles, tmp_path: Path, damage, message: str
) -> None:
    folder = copy_of(bundles["int8"], tmp_path / "bundle")
    damage(folder)
    with pytest.raises(BundleIntegrityError, match=message):
        load(folder)


def test_a_bundle_of_a_future_format_asks_for_a_new_export(bundles, tmp_path: Path) -> None:
    folder = copy_of(bundles["bf16"], tmp_path / "bundle")
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    (folder / MANIFEST_FILE).write_text(json.dumps({**manifest, "format_version": 99}))
    with pytest.raises(BundleIntegrityError, match="export the bundle again"):
        load(folder)


def test_an_export_replaces_an_earlier_bundle_but_never_another_folder(
    trained_run, tmp_path: Path
) -> None:
    out = tmp_path / "bundle"
    first = export_bundle(trained_run["run"], out, dtype="bf16")
    second = export_bundle(trained_run["run"], out, dtype="int8")
    assert (first["dtype"], second["dtype"]) == ("bf16", "int8")
    assert json.loads((out / MANIFEST_FILE).read_text())["dtype"] == "int8"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not a model bundle"):
        export_bundle(trained_run["run"], precious)
    assert (precious / "todo.txt").read_text() == "keep me"


def test_load_bundle_refuses_a_bare_checkpoint(bundles, trained_run) -> None:
    from model.api import load_bundle

    assert load_bundle(bundles["bf16"]).model.config.n_layer == 2
    with pytest.raises(BundleIntegrityError, match=r"no manifest\.json"):
        load_bundle(sorted(trained_run["run"].glob("step-*"))[-1])
