"""Quality heuristics after Gopher (Rae et al. 2021, "Scaling Language Models", appendix A:
the MassiveText quality and repetition filters), with the paper's bounds.

Each rule measures one property of a document and has a bound. Gopher drops a document that
breaks any rule; here a broken rule scores by how far it is broken (1 at the bound, falling
linearly to 0 at `margin` beyond it) and the document's score is the product of its rules'
scores. A score of 1 means every rule holds, so `min_quality=1` is Gopher's filter exactly; a
lower threshold forgives documents that miss a bound narrowly (a 45-word note, say).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

STOP_WORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})
BULLETS = ("•", "●", "‣", "◦", "*", "-", "\u2013")  # ... and an en dash
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")
# Whitespace-separated tokens holding a letter or digit / a letter, found by regex: a Python
# loop over the characters of every word took a third of the scoring time.
_CONTENT_WORD = re.compile(r"\S*?[^\W_]\S*")
_ALPHABETIC_WORD = re.compile(r"\S*?[^\W\d_]\S*")
_STOP_WORD = re.compile(r"\b(?:" + "|".join(sorted(STOP_WORDS)) + r")\b")


@dataclass(frozen=True)
class Measures:
    """What the rules look at, computed once per document."""

    text: str
    words: list[str]  # whitespace-separated tokens, as written
    content_words: list[str]  # tokens with at least one letter or digit
    lines: list[str]
    paragraphs: list[str]
    prefix_lengths: list[int]  # characters in the first k content words

    @classmethod
    def of(cls, text: str) -> Measures:
        words = text.split()
        content = _CONTENT_WORD.findall(text)
        return cls(
            text=text,
            words=words,
            content_words=content,
            lines=[line for line in text.split("\n") if line],
            paragraphs=[p for p in _PARAGRAPH_BREAK.split(text) if p],
            prefix_lengths=list(accumulate(map(len, content), initial=0)),
        )


@dataclass(frozen=True)
class Rule:
    name: str
    measure: Callable[[Measures], float]
    low: float | None = None  # the measure must be at least this
    high: float | None = None  # ... and at most this
    margin: float = 1.0  # how far past the bound the rule's score reaches 0

    def score(self, value: float) -> float:
        if self.low is not None and value < self.low:
            return max(0.0, 1.0 - (self.low - value) / self.margin)
        if self.high is not None and value > self.high:
            return max(0.0, 1.0 - (value - self.high) / self.margin)
        return 1.0


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def mean_word_length(m: Measures) -> float:
    return _ratio(sum(map(len, m.content_words)), len(m.content_words))


def symbol_ratio(m: Measures) -> float:
    symbols = m.text.count("#") + m.text.count("...") + m.text.count("…")
    return _ratio(symbols, len(m.words))


def bullet_lines(m: Measures) -> float:
    return _ratio(sum(line.startswith(BULLETS) for line in m.lines), len(m.lines))


def ellipsis_lines(m: Measures) -> float:
    return _ratio(sum(line.endswith(("...", "…")) for line in m.lines), len(m.lines))


def alphabetic_words(m: Measures) -> float:
    return _ratio(len(_ALPHABETIC_WORD.findall(m.text)), len(m.words))


def stop_words(m: Measures) -> float:
    return len(_STOP_WORD.findall(m.text.lower()))


def _duplicates(items: list[str]) -> tuple[int, int]:
    """(how many items repeat an earlier one, how many characters those repeats hold)."""
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count, chars = count + 1, chars + len(item)
        else:
            seen.add(item)
    return count, chars


def duplicate_fraction(part: str) -> Callable[[Measures], float]:
    def measure(m: Measures) -> float:
        items = getattr(m, part)
        return _ratio(_duplicates(items)[0], len(items))

    return measure


def duplicate_char_fraction(part: str) -> Callable[[Measures], float]:
    def measure(m: Measures) -> float:
        return _ratio(_duplicates(getattr(m, part))[1], len(m.text))

    return measure


def _ngrams(words: list[str], n: int) -> list[tuple[str, ...]]:
    return list(zip(*(words[k:] for k in range(n)), strict=False))


def _chars(m: Measures, start: int, n: int) -> int:
    """Characters of the n-gram at `start`, joined by spaces."""
    return m.prefix_lengths[start + n] - m.prefix_lengths[start] + n - 1


def top_ngram_char_fraction(n: int) -> Callable[[Measures], float]:
    """Share of the text's characters covered by its most frequent word n-gram (if repeated)."""

    def measure(m: Measures) -> float:
        counts = Counter(_ngrams(m.content_words, n))
        if not counts:
            return 0.0
        ngram, count = counts.most_common(1)[0]
        covered = (sum(map(len, ngram)) + n - 1) * count
        return _ratio(covered, len(m.text)) if count > 1 else 0.0

    return measure


