"""A corpus the user brings: text and markdown files (one document each), JSONL lines and
parquet rows (one document each), with the same provenance as collected text.

Files are read in sorted path order; the cursor is (file, last row read), so a stopped run goes
on from the next row. An id is the file's absolute path, plus `:<n>` for the n-th line or row
(counted from 1) of a JSONL or parquet file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.data.collect.core import Cursor, Document, Page, utc_now

WHOLE_FILE = (".txt", ".md", ".markdown")
SUFFIXES = (*WHOLE_FILE, ".jsonl", ".parquet")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


@dataclass
class LocalSource:
    paths: Sequence[Path]
    licence: str = "unknown"
    text_field: str = "text"
    batch: int = 10_000  # documents per page: each page costs one fsync
    name: str = "local"

    def pages(self, cursor: Cursor | None) -> Iterator[Page]:
        start_file, start_row = (cursor["file"], cursor["row"]) if cursor else ("", 0)
        for path in files_in(self.paths):
            if str(path) < start_file:
                continue
            skip = start_row if str(path) == start_file else 0
            documents: list[Document] = []
            row = skip
            for row, record in self._records(path):
                if row <= skip:
                    continue
                document = self._document(path, row, record)
                if document.text:
                    documents.append(document)
                if len(documents) == self.batch:
                    yield Page(documents, {"file": str(path), "row": row})
                    documents = []
            yield Page(documents, {"file": str(path), "row": row})

    def _records(self, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
        if path.suffix in WHOLE_FILE:
            text = _read_text(path)
            if path.suffix != ".txt":
                text = _FRONT_MATTER.sub("", text)  # YAML metadata, not prose
            yield 1, {self.text_field: text, "title": path.stem}
        elif path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as lines:
                for n, line in enumerate(lines, 1):
                    if line.strip():
                        try:
                            record = json.loads(line)
                        except ValueError as e:
                            raise ValueError(f"{path}:{n}: not JSON ({e})") from e
                        yield n, self._checked(f"{path}:{n}", record)
        else:
            import pyarrow.parquet as pq

            table = pq.ParquetFile(path)
            self._checked(str(path), dict.fromkeys(table.schema_arrow.names))
            columns = [c for c in (self.text_field, "title") if c in table.schema_arrow.names]
            n = 0
            for batch in table.iter_batches(columns=columns):
                for record in batch.to_pylist():
                    n += 1
                    yield n, record

    def _checked(self, where: str, record: Any) -> dict[str, Any]:
        if not isinstance(record, dict):
            raise ValueError(f"{where}: not a JSON object")
        if self.text_field not in record:
            raise ValueError(f"{where} has no {self.text_field!r} field (fields: {list(record)})")
        return record

    def _document(self, path: Path, row: int, record: dict[str, Any]) -> Document:
        whole = path.suffix in WHOLE_FILE
        text, title = record[self.text_field], record.get("title")
        return Document(
            source="local",
            id=str(path) if whole else f"{path}:{row}",
            url=path.as_uri(),
            licence=self.licence,
            fetched_at=utc_now(),
            title=title if isinstance(title, str) else None,
            text=text.strip() if isinstance(text, str) else "",
        )


def files_in(paths: Sequence[Path]) -> list[Path]:
    """The supported files named or found under folders, absolute, in sorted order."""
    files: set[Path] = set()
    for path in paths:
        if path.is_dir():
            files |= {p.resolve() for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()}
        elif path.is_file():
            if path.suffix not in SUFFIXES:
                raise ValueError(f"{path}: unsupported file type; use {', '.join(SUFFIXES)}")
            files.add(path.resolve())
        else:
            raise FileNotFoundError(f"{path} not found")
    if not files:
        raise FileNotFoundError(f"no {', '.join(SUFFIXES)} files in {', '.join(map(str, paths))}")
    return sorted(files, key=str)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text") from e
