"""The README says exactly which journal text is encrypted: each thing a person writes is
either unreadable in storage or named in the README as stored in plain text."""

from __future__ import annotations

import re
from pathlib import Path

from domains.journal.model import EntryDraft
from tests.domains.journal.conftest import ALICE, World, delta

README = Path(__file__).resolve().parents[3] / "README.md"


def _readme_lists() -> tuple[set[str], set[str]]:
    row = next(
        line for line in README.read_text().splitlines() if line.startswith("| `/journal` |")
    )
    encrypted = re.search(r"Encrypted \([^)]*\): ([^.]+)\.", row)
    plain = re.search(r"Stored in plain text: ([^.]+)\.", row)
    assert encrypted and plain, "the README's /journal row lists what is and is not encrypted"

    def items(match: re.Match[str]) -> set[str]:
        return {item.strip() for item in match.group(1).split(",")}

    return items(encrypted), items(plain)


async def test_the_readme_lists_what_the_journal_stores_encrypted_and_in_plain_text(
    world: World,
) -> None:
    written = {
        "collection names": "collectionmarkq",
        "entry titles": "titlemarkq",
        "entry text": "contentmarkq",
        "entry tags": "tagmarkq",
        "gratitude text": "gratitudemarkq",
    }
    c = await world.collections.create_collection(ALICE, written["collection names"])
    await world.entries.create_entry(
        ALICE,
        c.id,
        EntryDraft(written["entry titles"], delta(written["entry text"]), [written["entry tags"]]),
    )
    await world.gratitude.add_gratitude(ALICE, written["gratitude text"])
    stored = repr(world.store)
    in_plain_text = {what for what, text in written.items() if text in stored}
    encrypted, plain = _readme_lists()
    assert encrypted == set(written) - in_plain_text
    assert in_plain_text <= plain
