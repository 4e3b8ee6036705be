"""The web client (entrypoints/web, a static Next.js export) served at /, so the embedded
profile is the whole product on one origin: the client's cookies and CSRF token are the API's.

Every file is read once at start-up. HTML pages carry a Content-Security-Policy of their own:
scripts only from this origin plus the exact inline scripts Next.js writes into that page (their
SHA-256 hashes), so nothing injected into a page can run. Hashed build assets under /_next/static
are cached for a year; pages are revalidated on every load."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, route
from litestar.exceptions import NotFoundException
from litestar.status_codes import HTTP_200_OK, HTTP_404_NOT_FOUND

# Paths the API owns: an unknown one is the API's 404, never the client's page.
API_PREFIXES = ("/api/", "/schema", "/.well-known/", "/health", "/ready", "/metrics")
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
_IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True, slots=True)
class WebFile:
    body: bytes
    media_type: str
    headers: dict[str, str]


def page_csp(html: bytes) -> str:
    """The policy for one page: its own inline scripts by hash, everything else from here."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
            for m in _INLINE_SCRIPT.finditer(html)
            if m.group(1).strip()
        }
    )
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(hashes) if hashes else "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ]
    )


def _media_type(path: Path) -> str:
    # Litestar adds the charset to text types itself.
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def load_web_client(directory: Path) -> dict[str, WebFile]:
    """Every file of the export by the URL path it answers."""
    files: dict[str, WebFile] = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory).as_posix()
        body = path.read_bytes()
        headers: dict[str, str]
        if path.suffix == ".html":
            headers = {"Content-Security-Policy": page_csp(body), "Cache-Control": "no-cache"}
        elif rel.startswith("_next/static/"):
            headers = {"Cache-Control": _IMMUTABLE}
        else:
            headers = {"Cache-Control": "no-cache"}
        media = "text/html" if path.suffix == ".html" else _media_type(path)
        web_file = WebFile(body, media, headers)
        files["/" + rel] = web_file
        if rel.endswith("index.html"):
            files["/" + rel[: -len("index.html")]] = web_file
    return files


def web_client_handler(directory: Path) -> Any:
    files = load_web_client(directory)
    not_found = files.get("/404.html")

    @route(
        ["/", "/{path:path}"],
        http_method=["GET", "HEAD"],
        include_in_schema=False,
        sync_to_thread=False,
        name="web-client",
    )
    def web_client(request: Request[Any, Any, Any]) -> Response[bytes]:
        path = request.scope["path"]
        if path.startswith(API_PREFIXES):
            raise NotFoundException()
        found = files.get(path) or files.get(path + "/")
        if found is None and not path.endswith("/") and (path + "/") in files:
            found = files[path + "/"]
        if found is not None:
            return Response(
                found.body,
                status_code=HTTP_200_OK,
                media_type=found.media_type,
                headers=found.headers,
            )
        if not_found is None:
            raise NotFoundException()
        return Response(
            not_found.body,
            status_code=HTTP_404_NOT_FOUND,
            media_type=not_found.media_type,
            headers=not_found.headers,
        )

    return web_client
