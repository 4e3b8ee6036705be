"""Decks and cards: writing, moving, bulk creation, Anki plain-text import and export."""

from __future__ import annotations

import pytest

from domains.shared.errors import InvalidInput
from domains.study.errors import CardNotFound, DeckNotFound
from domains.study.model import CardChanges, CardDraft
from tests.domains.study.conftest import ALICE, BOB, World


async def test_cards_move_between_the_users_own_decks_only(world: World) -> None:
    one = await world.decks.create_deck(ALICE, "One")
    two = await world.decks.create_deck(ALICE, "Two")
    bobs = await world.decks.create_deck(BOB, "Bob's")
    (card,) = await world.cards.create_cards(ALICE, one.id, [CardDraft("Q", "A")])
    moved = await world.cards.update_card(ALICE, card.id, CardChanges(deck_id=two.id))
    assert moved.deck_id == two.id
    assert [c.id for c in await world.cards.list_cards(ALICE, two.id)] == [card.id]
    with pytest.raises(DeckNotFound):
        await world.cards.update_card(ALICE, card.id, CardChanges(deck_id=bobs.id))


async def test_another_users_decks_and_cards_are_not_found(world: World) -> None:
    deck = await world.decks.create_deck(ALICE, "Mine")
    (card,) = await world.cards.create_cards(ALICE, deck.id, [CardDraft("Q", "A")])
    for attempt in (
        world.decks.get_deck(BOB, deck.id),
        world.decks.delete_deck(BOB, deck.id),
        world.cards.list_cards(BOB, deck.id),
        world.reviews.queue(BOB, deck.id),
        world.reviews.progress(BOB, deck.id),
        world.cards.export_cards(BOB, deck.id, "csv"),
        world.cards.create_cards(BOB, deck.id, [CardDraft("Q", "A")]),
    ):
        with pytest.raises(DeckNotFound):
            await attempt
    for card_attempt in (
        world.cards.get_card(BOB, card.id),
        world.reviews.review(BOB, card.id, 3),
        world.cards.delete_card(BOB, card.id),
        world.cards.update_card(BOB, card.id, CardChanges(front="mine")),
    ):
        with pytest.raises(CardNotFound):
            await card_attempt


async def test_bad_cards_are_refused_with_the_field_named(world: World) -> None:
    deck = await world.decks.create_deck(ALICE, "Deck")
    for draft, field in [
        (CardDraft("", "A"), "front"),
        (CardDraft("Q", "x" * 20_001), "back"),
        (CardDraft("Q", "A", ["two words"]), "tags"),
    ]:
        with pytest.raises(InvalidInput) as e:
            await world.cards.create_cards(ALICE, deck.id, [draft])
        assert e.value.field == field
    with pytest.raises(InvalidInput):
        await world.cards.create_cards(ALICE, deck.id, [CardDraft("Q", "A")] * 501)


async def test_deleting_a_deck_deletes_its_cards(world: World) -> None:
    deck = await world.decks.create_deck(ALICE, "Deck")
    (card,) = await world.cards.create_cards(ALICE, deck.id, [CardDraft("Q", "A")])
    await world.decks.delete_deck(ALICE, deck.id)
    with pytest.raises(CardNotFound):
        await world.cards.get_card(ALICE, card.id)


TRICKY = [
    CardDraft('say "hola"', "hello, friend", ["spanish", "greetings"]),
    CardDraft("line\nbreak", "tab\there", []),
    CardDraft("**bold**", "`code`; semi", ["md"]),
]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
async def test_export_then_import_gives_the_same_cards(world: World, fmt: str) -> None:
    source = await world.decks.create_deck(ALICE, "Source")
    await world.cards.create_cards(ALICE, source.id, TRICKY)
    text = await world.cards.export_cards(ALICE, source.id, fmt)  # type: ignore[arg-type]
    assert text.startswith("#separator:" + ("comma" if fmt == "csv" else "tab"))
    target = await world.decks.create_deck(ALICE, "Target")
    await world.cards.import_cards(ALICE, target.id, text, fmt)  # type: ignore[arg-type]
    got = [(c.front, c.back, c.tags) for c in await world.cards.list_cards(ALICE, target.id)]
    assert got == [(d.front, d.back, d.tags) for d in TRICKY]


async def test_anki_headers_choose_the_separator_and_the_tags_column(world: World) -> None:
    deck = await world.decks.create_deck(ALICE, "Deck")
    text = "#separator:semicolon\n#html:false\n#tags column:1\nverbs;comer;to eat\n\n;ser;to be\n"
    cards = await world.cards.import_cards(ALICE, deck.id, text, "csv")
    assert [(c.front, c.back, c.tags) for c in cards] == [
        ("comer", "to eat", ["verbs"]),
        ("ser", "to be", []),
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [("front only\n", "line 1"), ("q,a\nq2\n", "line 2"), ("#separator:wat\nq,a", "line 1")],
)
async def test_a_bad_import_names_the_line_and_adds_nothing(
    world: World, text: str, line: str
) -> None:
    deck = await world.decks.create_deck(ALICE, "Deck")
    with pytest.raises(InvalidInput) as e:
        await world.cards.import_cards(ALICE, deck.id, text, "csv")
    assert line in e.value.detail
    assert await world.cards.list_cards(ALICE, deck.id) == []


async def test_settings_are_bounded(world: World) -> None:
    with pytest.raises(InvalidInput):
        await world.reviews.update_settings(ALICE, desired_retention=0.5)
    with pytest.raises(InvalidInput):
        await world.reviews.update_settings(ALICE, new_cards_per_day=-1)
    saved = await world.reviews.update_settings(ALICE, desired_retention=0.85)
    assert saved.desired_retention == 0.85 and saved.new_cards_per_day == 20


async def test_export_and_erasure_cover_decks_cards_reviews_and_settings(world: World) -> None:
    deck = await world.decks.create_deck(ALICE, "Deck")
    (card,) = await world.cards.create_cards(ALICE, deck.id, [CardDraft("Q", "A")])
    await world.reviews.review(ALICE, card.id, 3)
    await world.reviews.update_settings(ALICE, new_cards_per_day=5)
    exported = await world.user_data.export(ALICE)
    assert exported["decks"][0]["cards"][0]["front"] == "Q"
    assert exported["reviews"][0]["rating"] == 3
    assert exported["settings"]["new_cards_per_day"] == 5
    await world.user_data.erase(ALICE)
    assert await world.user_data.export(ALICE) == {
        "settings": {"desired_retention": 0.9, "new_cards_per_day": 20},
        "decks": [],
        "reviews": [],
    }
