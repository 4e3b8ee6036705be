"""Normalisation: one canonical form per text, so equal texts hash and score alike."""

from __future__ import annotations

import pytest

from model.data.process.normalise import normalise


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("cafe\u0301 au lait", "caf\u00e9 au lait"),  # decomposed accent -> NFC
        ("one\r\ntwo\rthree\u2028four", "one\ntwo\nthree\nfour"),
        ("a  \t b\u00a0\u2003c", "a b c"),  # runs of spaces, tabs, NBSP, em space
        ("bell\x07 null\x00 zero\u200bwidth \ufeffbom \x85next", "bell null zerowidth bom\nnext"),
        ("  indented\t\nline  \n", "indented\nline"),
        ("first\n\n\n\n\nsecond\n \n\t\nthird", "first\n\nsecond\n\nthird"),
        ("\n\n  \t\n", ""),
    ],
    ids=["nfc", "newlines", "spaces", "controls", "strip", "blank-lines", "blank"],
)
def test_text_is_normalised(raw: str, clean: str) -> None:
    assert normalise(raw) == clean


def test_normalising_twice_changes_nothing() -> None:
    text = "  A\u0301 \t note\r\n\r\n\r\n\x01with  gaps \u200b "
    assert normalise(normalise(text)) == normalise(text)
