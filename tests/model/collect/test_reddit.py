"""Reddit through the recorded listings: pages followed by `after`, only live text posts kept,
provenance, and a stopped run resuming from the saved fullname."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.data.collect.core import CollectError, collect
from model.data.collect.reddit import RedditSource
from tests.model.collect.conftest import FakeClock, Fault, ReplayServer, make_client, read_jsonl

KEPT = ["t3_1a0002", "t3_1a0004", "t3_1a0008", "t3_1a0009", "t3_1a0010"]


def source(replay: ReplayServer, clock: FakeClock, subreddit: str = "productivity", **options):
    return RedditSource(make_client(clock, **options), subreddit, "all", replay.url)


def collected(folder: Path) -> list[dict]:
    return read_jsonl(folder / "reddit-productivity-top-all.jsonl")


def test_text_posts_are_collected_across_pages_and_the_rest_skipped(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    result = collect(source(replay, clock), tmp_path)
    # Skipped: the stickied thread (1), a link post (3), removed (5), NSFW (6), deleted (7);
    # 4 comes back on the second page after the listing shifted and is written once.
    assert result.done and [r["id"] for r in collected(tmp_path)] == KEPT
    queries = [query for _, query, _ in replay.requests]
    assert [q.get("after") for q in queries] == [None, "t3_1a0004", "t3_1a0008"]
    assert all(q["t"] == "all" and q["limit"] == "100" and q["raw_json"] == "1" for q in queries)


def test_requests_go_no_faster_than_one_a_second(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    collect(source(replay, clock, interval=1.0), tmp_path)
    assert clock.sleeps == [1.0, 1.0]


def test_each_post_records_its_permalink_subreddit_score_and_whose_it_is(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    collect(source(replay, clock), tmp_path)
    post = collected(tmp_path)[0]
    assert post["source"] == "reddit" and post["licence"] == "reddit-user-agreement"
    assert post["url"].startswith("https://www.reddit.com/r/productivity/comments/1a0002/")
    assert post["subreddit"] == "productivity" and post["score"] == 5120
    assert post["title"] == "I stopped checking my phone for the first hour of the day"
    assert post["text"].startswith(post["title"] + "\n\nFor a month I left my phone")
    assert post["fetched_at"].endswith("Z") and "author" not in post


def test_a_stopped_run_resumes_from_the_saved_fullname(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    def interrupt(progress) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        collect(source(replay, clock), tmp_path, on_page=interrupt)
    assert [r["id"] for r in collected(tmp_path)] == KEPT[:2]

    replay.requests.clear()
    collect(source(replay, clock), tmp_path)
    assert replay.requests[0][1]["after"] == "t3_1a0004"
    assert [r["id"] for r in collected(tmp_path)] == KEPT


def test_a_subreddit_that_does_not_exist_is_an_error(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    with pytest.raises(CollectError, match="HTTP 404"):
        collect(source(replay, clock, subreddit="nosuchplace"), tmp_path)


@pytest.mark.parametrize("name", ["a", "bad name", "../etc", "x" * 22])
def test_a_malformed_subreddit_name_is_refused(clock: FakeClock, name: str) -> None:
    with pytest.raises(ValueError, match="not a subreddit name"):
        RedditSource(make_client(clock), name)


def test_a_subreddit_reddit_redirects_to_a_search_is_an_error(
    replay: ReplayServer, clock: FakeClock, tmp_path: Path
) -> None:
    search = {"kind": "Listing", "data": {"after": None, "children": [{"kind": "t5", "data": {}}]}}
    replay.faults += [
        Fault(302, {"Location": "/subreddits/search.json?q=productivty"}),
        Fault(200, {}, json.dumps(search).encode()),
    ]
    with pytest.raises(CollectError, match="r/productivty was not found"):
        collect(source(replay, clock, subreddit="productivty"), tmp_path)
    assert replay.requests[1][0] == "/subreddits/search.json"
