"""The web client served at / by the API (entrypoints/http/web.py): its pages with a policy
that runs only their own inline scripts, its assets cached for good, and the API's own paths
never answered by a page."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from entrypoints.http.web import page_csp
from entrypoints.settings import Settings

BOOT = b"self.__next_f=self.__next_f||[];self.__next_f.push([0])"
DATA = b'self.__next_f.push([1,"app data"])'


def _hash(script: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A static export shaped like `next build`'s: pages as folder/index.html."""
    out = tmp_path / "out"
    (out / "habits").mkdir(parents=True)
    (out / "_next" / "static" / "chunks").mkdir(parents=True)
    page = (
        b'<!DOCTYPE html><html><head><script src="/_next/static/chunks/app.js" async></script>'
        b"</head><body><div id=root>Today</div><script>" + BOOT + b"</script>"
        b"<script>" + DATA + b"</script></body></html>"
    )
    (out / "index.html").write_bytes(page)
    (out / "habits" / "index.html").write_bytes(b"<html><body>Habits</body></html>")
    (out / "404.html").write_bytes(b"<html><body>Not here</body></html>")
    (out / "_next" / "static" / "chunks" / "app.js").write_bytes(b"console.log('app');" * 100)
    return out


def test_a_page_runs_only_its_own_inline_scripts(export: Path) -> None:
    policy = page_csp((export / "index.html").read_bytes())
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"].split() == ["'self'", *sorted([_hash(BOOT), _hash(DATA)])]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_pages_assets_and_404(serve: Callable[..., str], export: Path) -> None:
    url = serve(web_dir=export)
    home = httpx.get(f"{url}/")
    assert home.status_code == 200 and "Today" in home.text
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    assert _hash(BOOT) in home.headers["content-security-policy"]
    assert home.headers["cache-control"] == "no-cache"
    assert home.headers["x-frame-options"] == "DENY"
    # The API's own policy is not added beside the page's.
    policies = home.headers.get_list("content-security-policy")
    assert policies == [home.headers["content-security-policy"]]

    for path in ("/habits/", "/habits", "/habits/index.html"):
        r = httpx.get(f"{url}{path}")
        assert r.status_code == 200 and "Habits" in r.text, path

    asset = httpx.get(f"{url}/_next/static/chunks/app.js", headers={"Accept-Encoding": "gzip"})
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert asset.headers["content-type"].startswith("text/javascript")
    assert asset.headers["content-encoding"] == "gzip"

    missing = httpx.get(f"{url}/no/such/page/")
    assert missing.status_code == 404 and "Not here" in missing.text

    assert httpx.head(f"{url}/habits/").status_code == 200


def test_the_api_paths_stay_the_apis(serve: Callable[..., str], export: Path) -> None:
    url = serve(web_dir=export)
    unknown = httpx.get(f"{url}/api/v1/no-such-route")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert httpx.get(f"{url}/health").json()["status"] == "ok"
    assert httpx.get(f"{url}/api/v1/auth/me").status_code == 401
    assert httpx.get(f"{url}/.well-known/jwks.json").status_code == 200
    # A page's name under the API's prefix is not the page.
    assert httpx.get(f"{url}/api/v1/habits/index.html").status_code == 401


def test_no_client_without_a_build(serve: Callable[..., str], tmp_path: Path) -> None:
    url = serve(web_dir=tmp_path / "empty")
    assert httpx.get(f"{url}/").status_code == 404


def test_where_the_client_comes_from(tmp_path: Path, export: Path) -> None:
    assert Settings(web_dir=export).web_client_dir == export
    assert Settings(web_dir=tmp_path / "empty").web_client_dir is None
    built = Path(__file__).resolve().parents[3] / "entrypoints" / "web" / "out"
    embedded = Settings().web_client_dir
    assert embedded == (built if (built / "index.html").is_file() else None)
    # Production leaves the client to Amplify unless told otherwise.
    assert Settings(profile="production").web_client_dir is None
