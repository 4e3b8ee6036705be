"""MinHash and LSH: estimates near the true Jaccard, edited copies found, others left alone."""

from __future__ import annotations

import random

import numpy as np
import pytest

from model.data.process.near_dup import (
    MinHasher,
    clusters,
    jaccard_estimate,
    lsh_bands,
    shingles,
)
from tests.model.process.conftest import edit_one_word, english_notes


def exact_jaccard(a: str, b: str) -> float:
    x, y = shingles(a, 5), shingles(b, 5)
    return len(x & y) / len(x | y)


@pytest.fixture(scope="module")
def notes() -> list[str]:
    return english_notes()[:150]


def test_signatures_estimate_jaccard_similarity(notes: list[str]) -> None:
    hasher, rng = MinHasher(), random.Random(1)
    pairs = [(rng.choice(notes), rng.choice(notes)) for _ in range(150)]
    pairs += [(a, edit_one_word(a, rng)) for a in notes[:50]]  # high similarity too
    errors = [
        jaccard_estimate(hasher.signature(a), hasher.signature(b)) - exact_jaccard(a, b)
        for a, b in pairs
    ]
    assert abs(np.mean(errors)) < 0.02 and np.std(errors) < 0.05


def test_signatures_depend_on_the_seed_only() -> None:
    text = english_notes()[0]
    assert (MinHasher(seed=4).signature(text) == MinHasher(seed=4).signature(text)).all()
    assert (MinHasher(seed=4).signature(text) != MinHasher(seed=5).signature(text)).any()


@pytest.mark.parametrize(("threshold", "dissimilar"), [(0.6, 0.1), (0.8, 0.4), (0.9, 0.5)])
def test_bands_make_a_pair_at_the_threshold_a_candidate_almost_surely(
    threshold: float, dissimilar: float
) -> None:
    bands, rows = lsh_bands(threshold, 128)
    assert bands * rows <= 128
    assert 1 - (1 - threshold**rows) ** bands >= 0.99
    assert 1 - (1 - dissimilar**rows) ** bands < 0.1  # dissimilar pairs are seldom checked


def test_edited_copies_cluster_with_their_originals_and_nothing_else(notes: list[str]) -> None:
    rng = random.Random(2)
    copies = [edit_one_word(text, rng) for text in notes[:20]]
    texts = notes + copies
    hasher = MinHasher(threshold=0.8)
    signatures = np.stack([hasher.signature(t) for t in texts])
    keys = np.stack([hasher.band_keys(s) for s in signatures])
    roots = clusters(keys, signatures, 0.8)
    assert all(exact_jaccard(a, b) >= 0.85 for a, b in zip(notes, copies, strict=False))
    assert (roots[len(notes) :] == np.arange(20)).all()  # each copy joins its original
    assert (roots[: len(notes)] == np.arange(len(notes))).all()  # originals stay apart
