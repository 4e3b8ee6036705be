"""The collection port and the one loop that drives it.

A source yields pages of documents, each with the cursor that continues after it. The loop
appends a page to the JSONL output, syncs it, and only then records the cursor and the file's
length in a state file (replaced atomically). A run killed at any point restarts from the last
recorded page: the output is cut back to the recorded length, so a half-written page is written
again rather than lost or repeated, and ids already in the file are never written twice.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

# JSON-serialisable, and opaque to everyone but the source that made it.
Cursor = dict[str, Any]


class CollectError(Exception):
    """A source cannot go on (HTTP failure after retries, an unexpected reply); the message is
    meant for the person running the collection."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Document:
    """One text with the provenance that says where it came from and under which licence."""

    source: str
    id: str
    url: str
    licence: str
    fetched_at: str
    text: str
    title: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)  # subreddit, score, lang ...

    def to_json(self) -> str:
        record = {
            "source": self.source,
            "id": self.id,
            "url": self.url,
            "licence": self.licence,
            "fetched_at": self.fetched_at,
            "title": self.title,
            "text": self.text,
            **self.meta,
        }
        return json.dumps(record, ensure_ascii=False)


@dataclass(frozen=True)
class Page:
    documents: list[Document]
    next_cursor: Cursor | None  # None: nothing after this page


class Source(Protocol):
    """Where documents come from.

    `pages(cursor)` yields pages from `cursor` on (None: from the beginning); a page's
    `next_cursor`, given back to `pages`, continues right after that page. A page may repeat
    documents seen before (live listings shift between requests): the collector drops them.
    `name` names the output files, so it must differ between collections that differ.
    """

    @property
    def name(self) -> str: ...

    def pages(self, cursor: Cursor | None) -> Iterator[Page]: ...


@dataclass
class Progress:
    documents: int  # in the output, earlier runs included
    new: int  # written by this run
    pages: int
    elapsed: float
    done: bool  # the source has nothing more

    @property
    def rate(self) -> float:
        return self.new / self.elapsed if self.elapsed > 0 else 0.0


def output_paths(out_dir: Path, name: str) -> tuple[Path, Path]:
    return out_dir / f"{name}.jsonl", out_dir / f"{name}.state.json"


def collect(
    source: Source,
    out_dir: Path,
    *,
    limit: int | None = None,
    on_page: Callable[[Progress], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Progress:
    """Collects into `out_dir/<name>.jsonl` until the source ends or the output holds `limit`
    documents, resuming from `<name>.state.json` when an earlier run left one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out_path, state_path = output_paths(out_dir, source.name)
    state = _load_state(out_path, state_path)
    start = clock()
    progress = Progress(state["documents"], 0, 0, 0.0, state["done"])
    if state["done"] or (limit is not None and state["documents"] >= limit):
        return progress
    cursor: Cursor | None = state["cursor"]
    with open(out_path, "a+b") as out:
        out.truncate(state["offset"])  # drop whatever a killed run wrote after its last page
        seen = _ids_in(out)
        for page in source.pages(cursor):
            fresh = [d for d in _unique(page.documents) if d.id not in seen]
            room = None if limit is None else limit - progress.documents
            taken = fresh if room is None else fresh[:room]
            out.write(b"".join(d.to_json().encode() + b"\n" for d in taken))
            out.flush()
            os.fsync(out.fileno())
            seen.update(d.id for d in taken)
            # A page cut short by the limit is fetched again next time; its taken ids are skipped.
            if len(taken) == len(fresh):
                cursor = page.next_cursor
                progress.done = cursor is None
            progress.documents += len(taken)
            progress.new += len(taken)
            progress.pages += 1
            progress.elapsed = clock() - start
            _save_state(state_path, cursor, out.tell(), progress.documents, progress.done)
            if on_page:
                on_page(progress)
            if progress.done or (limit is not None and progress.documents >= limit):
                break
        else:
            progress.done = True
            _save_state(state_path, cursor, out.tell(), progress.documents, True)
    progress.elapsed = clock() - start
    return progress


def _unique(documents: list[Document]) -> Iterator[Document]:
    ids: set[str] = set()
    for document in documents:
        if document.id not in ids:
            ids.add(document.id)
            yield document


def _ids_in(out: Any) -> set[str]:
    out.seek(0)
    return {json.loads(line)["id"] for line in out if line.strip()}


def _load_state(out_path: Path, state_path: Path) -> dict[str, Any]:
    if state_path.is_file():
        state: dict[str, Any] = json.loads(state_path.read_text())
        return state
    if out_path.is_file() and out_path.stat().st_size:
        raise CollectError(
            f"{out_path} exists without {state_path.name}, so where it stopped is unknown; "
            "move it away or choose another --out"
        )
    return {"cursor": None, "offset": 0, "documents": 0, "done": False}


def _save_state(path: Path, cursor: Cursor | None, offset: int, documents: int, done: bool) -> None:
    state = {"cursor": cursor, "offset": offset, "documents": documents, "done": done}
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w") as f:
        json.dump(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
