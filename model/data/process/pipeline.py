"""The curation run, in two passes over a stream of documents.

Pass 1 streams the input once: normalise, drop exact duplicates, identify the language, score
quality, and compute a MinHash signature (`analysis`, in worker processes if asked); survivors
go to an intermediate JSONL file. Between
the passes, near-duplicate clusters are found from the signatures and each cluster is given one
split. Pass 2 streams the intermediate file into train / validation / test JSONL.

Memory grows with the number of documents, never with their text: about 300 bytes a document
(a 16-byte hash for exact dedup, 21 band keys, quality, source and order key), plus a 512-byte
signature a document on disk.
"""

from __future__ import annotations

import array
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.data.process import language, near_dup, splits
from model.data.process.analysis import Analyser, Analysis, analysed

_BUILDERS = {".jsonl": "json", ".json": "json", ".parquet": "parquet", ".txt": "text"}
REASONS = ("empty", "exact_duplicate", "language", "low_quality", "near_duplicate")


@dataclass(frozen=True)
class ProcessConfig:
    languages: tuple[str, ...] = ("en",)  # empty: keep every language (still recorded)
    min_language_score: float = 0.5
    min_quality: float = 0.5  # 1.0 is Gopher's filter exactly: any failed rule drops
    near_dup_threshold: float = 0.8  # estimated Jaccard of word 5-gram shingles
    shingle_words: int = 5
    num_perm: int = 128
    splits: tuple[float, float, float] = (0.9, 0.05, 0.05)
    seed: int = 0
    keep_near_duplicates: bool = False  # keep every member of a cluster (still one split)

    def __post_init__(self) -> None:
        unknown = set(self.languages) - set(language.known_languages())
        if unknown:
            raise ValueError(f"unknown language code(s): {', '.join(sorted(unknown))}")
        for name in ("min_language_score", "min_quality", "near_dup_threshold"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        splits.check_fractions(self.splits)


@dataclass
class Stage:
    name: str
    documents_in: int = 0
    documents_out: int = 0
    seconds: float = 0.0
    dropped: Counter[str] = field(default_factory=Counter)

    def count(self, reason: str | None = None, seconds: float = 0.0) -> None:
        """One document through this stage, dropped for `reason` if given."""
        self.seconds += seconds
        self.documents_in += 1
        if reason:
            self.dropped[reason] += 1
        else:
            self.documents_out += 1

    def as_dict(self) -> dict[str, Any]:
        rate = self.documents_in / self.seconds if self.seconds else None
        return {**asdict(self), "dropped": dict(self.dropped), "documents_per_second": rate}


def read_documents(paths: Sequence[Path], text_field: str = "text") -> Iterator[dict[str, Any]]:
    """Rows of local JSONL / JSON / parquet files (and whole .txt files), streamed through
    `datasets` without loading a file whole. `source` defaults to the file's name and `id` to
    name:row; every other field passes through. Missing files fail here, before any work."""
    return _rows(_expand(paths), text_field)


def _rows(files: list[Path], text_field: str) -> Iterator[dict[str, Any]]:
    # Local files only: nothing is fetched from a hub, even when the machine is online.
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from datasets import load_dataset

    for path in files:
        if path.suffix == ".jsonl":
            # Streamed as lines and parsed here: the JSON builder's type inference would turn
            # provenance such as "2026-11-26T17:05:11Z" into timestamps and lose its spelling.
            lines = load_dataset("text", data_files=str(path), split="train", streaming=True)
            rows: Iterable[dict[str, Any]] = (_parse(path, r["text"]) for r in lines if r["text"])
        else:
            builder = _BUILDERS[path.suffix]
            options = {"sample_by": "document"} if builder == "text" else {}
            rows = load_dataset(
                builder, data_files=str(path), split="train", streaming=True, **options
            )
        field_name = "text" if path.suffix == ".txt" else text_field
        for row, doc in enumerate(rows, start=1):
            if field_name not in doc:
                raise ValueError(f"{path} has no {field_name!r} field (fields: {sorted(doc)})")
            doc["text"] = doc.pop(field_name)
            doc["source"] = doc.get("source") or path.name
            doc["id"] = str(doc.get("id") or f"{path.name}:{row}")
            yield doc


def _parse(path: Path, line: str) -> dict[str, Any]:
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: a line is not JSON ({e})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: a line is not a JSON object")
    return doc


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.suffix in _BUILDERS and p.is_file())
            # A collection folder also holds each output's resume cursor, <name>.state.json.
            files += sorted(p for p in found if not p.name.endswith(".state.json"))
        elif not path.exists():
            raise FileNotFoundError(f"{path} not found")
        elif path.suffix not in _BUILDERS:
            raise ValueError(f"{path}: unsupported file type; use {', '.join(_BUILDERS)}")
        else:
            files.append(path)
    if not files:
        raise FileNotFoundError(f"no {', '.join(_BUILDERS)} files in {', '.join(map(str, paths))}")
    return files


