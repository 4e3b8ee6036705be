"""Near-duplicates: MinHash signatures of word n-gram shingles, LSH banding, candidate pairs
checked against the signatures' Jaccard estimate, clusters by union-find.

Our own numpy code rather than datasketch, for memory: datasketch's MinHashLSH keeps Python
sets and bytes per band and document (about 7.8 KB a document, measured), so ten million
documents would need some 80 GB. Here the index is one uint64 per band and document (168
bytes at the default 21 bands) kept in RAM, plus the signatures (512 bytes a document) in a
file on disk; candidates come from sorting each band's column, the batch form of the same
bucket lookup. It also spares the model resolve scipy, which datasketch imports.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_WORD = re.compile(r"\w+")
_U64 = np.uint64


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser: every input bit moves every output bit."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def lsh_bands(threshold: float, num_perm: int, recall: float = 0.99) -> tuple[int, int]:
    """(bands, rows per band): the longest bands (fewest false candidates) that still make a
    pair at exactly `threshold` a candidate with probability `recall`."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1 - (1 - threshold**rows) ** bands >= recall:
            best = (bands, rows)
    return best


def shingles(text: str, n: int) -> set[str]:
    """The document's word n-grams, lowercased (the whole text when it has fewer words)."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


@dataclass
class MinHasher:
    """Signatures by multiply-shift hashing of 64-bit shingle hashes: num_perm independent
    hash functions, all fixed by `seed`, so runs are repeatable."""

    num_perm: int = 128
    shingle_words: int = 5
    threshold: float = 0.8
    seed: int = 0

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)

        def draw(size: int) -> np.ndarray:
            return rng.integers(0, 2**64 - 1, size=size, dtype=np.uint64, endpoint=True)

        self.a = draw(self.num_perm) | _U64(1)
        self.b = draw(self.num_perm)
        self.word_mix = draw(self.shingle_words) | _U64(1)
        self.bands, self.rows = lsh_bands(self.threshold, self.num_perm)
        self.band_mix = draw(self.rows) | _U64(1)

    def signature(self, text: str) -> np.ndarray:
        """(num_perm,) uint32: the minimum of each hash function over the text's shingles."""
        words = _WORD.findall(text.lower()) or [""]
        hashes = np.fromiter((zlib.crc32(w.encode()) for w in words), _U64, len(words))
        n = min(self.shingle_words, len(words))
        windows = np.lib.stride_tricks.sliding_window_view(hashes, n)
        shingle_hashes = _fmix64((windows * self.word_mix[:n]).sum(axis=1, dtype=_U64))
        permuted = (shingle_hashes[:, None] * self.a + self.b) >> _U64(32)
        return permuted.min(axis=0).astype(np.uint32)

    def band_keys(self, signature: np.ndarray) -> np.ndarray:
        """(bands,) uint64: equal keys in a band make two documents candidates."""
        rows = signature[: self.bands * self.rows].reshape(self.bands, self.rows).astype(_U64)
        return _fmix64((rows * self.band_mix).sum(axis=1, dtype=_U64))


def jaccard_estimate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Share of equal signature entries, row by row: an unbiased estimate of Jaccard similarity
    (standard error about 0.035 at 0.8 with 128 hash functions)."""
    return (a == b).mean(axis=-1)


def candidate_pairs(band_keys: np.ndarray) -> np.ndarray:
    """(pairs, 2) document indices sharing a band key. Within a bucket, each document pairs
    with the next one, so a bucket of k documents costs k - 1 checks, not k^2 / 2."""
    found = []
    for column in band_keys.T:
        order = np.argsort(column, kind="stable")
        same = column[order[1:]] == column[order[:-1]]
        found.append(np.stack([order[:-1][same], order[1:][same]], axis=1))
    pairs = np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)
    return np.unique(np.sort(pairs, axis=1), axis=0)


def clusters(
    band_keys: np.ndarray, signatures: np.ndarray, threshold: float, chunk: int = 65_536
) -> np.ndarray:
    """Each document's cluster root (the smallest index in its cluster): candidates whose
    estimated Jaccard reaches `threshold` are joined, transitively."""
    parent = np.arange(len(band_keys))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = candidate_pairs(band_keys)
    for start in range(0, len(pairs), chunk):
        left, right = pairs[start : start + chunk].T
        similar = jaccard_estimate(signatures[left], signatures[right]) >= threshold
        for i, j in zip(left[similar].tolist(), right[similar].tolist(), strict=True):
            ri, rj = find(i), find(j)
            parent[max(ri, rj)] = min(ri, rj)
    while (parent[parent] != parent).any():  # pointer jumping: every node to its root
        parent = parent[parent]
    return parent


class SignatureFile:
    """Signatures appended to a file during the streaming pass and memory-mapped afterwards,
    so only the band keys stay in RAM."""

    def __init__(self, path: Path, hasher: MinHasher) -> None:
        self.path, self.hasher = path, hasher
        self._file = path.open("wb")
        self._keys = bytearray()
        self.count = 0

    def add(self, signature: np.ndarray) -> None:
        self._file.write(signature.tobytes())
        self._keys += self.hasher.band_keys(signature).tobytes()
        self.count += 1

    def close(self) -> tuple[np.ndarray, np.ndarray]:
        """(band keys (n, bands), signatures (n, num_perm) memory-mapped)."""
        self._file.close()
        # A view of the buffer, not a copy; the buffer is not written to again.
        keys = np.frombuffer(self._keys, dtype=_U64).reshape(self.count, self.hasher.bands)
        if not self.count:
            return keys, np.empty((0, self.hasher.num_perm), np.uint32)
        shape = (self.count, self.hasher.num_perm)
        return keys, np.memmap(self.path, dtype=np.uint32, mode="r", shape=shape)
