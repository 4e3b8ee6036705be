"""One mailbox, one account: the forms an address can take, and the ones refused."""

from __future__ import annotations

import pytest

from domains.identity.model import normalise_email
from domains.shared.errors import InvalidInput


def fullwidth(text: str) -> str:
    """The fullwidth forms (U+FF01...) of printable ASCII."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        (" Ada@Example.COM ", "ada@example.com"),
        (fullwidth("ada@example.com"), "ada@example.com"),  # folded by NFKC
        ("ada@example.com.", "ada@example.com"),  # the DNS root's dot
        ("ada@Bücher.example", "ada@xn--bcher-kva.example"),
        ("ada@xn--bcher-kva.example", "ada@xn--bcher-kva.example"),
        ("ada@XN--BCHER-KVA.example", "ada@xn--bcher-kva.example"),
        ("пётр@пример.рф", "пётр@xn--e1afmkfd.xn--p1ai"),  # one script per label is fine
        ("やまだタロウ@例え.jp", "やまだタロウ@xn--r8jz45g.jp"),  # Japanese mixes its scripts
    ],
)
def test_each_form_of_an_address_gives_one_stored_address(written: str, stored: str) -> None:
    assert normalise_email(written) == stored


@pytest.mark.parametrize(
    "address",
    [
        "ada\x00@example.com",
        "ada@exam\x00ple.com",
        "ada\x1b@example.com",
        "\u0430da@example.com",  # a Cyrillic a among Latin letters
        "ada@ex\u0430mple.com",
        "ada@xn--pple-43d.com",  # the same look-alike, hidden in Punycode
        "a\u200bda@example.com",  # zero-width space
        "ada@example.com\u200d",  # zero-width joiner
        "ada\u202e@example.com",  # right-to-left override
        "\ufeffada@example.com",  # byte-order mark
        "ada@example..com",
        "ada@example.com..",
        "ada@xn--zzzz.com",  # broken Punycode
        "ada@localhost",
        "ada@@example.com",
        "a da@example.com",
        "ada@" + "x" * 64 + ".com",  # a label longer than DNS allows
        "a" * 65 + "@example.com",
        "ada@" + "x." * 130 + "com",
    ],
)
def test_broken_and_look_alike_addresses_are_refused_naming_the_field(address: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalise_email(address)
    assert refused.value.field == "email"
    assert str(refused.value.detail) == "enter a valid email address"
