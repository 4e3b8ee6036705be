"""Train / validation / test assignment: stratified by source, whole clusters at a time.

Within each source, clusters are put in a seeded pseudo-random order (a hash of the seed and
the representative's id) and dealt out by position: the first 90 % of the source's documents
to train, the next 5 % to validation, the rest to test. Every source is then split in the
given proportions to within one cluster, however small it is; a hash threshold per document
would leave a 20-document source with no test document about a third of the time. The price:
adding documents can move others between splits, so compare test sets only within a run's
seed and inputs.
"""

from __future__ import annotations

import hashlib

import numpy as np

SPLIT_NAMES = ("train", "validation", "test")


def order_key(seed: int, source: str, doc_id: str) -> int:
    digest = hashlib.blake2b(f"{seed}\0{source}\0{doc_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def parse_fractions(spec: str) -> tuple[float, float, float]:
    """'0.9,0.05,0.05' -> (0.9, 0.05, 0.05)."""
    try:
        return check_fractions(tuple(float(part) for part in spec.split(",")))
    except ValueError:
        raise ValueError(f"splits {spec!r}: expected three fractions >= 0 that sum to 1") from None


def check_fractions(fractions: tuple[float, ...]) -> tuple[float, float, float]:
    if len(fractions) != 3 or min(fractions) < 0 or abs(sum(fractions) - 1) > 1e-6:
        raise ValueError(f"splits {fractions}: expected three fractions >= 0 that sum to 1")
    return fractions[0], fractions[1], fractions[2]


def assign(
    roots: np.ndarray,
    kept: np.ndarray,
    sources: np.ndarray,
    keys: np.ndarray,
    fractions: tuple[float, float, float],
) -> np.ndarray:
    """Split index (0, 1, 2) of every kept document, -1 for the others. `roots[i]` is the
    representative of document i's cluster; a cluster takes its representative's source."""
    split = np.full(len(roots), -1, dtype=np.int8)
    sizes = np.bincount(roots[kept], minlength=len(roots))
    clusters = np.flatnonzero(sizes)
    if not len(clusters):
        return split
    clusters = clusters[np.lexsort((keys[clusters], sources[clusters]))]  # by source, then key
    cluster_split = np.full(len(roots), -1, dtype=np.int8)
    bounds = np.cumsum(fractions)
    starts = np.flatnonzero(np.diff(sources[clusters], prepend=-1))
    for members in np.split(clusters, starts[1:]):
        ends = np.cumsum(sizes[members])
        middles = (ends - sizes[members] / 2) / ends[-1]
        cluster_split[members] = np.minimum(np.searchsorted(bounds, middles, side="right"), 2)
    split[kept] = cluster_split[roots[kept]]
    return split
