"""The per-document work of pass 1 that needs the text alone: normalisation, language, quality,
MinHash signature. It is most of the run's time and runs in worker processes when asked
(`workers`), so the pass scales with cores; exact dedup, which needs every earlier document,
stays with the caller."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np

from model.data.process import language, quality
from model.data.process.near_dup import MinHasher
from model.data.process.normalise import normalise


@dataclass(frozen=True)
class Analysis:
    text: str  # normalised; "" when there was none
    digest: bytes  # of the normalised text, for exact dedup
    dropped: str | None = None  # empty, exact_duplicate, language, low_quality, or kept
    language: tuple[str, float] | None = None  # None when not identified
    quality: quality.Quality | None = None  # None when not scored
    signature: np.ndarray | None = None  # only for kept documents
    seconds: dict[str, float] = field(default_factory=dict)  # per stage


@dataclass(frozen=True)
class Analyser:
    languages: tuple[str, ...]  # empty: any
    min_language_score: float
    min_quality: float
    hasher: MinHasher

    def __call__(self, raw: Any, seen: Container[bytes] = frozenset()) -> Analysis:
        """Stops at the first stage that drops the document; `seen` holds the digests of the
        texts already kept, when the caller can tell them (one process)."""
        seconds: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            seconds[stage], clock = now - clock, now

        text = normalise(raw) if isinstance(raw, str) else ""  # None, a number: no text
        lap("normalise")
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        lap("exact_dedup")
        if not text or digest in seen:
            return Analysis(text, digest, "exact_duplicate" if text else "empty", seconds=seconds)
        code, score = language.detect(text)
        lap("language")
        wanted = (not self.languages or code in self.languages) and (
            score >= self.min_language_score
        )
        if not wanted:
            return Analysis(text, digest, "language", (code, score), seconds=seconds)
        assessed = quality.assess(text)
        lap("quality")
        if assessed.score < self.min_quality:
            return Analysis(text, digest, "low_quality", (code, score), assessed, seconds=seconds)
        signature = self.hasher.signature(text)
        lap("near_dedup")
        return Analysis(text, digest, None, (code, score), assessed, signature, seconds)


def analysed(
    documents: Iterable[dict[str, Any]],
    analyser: Analyser,
    workers: int,
    seen: Container[bytes],
) -> Iterator[tuple[dict[str, Any], Analysis]]:
    """(document, analysis) in input order. With several workers, documents are read a batch
    ahead (64 a worker), so memory stays bounded however long the stream is."""
    if workers <= 1:
        for doc in documents:
            yield doc, analyser(doc.get("text"), seen)
        return
    import multiprocessing

    # spawn, not fork: the parent runs pyarrow's threads, which a fork would copy mid-flight.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start_worker, initargs=(analyser,)) as pool:
        iterator = iter(documents)
        while batch := list(islice(iterator, 64 * workers)):
            texts = [doc.get("text") for doc in batch]
            yield from zip(batch, pool.map(_analyse, texts, chunksize=16), strict=True)


_worker_analyser: Callable[[Any], Analysis] | None = None


def _start_worker(analyser: Analyser) -> None:
    global _worker_analyser
    _worker_analyser = analyser
    language.detect("warm up")  # load the model once, before the first batch


def _analyse(raw: Any) -> Analysis:
    assert _worker_analyser is not None
    return _worker_analyser(raw)
