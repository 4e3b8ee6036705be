"""Text normalisation: the same text always hashes, shingles and scores the same way, whatever
encoding accidents it went through (decomposed accents, CRLF, tabs, stray control bytes)."""

from __future__ import annotations

import re
import unicodedata

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# C0 and C1 controls except tab and newline, plus invisible marks that only break words apart.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\u200b\u2060\ufeff\ufffe]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace but a newline: tabs, NBSP, em spaces ...
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalise(text: str) -> str:
    """NFC; newlines as LF; control characters dropped; runs of spaces and tabs as one space;
    lines stripped; at most one blank line in a row; no leading or trailing blank."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROLS.sub("", _NEWLINES.sub("\n", text))
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()
