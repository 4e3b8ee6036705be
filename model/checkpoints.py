"""Where checkpoints live: a port with a local-folder adapter and an S3 adapter.

A checkpoint is a folder of files (weights, config, tokenizer, trainer state, loss curve) named
`step-NNNNNNN`; stores copy whole folders in and out, so training only ever reads and writes
local files.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Protocol

_NAME = re.compile(r"^step-(\d+)$")


def checkpoint_name(step: int) -> str:
    return f"step-{step:07d}"


def checkpoint_step(name: str) -> int:
    match = _NAME.match(name)
    if not match:
        raise ValueError(f"{name!r} is not a checkpoint name (step-NNNNNNN)")
    return int(match.group(1))


class CheckpointStore(Protocol):
    """Contract: `put` then `names` lists the name; `get` returns a local folder with the same
    files `put` was given; a name that was never put raises FileNotFoundError."""

    def put(self, name: str, folder: Path) -> None: ...

    def get(self, name: str, dest: Path) -> Path: ...

    def names(self) -> list[str]: ...


def latest(store: CheckpointStore) -> str | None:
    names = [n for n in store.names() if _NAME.match(n)]
    return max(names, key=checkpoint_step) if names else None


class LocalCheckpointStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, name: str, folder: Path) -> None:
        target = self.root / name
        if target.resolve() == folder.resolve():
            return
        partial = self.root / f".{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(folder, partial)
        shutil.rmtree(target, ignore_errors=True)
        # A rename is atomic: a crash never leaves a half-written checkpoint under its name.
        partial.rename(target)

    def get(self, name: str, dest: Path) -> Path:
        source = self.root / name
        if not source.is_dir():
            raise FileNotFoundError(f"checkpoint {source} not found")
        return source

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _NAME.match(p.name))


def parse_s3(location: str) -> tuple[str, str]:
    """(bucket, prefix ending in "/" or empty) from s3://bucket/prefix."""
    if not location.startswith("s3://"):
        raise ValueError(f"{location!r} is not an s3://bucket/prefix location")
    bucket, _, prefix = location[len("s3://") :].partition("/")
    if not bucket:
        raise ValueError(f"{location!r} names no bucket")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


class S3Prefix:
    """The objects under s3://bucket/prefix/, through boto3 (its usual credentials and
    AWS_ENDPOINT_URL) or a given client."""

    def __init__(self, bucket: str, prefix: str = "", *, client: Any = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _keys(self, prefix: str | None = None) -> list[str]:
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix if prefix is None else prefix
        ):
            keys += [item["Key"] for item in page.get("Contents", [])]
        return keys


class S3CheckpointStore(S3Prefix):
    """s3://bucket/prefix/<name>/<file>; a `_COMPLETE` object, written last, marks a whole
    checkpoint, so an interrupted upload is never resumed from."""

    _COMPLETE = "_COMPLETE"

    def put(self, name: str, folder: Path) -> None:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            key = f"{self.prefix}{name}/{path.relative_to(folder).as_posix()}"
            self.client.upload_file(str(path), self.bucket, key)
        self.client.put_object(Bucket=self.bucket, Key=f"{self.prefix}{name}/{self._COMPLETE}")

    def get(self, name: str, dest: Path) -> Path:
        keys = self._keys(f"{self.prefix}{name}/")
        marker = f"{self.prefix}{name}/{self._COMPLETE}"
        if marker not in keys:
            raise FileNotFoundError(f"checkpoint s3://{self.bucket}/{self.prefix}{name} not found")
        target = dest / name
        for key in keys:
            if key == marker:
                continue
            path = target / key[len(f"{self.prefix}{name}/") :]
            path.parent.mkdir(parents=True, exist_ok=True)
            self.client.download_file(self.bucket, key, str(path))
        return target

    def names(self) -> list[str]:
        names = []
        for key in self._keys(self.prefix):
            parts = key[len(self.prefix) :].split("/")
            if len(parts) == 2 and parts[1] == self._COMPLETE:
                names.append(parts[0])
        return sorted(names)


def store_for(location: str) -> CheckpointStore:
    """`s3://bucket/prefix` or a local folder."""
    if location.startswith("s3://"):
        return S3CheckpointStore(*parse_s3(location))
    return LocalCheckpointStore(Path(location))
