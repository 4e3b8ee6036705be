"""A polite JSON-over-HTTP client: one request at a time, spaced by a minimum interval, retried
with exponential back-off and jitter on 429, 5xx and dropped connections, honouring
Retry-After. The standard library's urllib is enough, so the `model` extra needs nothing more.

Time is injected (clock and sleep), so the spacing and the back-off are tested without waiting.
"""

from __future__ import annotations

import http.client
import json
import math
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from model.data.collect.core import CollectError

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "ReFocused-model-collector/0.1 (language-model training data; contact: {contact})"


class RetryLater(Exception):
    """Raised by a reply check: the server answered, but asks to come back (MediaWiki's maxlag
    answers 200 with an error and a Retry-After)."""


@dataclass
class RateLimiter:
    """Keeps at least `interval` seconds between requests; `hold` pushes the next one later."""

    interval: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next_at: float = field(default=-math.inf, init=False)

    def wait(self) -> None:
        delay = self._next_at - self.clock()
        if delay > 0:
            self.sleep(delay)
        self._next_at = self.clock() + self.interval

    def hold(self, seconds: float) -> None:
        self._next_at = max(self._next_at, self.clock() + seconds)


@dataclass
class HttpClient:
    user_agent: str
    limiter: RateLimiter
    max_retries: int = 5
    backoff: float = 1.0  # the first retry waits between half of this and all of it
    max_backoff: float = 120.0
    timeout: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        check: Callable[[Any], None] | None = None,
    ) -> Any:
        """The decoded JSON reply; `check` may raise RetryLater (retried) or CollectError."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise CollectError(f"{url}: only http and https URLs can be collected")
        full = f"{url}?{urlencode(params)}" if params else url
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            full, headers={"User-Agent": self.user_agent, "Accept": "application/json"}
        )
        attempts, last = self.max_retries + 1, ""
        for attempt in range(attempts):
            self.limiter.wait()
            headers: Message | None = None
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    headers = response.headers
                    body = response.read()
                self._respect_quota(headers)
                try:
                    payload = json.loads(body)
                except ValueError as e:
                    raise CollectError(f"GET {full}: the reply is not JSON") from e
                if check:
                    check(payload)
                return payload
            except urllib.error.HTTPError as e:
                if e.code not in RETRYABLE_STATUS:
                    raise CollectError(f"GET {full}: HTTP {e.code} {e.reason}") from e
                last, headers = f"HTTP {e.code} {e.reason}", e.headers
            except RetryLater as e:
                last = str(e)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
                last, headers = f"{type(e).__name__}: {getattr(e, 'reason', e)}", None
            if attempt + 1 < attempts:
                delay = _retry_after(headers)
                self.limiter.hold(delay if delay is not None else self._backoff(attempt))
        tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
        raise CollectError(f"GET {full}: gave up after {tries}; last: {last}")

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.max_backoff, self.backoff * 2.0**attempt)
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def _respect_quota(self, headers: Message) -> None:
        # Reddit counts requests per window and says how many are left and when it resets.
        remaining, reset = headers.get("X-Ratelimit-Remaining"), headers.get("X-Ratelimit-Reset")
        try:
            if remaining is not None and reset is not None and float(remaining) < 1:
                self.limiter.hold(float(reset))
        except ValueError:
            pass


def _retry_after(headers: Message | None) -> float | None:
    """Seconds from Retry-After (seconds or an HTTP date), else Reddit's X-Ratelimit-Reset."""
    if headers is None:
        return None
    value = headers.get("Retry-After")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    reset = headers.get("X-Ratelimit-Reset")
    try:
        return float(reset) if reset else None
    except ValueError:
        return None
