"""The shared client is polite: requests spaced, failures retried with back-off as the server
asks, and a clear error once it gives up."""

from __future__ import annotations

import pytest

from model.data.collect.core import CollectError
from tests.model.collect.conftest import FakeClock, Fault, ReplayServer, make_client

TOP = "/r/productivity/top.json"


def test_requests_are_spaced_by_the_minimum_interval(replay: ReplayServer, clock) -> None:
    client = make_client(clock, interval=2.0)
    for _ in range(3):
        client.get_json(replay.url + TOP)
    assert clock.sleeps == [2.0, 2.0]  # the first request goes at once


def test_a_slow_caller_is_not_made_to_wait_again(replay: ReplayServer, clock) -> None:
    client = make_client(clock, interval=2.0)
    client.get_json(replay.url + TOP)
    clock.now += 5  # the caller spent longer than the interval on its own work
    client.get_json(replay.url + TOP)
    assert clock.sleeps == []


def test_a_429_waits_as_long_as_retry_after_says_then_succeeds(
    replay: ReplayServer, clock: FakeClock
) -> None:
    replay.faults.append(Fault(429, {"Retry-After": "7"}))
    reply = make_client(clock).get_json(replay.url + TOP)
    assert reply["kind"] == "Listing"
    assert clock.sleeps == [7.0] and len(replay.requests) == 2


def test_503s_back_off_exponentially_with_jitter_then_succeed(
    replay: ReplayServer, clock: FakeClock
) -> None:
    replay.faults += [Fault(503), Fault(503), Fault(503)]
    reply = make_client(clock, backoff=1.0).get_json(replay.url + TOP)
    assert reply["kind"] == "Listing"
    first, second, third = clock.sleeps
    assert 0.5 <= first <= 1 and 1 <= second <= 2 and 2 <= third <= 4


def test_a_dropped_connection_is_retried(replay: ReplayServer, clock: FakeClock) -> None:
    replay.faults.append(Fault(0))
    assert make_client(clock).get_json(replay.url + TOP)["kind"] == "Listing"
    assert len(replay.requests) == 2


def test_giving_up_after_max_retries_names_the_request_and_the_last_failure(
    replay: ReplayServer, clock: FakeClock
) -> None:
    replay.fail_after = 0
    with pytest.raises(
        CollectError, match=r"top\.json\?t=all: gave up after 3 attempts; last: HTTP 503"
    ):
        make_client(clock, max_retries=2).get_json(replay.url + TOP, {"t": "all"})
    assert len(replay.requests) == 3


def test_a_404_fails_at_once(replay: ReplayServer, clock: FakeClock) -> None:
    with pytest.raises(CollectError, match="HTTP 404"):
        make_client(clock).get_json(replay.url + "/r/nosuchplace/top.json")
    assert len(replay.requests) == 1 and clock.sleeps == []


def test_an_exhausted_quota_holds_the_next_request_until_it_resets(
    replay: ReplayServer, clock: FakeClock
) -> None:
    replay.faults.append(
        Fault(200, {"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "30"}, b"{}")
    )
    client = make_client(clock, interval=1.0)
    client.get_json(replay.url + TOP)
    client.get_json(replay.url + TOP)
    assert clock.sleeps == [30.0]


def test_a_reply_that_is_not_json_is_an_error(replay: ReplayServer, clock: FakeClock) -> None:
    replay.faults.append(Fault(200, {"Content-Type": "text/html"}, b"<html>whoa there</html>"))
    with pytest.raises(CollectError, match="not JSON"):
        make_client(clock).get_json(replay.url + TOP)


def test_every_request_says_who_is_asking(replay: ReplayServer, clock: FakeClock) -> None:
    make_client(clock).get_json(replay.url + TOP, {"t": "all"})
    _, query, headers = replay.requests[0]
    assert query == {"t": "all"}
    assert headers["User-Agent"] == "refocused-tests/1.0 (contact: tests@example.org)"
