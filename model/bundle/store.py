"""Where bundles are published: a port and its S3 adapter (the ai-handler's MODEL_BUCKET).

Contract: after `put(folder)` the files directly under the prefix are exactly the bundle's:
manifest.json is written last, and files of an earlier bundle that the new one lacks are
deleted, so a reader that copies the prefix gets one bundle, not a mix (one that copies it
while an upload runs gets files that fail their checksums, and refuses them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from model.bundle.manifest import MANIFEST_FILE, verify_bundle
from model.checkpoints import S3Prefix, parse_s3


class BundleStore(Protocol):
    def put(self, folder: Path, progress: Callable[[str], None] = ...) -> str: ...


class S3BundleStore(S3Prefix):
    @classmethod
    def at(cls, location: str, *, client: Any = None) -> S3BundleStore:
        return cls(*parse_s3(location), client=client)

    def put(self, folder: Path, progress: Callable[[str], None] = lambda _: None) -> str:
        manifest = verify_bundle(folder)  # a broken bundle is never published
        names = [*manifest["files"], MANIFEST_FILE]
        for name in names:
            size, started = (folder / name).stat().st_size, time.perf_counter()
            self.client.upload_file(str(folder / name), self.bucket, self.prefix + name)
            seconds = max(time.perf_counter() - started, 1e-6)
            progress(f"uploaded {name}: {size / 1e6:.1f} MB at {size / 1e6 / seconds:.1f} MB/s")
        # Only files beside the bundle's own go: nothing in "folders" below the prefix.
        stale = [
            k
            for k in self._keys()
            if k[len(self.prefix) :] not in names and "/" not in k[len(self.prefix) :]
        ]
        for start in range(0, len(stale), 1000):
            chunk = [{"Key": k} for k in stale[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk})
        return f"s3://{self.bucket}/{self.prefix}"
