"""What a user may see, search and count; the rules for what they may write; stats."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domains.journal.errors import (
    CollectionLocked,
    CollectionNameTaken,
    CollectionNotFound,
    EntryNotFound,
)
from domains.journal.model import MAX_TEXT_CHARS, EntryChanges, EntryDraft
from domains.shared.errors import InvalidInput
from tests.domains.journal.conftest import ALICE, BOB, World, delta


async def _two_collections(world: World) -> tuple[str, str, str]:
    """An open diary with one entry about apples, a vault with one; returns ids and a grant."""
    diary = await world.collections.create_collection(ALICE, "Diary")
    vault = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    grant = await world.collections.unlock(ALICE, vault.id, "open sesame")
    await world.entries.create_entry(ALICE, diary.id, EntryDraft("Open", delta("apples today")))
    await world.entries.create_entry(
        ALICE, vault.id, EntryDraft("Hidden", delta("apples in secret"), ["private"]), [grant.token]
    )
    return diary.id, vault.id, grant.token


async def test_protected_entries_stay_out_of_lists_and_counts_without_a_grant(
    world: World,
) -> None:
    _, _, grant = await _two_collections(world)
    entries, total = await world.entries.list_entries(ALICE)
    assert [e.title for e in entries] == ["Open"] and total == 1
    entries, total = await world.entries.list_entries(ALICE, [grant])
    assert sorted(e.title for e in entries) == ["Hidden", "Open"] and total == 2


async def test_protected_entries_stay_out_of_search_without_a_grant(world: World) -> None:
    _, _, grant = await _two_collections(world)
    hits, total = await world.entries.search(ALICE, "APPLES")
    assert [h.title for h in hits] == ["Open"] and total == 1
    hits, total = await world.entries.search(ALICE, "secret", [grant])
    assert [h.title for h in hits] == ["Hidden"] and total == 1
    assert (await world.entries.search(ALICE, "secret"))[1] == 0


async def test_a_grant_of_another_user_unlocks_nothing(world: World) -> None:
    _, vault, grant = await _two_collections(world)
    with pytest.raises(CollectionNotFound):
        await world.entries.list_entries(BOB, [grant], collection_id=vault)
    assert await world.entries.list_entries(BOB, [grant]) == ([], 0)


async def test_another_users_ids_are_not_found(world: World) -> None:
    diary, _, _ = await _two_collections(world)
    entry = (await world.entries.list_entries(ALICE))[0][0]
    with pytest.raises(EntryNotFound):
        await world.entries.get_entry(BOB, entry.id)
    with pytest.raises(EntryNotFound):
        await world.entries.delete_entry(BOB, entry.id)
    with pytest.raises(CollectionNotFound):
        await world.entries.create_entry(BOB, diary, EntryDraft("x", delta("x")))
    with pytest.raises(CollectionNotFound):
        await world.collections.rename_collection(BOB, diary, "Mine now")
    with pytest.raises(CollectionNotFound):
        await world.collections.get_collection(ALICE, "not-an-id")


async def test_tags_filter_the_list(world: World) -> None:
    _, _, grant = await _two_collections(world)
    entries, total = await world.entries.list_entries(ALICE, [grant], tag="Private")
    assert [e.title for e in entries] == ["Hidden"] and total == 1


async def test_collection_names_are_unique_per_user(world: World) -> None:
    await world.collections.create_collection(ALICE, "Diary")
    with pytest.raises(CollectionNameTaken):
        await world.collections.create_collection(ALICE, " Diary ")
    await world.collections.create_collection(BOB, "Diary")


@pytest.mark.parametrize(
    "content",
    [
        {"ops": "text"},
        {"ops": [{"retain": 5}]},
        {"ops": [{"insert": 5}]},
        {"ops": [{"insert": "x", "attributes": {"bold": {"nested": True}}}]},
        {"ops": [{"insert": {"image": "a", "video": "b"}}]},
        {"ops": [], "extra": 1},
        ["not", "an", "object"],
        {"ops": [{"insert": "x" * (MAX_TEXT_CHARS + 1)}]},
    ],
)
async def test_malformed_or_oversized_deltas_are_refused(world: World, content: object) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    with pytest.raises(InvalidInput) as e:
        await world.entries.create_entry(ALICE, c.id, EntryDraft("T", content))  # type: ignore[arg-type]
    assert e.value.field == "content"


async def test_bad_titles_tags_and_mood_links_are_refused(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    for draft, field in [
        (EntryDraft("x" * 201, delta("x")), "title"),
        (EntryDraft("T", delta("x"), [f"t{i}" for i in range(21)]), "tags"),
        (EntryDraft("T", delta("x"), [""]), "tags"),
        (EntryDraft("T", delta("x"), mood_entry_id="yesterday"), "mood_entry_id"),
    ]:
        with pytest.raises(InvalidInput) as e:
            await world.entries.create_entry(ALICE, c.id, draft)
        assert e.value.field == field


async def test_an_update_can_clear_the_mood_link(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    mood = "33333333-3333-4333-8333-333333333333"
    world.store.mood_entries[mood] = ALICE
    entry = await world.entries.create_entry(
        ALICE, c.id, EntryDraft("T", delta("x"), mood_entry_id=mood)
    )
    kept = await world.entries.update_entry(ALICE, entry.id, EntryChanges(title="New"))
    assert kept.mood_entry_id == mood and kept.title == "New"
    cleared = await world.entries.update_entry(ALICE, entry.id, EntryChanges(mood_entry_id=None))
    assert cleared.mood_entry_id is None


async def test_writing_an_entry_is_a_productive_action(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    await world.entries.create_entry(ALICE, c.id, EntryDraft("T", delta("x")))
    assert [(e.user_id, e.kind) for e in world.events.published] == [(ALICE, "journal_entry")]


async def test_stats_count_words_months_and_the_streak_on_the_users_local_day(
    world: World,
) -> None:
    world.zones.zones[ALICE] = "Pacific/Auckland"  # UTC+13 in March
    c = await world.collections.create_collection(ALICE, "Diary")
    # 11:30 UTC on 28 February is 00:30 on 1 March in Auckland.
    for day, hour in [(26, 11), (27, 11), (28, 11), (3, 20)]:
        month = 2 if day > 3 else 3
        world.clock.current = datetime(2026, month, day, hour, 30, tzinfo=UTC)
        await world.entries.create_entry(
            ALICE, c.id, EntryDraft("Two words", delta("three more words"))
        )
    world.clock.current = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)  # 5 March in Auckland
    stats = await world.entries.stats(ALICE)
    assert stats.entries == 4 and stats.words == 20
    assert stats.per_month == {"2026-02": 2, "2026-03": 2}
    assert stats.longest_streak == 3  # 27 Feb, 28 Feb, 1 Mar (local)
    assert stats.current_streak == 1  # 4 March local; today (5th) is not over yet


async def test_erasure_removes_everything_of_the_user_only(world: World) -> None:
    await _two_collections(world)
    bobs = await world.collections.create_collection(BOB, "Bob")
    await world.entries.create_entry(BOB, bobs.id, EntryDraft("B", delta("b")))
    await world.gratitude.add_gratitude(ALICE, "sun")
    await world.user_data.erase(ALICE)
    assert await world.collections.list_collections(ALICE) == []
    assert await world.gratitude.list_gratitude(ALICE) == ([], 0)
    assert (await world.entries.list_entries(BOB))[1] == 1


async def test_a_protected_collection_is_deleted_only_while_unlocked(world: World) -> None:
    _, vault, grant = await _two_collections(world)
    with pytest.raises(CollectionLocked):
        await world.collections.delete_collection(ALICE, vault, [])
    await world.collections.delete_collection(ALICE, vault, [grant])
    assert [c.name for c in await world.collections.list_collections(ALICE)] == ["Diary"]
    assert (await world.entries.list_entries(ALICE, [grant]))[1] == 1


async def test_stats_count_protected_entries_only_with_a_grant(world: World) -> None:
    _, _, grant = await _two_collections(world)
    assert (await world.entries.stats(ALICE)).entries == 1
    unlocked = await world.entries.stats(ALICE, [grant])
    assert unlocked.entries == 2 and unlocked.words == 2 + 5


async def test_an_entry_links_only_to_its_writers_own_mood_entries(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    bobs, missing = "44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555"
    world.store.mood_entries[bobs] = BOB
    entry = await world.entries.create_entry(ALICE, c.id, EntryDraft("T", delta("x")))
    for mood in (bobs, missing):
        with pytest.raises(InvalidInput) as e:
            await world.entries.create_entry(
                ALICE, c.id, EntryDraft("T", delta("x"), mood_entry_id=mood)
            )
        assert e.value.field == "mood_entry_id"
        with pytest.raises(InvalidInput) as e:
            await world.entries.update_entry(ALICE, entry.id, EntryChanges(mood_entry_id=mood))
        assert e.value.field == "mood_entry_id"
