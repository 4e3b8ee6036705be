"""Language identification with py3langid (langid.py's model ships inside the wheel: no
download, no network), with probabilities normalised to [0, 1] so a threshold means something."""

from __future__ import annotations

import functools
from typing import Any

# langid's cost grows with length and its answer settles within a few hundred characters.
SAMPLE_CHARS = 2_000


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the text's most likely language."""
    code, score = _identifier().classify(text[:SAMPLE_CHARS])
    return code, round(float(score), 4)


def known_languages() -> list[str]:
    return list(_identifier().labels)
