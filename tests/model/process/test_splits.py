"""Split assignment: every source in proportion, clusters whole, fixed by the seed."""

from __future__ import annotations

import numpy as np
import pytest

from model.data.process.splits import assign, order_key, parse_fractions


def assignment(sizes_by_source: dict[int, int], seed: int, clusters_of: int = 1):
    """Documents of each source in clusters of `clusters_of`, the first member as root."""
    sources = np.repeat(list(sizes_by_source), list(sizes_by_source.values()))
    n = len(sources)
    roots = np.arange(n) - np.arange(n) % clusters_of
    sources = sources[roots]  # a cluster lies within one source here
    keys = np.array([order_key(seed, str(s), str(i)) for i, s in enumerate(sources)], np.uint64)
    kept = np.ones(n, dtype=bool)
    return sources, roots, assign(roots, kept, sources, keys, (0.9, 0.05, 0.05))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_source_is_split_in_proportion_even_when_small(seed: int) -> None:
    sources, _, split = assignment({0: 1000, 1: 40, 2: 20}, seed)
    for source, n in ((0, 1000), (1, 40), (2, 20)):
        counts = np.bincount(split[sources == source], minlength=3)
        assert np.abs(counts - np.array([0.9, 0.05, 0.05]) * n).max() <= 1, (source, counts)


def test_a_cluster_lands_whole_in_one_split() -> None:
    _, roots, split = assignment({0: 600, 1: 300}, seed=0, clusters_of=3)
    for root in np.unique(roots):
        assert len(set(split[roots == root].tolist())) == 1
    assert set(split.tolist()) == {0, 1, 2}


def test_dropped_documents_get_no_split() -> None:
    roots = np.array([0, 0, 2, 3])
    kept = np.array([True, False, True, True])
    split = assign(roots, kept, np.zeros(4, np.int32), np.arange(4, dtype=np.uint64), (1, 0, 0))
    assert split.tolist() == [0, -1, 0, 0]


def test_the_seed_reorders_the_deal() -> None:
    assert (assignment({0: 200}, 1)[2] == assignment({0: 200}, 1)[2]).all()
    assert (assignment({0: 200}, 1)[2] != assignment({0: 200}, 2)[2]).any()


@pytest.mark.parametrize("spec", ["0.9,0.1", "0.9,0.2,0.1", "a,b,c", "1.1,-0.1,0"])
def test_bad_split_fractions_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="splits"):
        parse_fractions(spec)