def _progress(items: Iterable[Any], show: bool, desc: str, total: int | None = None) -> Any:
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)


# Where each reason for dropping a document is decided, in the order documents meet them.
_DROPPED_AT = {
    "empty": "normalise",
    "exact_duplicate": "exact_dedup",
    "language": "language",
    "low_quality": "quality",
}


@dataclass
class _FirstPass:
    """Pass 1's bookkeeping, one analysed document at a time: what it keeps goes to `out` and
    to the signatures; per document it remembers only numbers (source, order key, quality)."""

    config: ProcessConfig
    signatures: near_dup.SignatureFile
    out: Any  # the intermediate JSONL file
    stages: dict[str, Stage] = field(default_factory=dict)
    seen: set[bytes] = field(default_factory=set)
    source_ids: dict[str, int] = field(default_factory=dict)
    sources: array.array[int] = field(default_factory=lambda: array.array("i"))
    keys: array.array[int] = field(default_factory=lambda: array.array("Q"))
    scores: array.array[float] = field(default_factory=lambda: array.array("f"))  # every scored doc
    kept_scores: array.array[float] = field(default_factory=lambda: array.array("f"))
    failed_rules: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        for name in ("normalise", "exact_dedup", "language", "quality", "near_dedup"):
            self.stages[name] = Stage(name)

    def record(self, doc: dict[str, Any], n: int, analysis: Analysis) -> None:
        reason = analysis.dropped
        if reason != "empty" and analysis.digest in self.seen:
            reason = "exact_duplicate"  # workers cannot know; they analyse copies in full
        # Each stage the document reached counts it, with the time the analysis spent there
        # (not the time a worker spent on a copy past the stage that drops it).
        for stage in _DROPPED_AT.values():
            dropped_here = reason is not None and _DROPPED_AT[reason] == stage
            seconds = analysis.seconds.get(stage, 0.0)
            self.stages[stage].count(reason if dropped_here else None, seconds)
            if dropped_here:
                break
        if reason is None:
            self.stages["near_dedup"].seconds += analysis.seconds.get("near_dedup", 0.0)
        if reason in ("empty", "exact_duplicate"):
            return
        self.seen.add(analysis.digest)
        assert analysis.language is not None
        code, lang_score = analysis.language
        self.languages[code] += 1
        if analysis.quality is not None:
            self.scores.append(analysis.quality.score)
        if reason == "low_quality" and analysis.quality is not None:
            self.failed_rules.update(analysis.quality.failed)
        if reason or analysis.quality is None or analysis.signature is None:
            return
        source = str(doc.get("source") or "unknown")
        doc_id = str(doc.get("id") or f"{source}:{n}")
        self.signatures.add(analysis.signature)
        self.sources.append(self.source_ids.setdefault(source, len(self.source_ids)))
        self.keys.append(splits.order_key(self.config.seed, source, doc_id))
        self.kept_scores.append(analysis.quality.score)
        record = {
            **doc,
            "text": analysis.text,
            "source": source,
            "id": doc_id,
            "lang": code,
            **({"lang_declared": doc["lang"]} if doc.get("lang") not in (None, code) else {}),
            "lang_score": lang_score,
            "quality": analysis.quality.score,
            "quality_failed": ",".join(analysis.quality.failed),
        }
        self.out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def _timed(items: Iterable[Any], stage: Stage) -> Iterator[Any]:
    """`items`, with the time spent waiting for each counted to `stage`."""
    iterator = iter(items)
    while True:
        clock = time.perf_counter()
        try:
            item = next(iterator)
        except StopIteration:
            return
        stage.count(seconds=time.perf_counter() - clock)
        yield item


