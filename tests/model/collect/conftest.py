"""A local HTTP server that replays the recorded Wikipedia and Reddit replies, with failures
injected on demand, and a fake clock so rate limits and back-off are checked without waiting."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from model.data.collect.client import HttpClient, RateLimiter

RECORDINGS = Path(__file__).parent / "recordings"


@dataclass
class Fault:
    status: int  # 0: drop the connection without answering
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class ReplayServer:
    """Answers a GET with the recorded reply whose query items it holds most of; a path with no
    recording is a 404. Queued faults answer first, one request each."""

    def __init__(self) -> None:
        self.routes: dict[str, list[dict[str, Any]]] = {}
        for routes_file in RECORDINGS.glob("*/routes.json"):
            recording = json.loads(routes_file.read_text())
            for exchange in recording["exchanges"]:
                exchange["body"] = (routes_file.parent / exchange["file"]).read_bytes()
            self.routes[recording["path"]] = recording["exchanges"]
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []  # path, query, headers
        self.fail_after: int | None = None  # answer 503 to every request past this many
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                server.requests.append((parts.path, query, dict(self.headers)))
                status, headers, body = server.answer(parts.path, query)
                if status == 0:  # the connection drops without a reply
                    self.close_connection = True
                    return
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if self.faults:
            fault = self.faults.pop(0)
            return fault.status, fault.headers, fault.body
        if self.fail_after is not None and len(self.requests) > self.fail_after:
            return 503, {}, b'{"error": "unavailable"}'
        matching = [
            e
            for e in self.routes.get(path, [])
            if all(query.get(k) == v for k, v in e["query"].items())
        ]
        if not matching:
            return 404, {}, b'{"message": "Not Found", "error": 404}'
        return 200, {}, max(matching, key=lambda e: len(e["query"]))["body"]

    def __enter__(self) -> ReplayServer:
        threading.Thread(target=self._http.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()


class FakeClock:
    """Time moves only when something sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_client(clock: FakeClock, interval: float = 0.0, **options: Any) -> HttpClient:
    limiter = RateLimiter(interval, clock=clock, sleep=clock.sleep)
    return HttpClient("refocused-tests/1.0 (contact: tests@example.org)", limiter, **options)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]
