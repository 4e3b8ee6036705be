"""Wikipedia through the recorded MediaWiki replies: continuation to the end, provenance, the
lag guard, and a run that fails midway resuming without duplicates or gaps."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from model.data.collect.core import CollectError, collect
from model.data.collect.wikipedia import WikipediaSource
from tests.model.collect.conftest import (
    RECORDINGS,
    FakeClock,
    Fault,
    ReplayServer,
    make_client,
    read_jsonl,
)

TITLES = ["Attention span", "Box breathing", "Deep work", "Eisenhower matrix", "Habit"]


def source(replay: ReplayServer, clock: FakeClock, **options) -> WikipediaSource:
    return WikipediaSource(make_client(clock, **options), api_url=f"{replay.url}/w/api.php")


def test_every_article_is_collected_by_following_continue_to_the_end(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    result = collect(source(replay, clock), tmp_path)
    records = read_jsonl(tmp_path / "wikipedia-en.jsonl")
    assert result.done and [r["title"] for r in records] == TITLES  # "Habit tracker" is empty
    assert len(replay.requests) == 6
    queries = [query for _, query, _ in replay.requests]
    assert all(q["maxlag"] == "5" and q["explaintext"] == "1" for q in queries)
    assert "gapcontinue" not in queries[0] and queries[2]["gapcontinue"] == "Deep_work"
    assert queries[3]["excontinue"] == "1" and queries[3]["gapcontinue"] == "Deep_work"


def test_each_article_records_where_it_came_from_and_its_licence(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    collect(source(replay, clock), tmp_path)
    first = read_jsonl(tmp_path / "wikipedia-en.jsonl")[0]
    recorded = json.loads((RECORDINGS / "wikipedia" / "batch-1a.json").read_text())
    page = recorded["query"]["pages"][0]
    assert first["source"] == "wikipedia" and first["licence"] == "CC-BY-SA-4.0"
    assert first["id"] == f"enwiki:{page['pageid']}" and first["revision"] == page["lastrevid"]
    assert first["url"] == "https://en.wikipedia.org/wiki/Attention_span"
    assert first["text"] == page["extract"] and first["lang"] == "en"
    fetched = datetime.fromisoformat(first["fetched_at"])
    assert first["fetched_at"].endswith("Z")
    assert abs(datetime.now(UTC) - fetched) < timedelta(minutes=1)


def test_a_lagging_wiki_is_waited_for_as_it_asks(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    maxlag = (RECORDINGS / "wikipedia" / "maxlag.json").read_bytes()
    replay.faults.append(Fault(200, {"Retry-After": "5", "X-Database-Lag": "7"}, maxlag))
    collect(source(replay, clock), tmp_path)
    assert clock.sleeps == [5.0]
    assert len(read_jsonl(tmp_path / "wikipedia-en.jsonl")) == len(TITLES)


def test_an_api_error_stops_with_its_code(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    error = b'{"error": {"code": "badvalue", "info": "Unrecognized value for parameter."}}'
    replay.faults.append(Fault(200, {}, error))
    with pytest.raises(CollectError, match="MediaWiki API error badvalue"):
        collect(source(replay, clock), tmp_path)


def test_a_run_failing_midway_resumes_where_it_stopped_without_duplicates(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    replay.fail_after = 3  # the fourth request and all after it get 503
    with pytest.raises(CollectError, match="HTTP 503"):
        collect(source(replay, clock, max_retries=1), tmp_path / "resumed")
    assert len(read_jsonl(tmp_path / "resumed" / "wikipedia-en.jsonl")) == 3

    replay.fail_after = None
    replay.requests.clear()
    collect(source(replay, clock), tmp_path / "resumed")
    assert replay.requests[0][1]["excontinue"] == "1"  # from the saved cursor, not the start
    collect(source(replay, clock), tmp_path / "whole")

    def content(folder: str) -> list[tuple[str, str]]:
        records = read_jsonl(tmp_path / folder / "wikipedia-en.jsonl")
        return [(r["id"], r["text"]) for r in records]

    assert content("resumed") == content("whole")
    assert len(content("whole")) == len(TITLES)


def test_an_unknown_language_code_is_refused(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="not a Wikipedia language code"):
        WikipediaSource(make_client(clock), lang="en/../x")