def process(
    documents: Iterable[dict[str, Any]],
    out_dir: Path,
    config: ProcessConfig = ProcessConfig(),
    *,
    workers: int = 1,
    progress: bool = False,
    on_document: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Curates `documents` (dicts with `text`; `source` and `id` advised) into
    out_dir/{train,validation,test}.jsonl with report.json, report.md and quality_hist.png.
    `workers` > 1 analyses documents in that many processes. `on_document(n)` is called once
    the n-th input document has been dealt with."""
    from model.data.process.report import write_report

    out_dir.mkdir(parents=True, exist_ok=True)
    hasher = near_dup.MinHasher(
        config.num_perm, config.shingle_words, config.near_dup_threshold, config.seed
    )
    analyser = Analyser(config.languages, config.min_language_score, config.min_quality, hasher)
    read = Stage("read")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".process-") as work:
        intermediate = Path(work) / "pass1.jsonl"
        signatures = near_dup.SignatureFile(Path(work) / "signatures.u32", hasher)
        with intermediate.open("w", encoding="utf-8") as out:
            first = _FirstPass(config, signatures, out)
            stream = _timed(documents, read)
            pairs = analysed(_progress(stream, progress, "pass 1"), analyser, workers, first.seen)
            for n, (doc, analysis) in enumerate(pairs, start=1):
                first.record(doc, n, analysis)
                if on_document:
                    on_document(n)

        clock = time.perf_counter()
        band_keys, signature_rows = signatures.close()
        roots = near_dup.clusters(band_keys, signature_rows, config.near_dup_threshold)
        best = _representatives(roots, np.frombuffer(first.kept_scores, dtype=np.float32))
        if config.keep_near_duplicates:
            kept = np.ones(len(roots), dtype=bool)
        else:
            kept = best == np.arange(len(roots))
        dedup = first.stages["near_dedup"]
        dedup.documents_in, dedup.documents_out = len(roots), int(kept.sum())
        dedup.dropped["near_duplicate"] = len(roots) - int(kept.sum())
        dedup.seconds += time.perf_counter() - clock
        sources = np.frombuffer(first.sources, dtype=np.int32)
        order_keys = np.frombuffer(first.keys, dtype=np.uint64)
        split = splits.assign(best, kept, sources, order_keys, config.splits)
        write = _write_splits(intermediate, split, out_dir, progress)

    seconds = time.perf_counter() - started
    stages = [read, *first.stages.values(), write]
    report = {
        "documents_in": read.documents_in,
        "documents_out": write.documents_out,
        "dropped": {r: sum(s.dropped[r] for s in stages) for r in REASONS},
        "failed_rules": dict(first.failed_rules.most_common()),
        "languages": dict(first.languages.most_common()),
        "near_duplicate_clusters": int((np.bincount(roots, minlength=len(roots)) > 1).sum()),
        "splits": _split_counts(split, sources, list(first.source_ids)),
        "stages": [s.as_dict() for s in stages],
        "seconds": seconds,
        "documents_per_second": read.documents_in / seconds if seconds else None,
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()},
    }
    scores = np.frombuffer(first.scores, dtype=np.float32)
    write_report(report, scores, config.min_quality, out_dir)
    return report


def _representatives(roots: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Each document's cluster representative: the member of best quality, earliest on ties."""
    order = np.lexsort((np.arange(len(roots)), -scores, roots))
    first = np.ones(len(order), dtype=bool)
    first[1:] = roots[order[1:]] != roots[order[:-1]]
    best_of_root = np.empty(len(roots), dtype=np.int64)
    best_of_root[roots[order[first]]] = order[first]
    return best_of_root[roots]


def _write_splits(intermediate: Path, split: np.ndarray, out_dir: Path, progress: bool) -> Stage:
    stage = Stage("split")
    names = splits.SPLIT_NAMES
    files = [(out_dir / f"{name}.jsonl").open("w", encoding="utf-8") for name in names]
    clock = time.perf_counter()
    try:
        with intermediate.open(encoding="utf-8") as lines:
            rows = zip(lines, split.tolist(), strict=True)
            for line, chosen in _progress(rows, progress, "pass 2", len(split)):
                if chosen >= 0:
                    files[chosen].write(line)
                    stage.count()
    finally:
        for file in files:
            file.close()
    stage.seconds = time.perf_counter() - clock
    return stage


def _split_counts(
    split: np.ndarray, sources: np.ndarray, names: list[str]
) -> dict[str, dict[str, Any]]:
    counts = {}
    for i, name in enumerate(splits.SPLIT_NAMES):
        per_source = np.bincount(sources[split == i], minlength=len(names))
        counts[name] = {
            "documents": int((split == i).sum()),
            "sources": {s: int(c) for s, c in zip(names, per_source, strict=True) if c},
        }
    return counts
