"""manifest.json: what a bundle holds, and the checks that it still holds exactly that."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

MANIFEST_FILE = "manifest.json"
FORMAT = "refocused-model-bundle"
FORMAT_VERSION = 1
_CHUNK = 8 << 20


class BundleIntegrityError(ValueError):
    """A bundle whose files do not match its manifest: truncated, altered, missing or unknown."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe_files(folder: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    return {
        name: {"size": (folder / name).stat().st_size, "sha256": sha256_file(folder / name)}
        for name in names
    }


def is_bundle(folder: Path) -> bool:
    return (folder / MANIFEST_FILE).is_file()


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except FileNotFoundError:
        raise BundleIntegrityError(f"{folder} has no {MANIFEST_FILE}: not a model bundle") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BundleIntegrityError(f"{folder / MANIFEST_FILE} is unreadable: {e}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleIntegrityError(f"{folder / MANIFEST_FILE} is not a {FORMAT} manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BundleIntegrityError(
            f"bundle format version {manifest.get('format_version')!r} is not supported "
            f"(this code reads version {FORMAT_VERSION}): export the bundle again"
        )
    return manifest


def verify_bundle(folder: Path) -> dict[str, Any]:
    """The manifest, once every file it lists has its recorded size and sha256."""
    manifest = read_manifest(folder)
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise BundleIntegrityError(f"{folder / MANIFEST_FILE} lists no files")
    for name, expected in files.items():
        path = folder / name
        # Names are plain file names: a manifest cannot point outside its bundle.
        if Path(name).name != name or name == MANIFEST_FILE:
            raise BundleIntegrityError(f"the manifest names an unexpected file {name!r}")
        if not path.is_file():
            raise BundleIntegrityError(f"bundle file {name} is missing from {folder}")
        size = path.stat().st_size
        if size != expected.get("size"):
            raise BundleIntegrityError(
                f"bundle file {name} has {size} bytes, the manifest says {expected.get('size')}"
                " (truncated or replaced)"
            )
        if sha256_file(path) != expected.get("sha256"):
            raise BundleIntegrityError(f"bundle file {name} fails its sha256 check (altered)")
    return manifest