def duplicate_ngram_char_fraction(n: int) -> Callable[[Measures], float]:
    """Share of the text's characters inside word n-grams seen earlier, Gopher's way: walking
    the words, a repeated n-gram counts and the walk jumps past it (repeats do not overlap);
    otherwise the n-gram is remembered and the walk moves one word on."""

    def measure(m: Measures) -> float:
        ngrams = _ngrams(m.content_words, n)
        if len(set(ngrams)) == len(ngrams):  # nothing repeats: no need to walk
            return 0.0
        seen: set[tuple[str, ...]] = set()
        repeated, i, end = 0, 0, len(ngrams)
        while i < end:
            if ngrams[i] in seen:
                repeated += _chars(m, i, n)
                i += n
            else:
                seen.add(ngrams[i])
                i += 1
        return _ratio(repeated, len(m.text))

    return measure


# Gopher's bounds (Rae et al. 2021, A.1.1 and table A1). Margins are ours: how far past a bound
# a document may go before its score reaches 0.
RULES: tuple[Rule, ...] = (
    Rule("word_count", lambda m: len(m.content_words), low=50, high=100_000, margin=50),
    Rule("mean_word_length", mean_word_length, low=3, high=10, margin=2),
    Rule("symbol_ratio", symbol_ratio, high=0.1, margin=0.1),
    Rule("bullet_lines", bullet_lines, high=0.9, margin=0.1),
    Rule("ellipsis_lines", ellipsis_lines, high=0.3, margin=0.3),
    Rule("alphabetic_words", alphabetic_words, low=0.8, margin=0.4),
    Rule("stop_words", stop_words, low=2, margin=2),
    Rule("duplicate_lines", duplicate_fraction("lines"), high=0.3, margin=0.3),
    Rule("duplicate_paragraphs", duplicate_fraction("paragraphs"), high=0.3, margin=0.3),
    Rule("duplicate_line_chars", duplicate_char_fraction("lines"), high=0.2, margin=0.2),
    Rule("duplicate_paragraph_chars", duplicate_char_fraction("paragraphs"), high=0.2, margin=0.2),
    *(
        Rule(f"top_{n}gram_chars", top_ngram_char_fraction(n), high=limit, margin=limit)
        for n, limit in ((2, 0.20), (3, 0.18), (4, 0.16))
    ),
    *(
        Rule(f"duplicate_{n}gram_chars", duplicate_ngram_char_fraction(n), high=limit, margin=limit)
        for n, limit in zip(range(5, 11), (0.15, 0.14, 0.13, 0.12, 0.11, 0.10), strict=True)
    ),
)


@dataclass(frozen=True)
class Quality:
    score: float  # in [0, 1]; 1 when every rule holds
    failed: tuple[str, ...]  # the rules whose bound the document breaks


def assess(text: str) -> Quality:
    measures = Measures.of(text)
    score, failed = 1.0, []
    for rule in RULES:
        rule_score = rule.score(rule.measure(measures))
        if rule_score < 1.0:
            score *= rule_score
            failed.append(rule.name)
    return Quality(round(score, 4), tuple(failed))
