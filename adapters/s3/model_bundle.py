"""Copies a model bundle (every object under a prefix) from S3 to local storage, once.

The ai-handler calls it at a cold start; a container that already holds the bundle in its
temporary storage (a warm restart of the process) finds the completion marker and skips the
download. The marker names the objects' ETags, so a new model version is downloaded again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

MARKER = ".bundle-complete.json"


class S3ModelBundle:
    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"

    def objects(self) -> dict[str, str]:
        """Relative path -> ETag of every object in the bundle."""
        found: dict[str, str] = {}
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self._bucket, Prefix=self._prefix):
            for item in page.get("Contents", []):
                relative = item["Key"][len(self._prefix) :]
                if relative and not relative.endswith("/"):
                    found[relative] = item["ETag"]
        return found

    def download_to(self, folder: Path) -> Path:
        objects = self.objects()
        if not objects:
            raise FileNotFoundError(f"no model bundle at s3://{self._bucket}/{self._prefix}")
        marker = folder / MARKER
        if marker.is_file() and json.loads(marker.read_text()) == objects:
            return folder
        if folder.exists():
            shutil.rmtree(folder)
        for relative in objects:
            target = (folder / relative).resolve()
            if folder.resolve() not in target.parents:
                raise ValueError(f"refusing an object that escapes the bundle: {relative!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            self._client.download_file(self._bucket, self._prefix + relative, str(target))
        marker.write_text(json.dumps(objects, sort_keys=True))
        return folder
