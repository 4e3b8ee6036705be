"""Gopher's quality rules, one crafted text each, and the score built from them."""

from __future__ import annotations

import pytest

from model.data.process.quality import RULES, STOP_WORDS, assess

GOOD = (
    "Maya started a small habit this spring: every evening she writes down the three tasks "
    "that matter most for the next day. In the morning she begins with the hardest one, "
    "before opening her email or looking at the news. After a few weeks she noticed that her "
    "days felt calmer, because the important work was already done by lunch. She also keeps "
    "a short list of things that went well, which helps her to notice progress instead of "
    "only the mistakes. Her brother tried the same idea and found that it works best with "
    "paper rather than an app on the phone."
)
WORDS = GOOD.split()
PAIRS = list(zip(WORDS[::2], WORDS[1::2], strict=False))[:12]


def lines_of(template: str, n: int = 10) -> str:
    return "\n".join(template.format(i=i, w=WORDS[i * 3], v=WORDS[i * 3 + 1]) for i in range(n))


BROKEN = {
    "word_count": "The plan is to read a little every day and to write it down.",
    "mean_word_length": " ".join(["a", "the", "an", "to", "of", "is", "it", "by"] * 8),
    "symbol_ratio": GOOD + " " + " ".join(f"#tag{i}" for i in range(20)),
    "bullet_lines": lines_of("- {w} {v} the plan and the notes for item {i} with care"),
    "ellipsis_lines": lines_of("{w} and {v} were the first to go to the park {i}..."),
    "alphabetic_words": GOOD + " " + " ".join(str(1000 + i) for i in range(40)),
    "stop_words": " ".join(w for w in WORDS if w.lower().strip(".,:") not in STOP_WORDS),
    "duplicate_lines": "\n".join([GOOD[:80], GOOD[80:160]] * 4 + [GOOD]),
    "duplicate_paragraphs": "\n\n".join([GOOD[:200]] * 4 + [GOOD]),
    "duplicate_line_chars": "\n".join([GOOD[:300]] * 2 + [f"note {w} {v}" for w, v in PAIRS]),
    "duplicate_paragraph_chars": "\n\n".join([GOOD[:300]] * 2 + [f"{w} {v}" for w, v in PAIRS]),
    "top_2gram_chars": GOOD + " " + "habit tracker " * 30,
    "top_3gram_chars": GOOD + " " + "the habit tracker " * 20,
    "top_4gram_chars": GOOD + " " + "a good habit tracker " * 15,
    # A third of the text again: every n-gram from 5 to 10 words repeats.
    **{f"duplicate_{n}gram_chars": GOOD + " " + " ".join(WORDS[:30]) for n in range(5, 11)},
}


def test_a_plain_paragraph_passes_every_rule() -> None:
    assert assess(GOOD).score == 1.0
    assert assess(GOOD).failed == ()


@pytest.mark.parametrize("rule", [rule.name for rule in RULES])
def test_each_rule_catches_the_text_that_breaks_it(rule: str) -> None:
    quality = assess(BROKEN[rule])
    assert rule in quality.failed
    assert 0.0 <= quality.score < 1.0


def test_the_score_falls_with_how_far_a_rule_is_broken() -> None:
    words = GOOD.split()
    scores = [assess(" ".join(words[:n])).score for n in (50, 40, 25, 10)]
    assert scores[0] == 1.0
    assert scores == sorted(scores, reverse=True) and scores[2] == pytest.approx(0.5)
    assert assess("").score == 0.0


def test_rules_are_named_uniquely_and_cover_the_gopher_repetition_table() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names)) == 20
    assert {f"duplicate_{n}gram_chars" for n in range(5, 11)} <= set(names)
