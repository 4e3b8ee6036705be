"""`refocused model collect ...` as a person runs it, against the replay server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.model.collect.conftest import ReplayServer, read_jsonl
from tests.model.conftest import invoke

FAST = ("--interval", "0")


@pytest.mark.parametrize("args", [(), ("wikipedia",), ("reddit",), ("local",)])
def test_every_collect_command_explains_itself(args: tuple[str, ...]) -> None:
    result = invoke("collect", *args, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output and "--" in result.output


def test_wikipedia_is_collected_with_progress_and_a_summary(
    replay: ReplayServer, tmp_path: Path
) -> None:
    base = f"{replay.url}/w/api.php"
    result = invoke("collect", "wikipedia", "--out", tmp_path, "--base-url", base, *FAST)
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(tmp_path / "wikipedia-en.jsonl")) == 5
    assert "wikipedia-en: 5 documents" in result.stderr and "docs/s" in result.stderr
    assert "5 documents, 5 new" in result.stdout and "complete" in result.stdout
    assert "contact: ops@example.org" in replay.requests[0][2]["User-Agent"]


@pytest.fixture(autouse=True)
def contact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFOCUSED_COLLECT_CONTACT", "ops@example.org")


def test_reddit_stops_at_the_limit_and_a_second_run_goes_on(
    replay: ReplayServer, tmp_path: Path
) -> None:
    args = ("collect", "reddit", "--subreddit", "productivity", "--out", tmp_path)
    first = invoke(*args, "--limit", "3", "--base-url", replay.url, *FAST)
    assert first.exit_code == 0, first.output
    assert "3 documents, 3 new" in first.stdout and "run again to go on" in first.stdout

    second = invoke(*args, "--base-url", replay.url, *FAST)
    assert second.exit_code == 0, second.output
    assert "5 documents, 2 new" in second.stdout and "complete" in second.stdout
    ids = [r["id"] for r in read_jsonl(tmp_path / "reddit-productivity-top-all.jsonl")]
    assert len(ids) == len(set(ids)) == 5


def test_an_http_failure_is_one_line_that_says_how_to_resume(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.fail_after = 1
    args = ("--subreddit", "productivity", "--out", tmp_path, "--base-url", replay.url)
    result = invoke("collect", "reddit", *args, "--max-retries", "0", *FAST)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 2
    assert (
        "Error: GET " in result.stderr
        and "gave up after 1 attempt; last: HTTP 503" in result.stderr
    )
    assert "run again to resume" in result.stderr  # the first page was kept


def test_a_bad_subreddit_name_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke("collect", "reddit", "--subreddit", "no such", "--out", tmp_path)
    assert result.exit_code == 1
    assert result.output.strip() == "Error: 'no such' is not a subreddit name (letters, digits, _)"


def test_local_files_are_collected_with_the_licence_given(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n\nPlan tomorrow tonight.\n")
    out = tmp_path / "out"
    result = invoke("collect", "local", tmp_path / "notes.md", "--out", out, "--licence", "CC0-1.0")
    assert result.exit_code == 0, result.output
    (record,) = read_jsonl(out / "local.jsonl")
    assert record["licence"] == "CC0-1.0" and record["text"] == "# Notes\n\nPlan tomorrow tonight."


def test_local_errors_name_the_file(tmp_path: Path) -> None:
    missing = invoke("collect", "local", tmp_path / "absent.jsonl", "--out", tmp_path / "out")
    assert missing.exit_code == 2 and "absent.jsonl" in missing.output
    (tmp_path / "qa.jsonl").write_text('{"question": "Why?"}\n')
    no_text = invoke("collect", "local", tmp_path / "qa.jsonl", "--out", tmp_path / "out")
    assert no_text.exit_code == 1 and "qa.jsonl:1 has no 'text' field" in no_text.output
