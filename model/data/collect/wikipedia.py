"""Wikipedia articles as plain text, through the MediaWiki Action API.

All articles of the main namespace in title order (generator=allpages, redirects left out), with
TextExtracts' plain-text extracts. MediaWiki returns at most one whole-article extract per
reply and says where to go on in `continue`; merging that object into the original request is
the documented way to page, and it is also the cursor: resuming sends the saved `continue`.
`maxlag=5` makes the API refuse work while its replicas lag; the client waits as told.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from model.data.collect.client import HttpClient, RetryLater
from model.data.collect.core import CollectError, Cursor, Document, Page, utc_now

LICENCE = "CC-BY-SA-4.0"


@dataclass
class WikipediaSource:
    client: HttpClient
    lang: str = "en"
    api_url: str | None = None  # a mirror or a replay server; default: the language's wiki
    batch: int = 20  # titles per generator batch

    def __post_init__(self) -> None:
        if not self.lang.replace("-", "").isalnum():
            raise ValueError(f"{self.lang!r} is not a Wikipedia language code (en, de, simple)")

    @property
    def name(self) -> str:
        return f"wikipedia-{self.lang}"

    @property
    def site(self) -> str:
        return f"https://{self.lang}.wikipedia.org"

    def pages(self, cursor: Cursor | None) -> Iterator[Page]:
        api = self.api_url or f"{self.site}/w/api.php"
        query = {
            "action": "query",
            "format": "json",
            "formatversion": "2",
            "generator": "allpages",
            "gapnamespace": "0",
            "gapfilterredir": "nonredirects",
            "gaplimit": str(self.batch),
            "prop": "extracts|info",
            "inprop": "url",
            "explaintext": "1",
            "exsectionformat": "plain",
            "exlimit": "max",
            "maxlag": "5",
        }
        while True:
            reply = self.client.get_json(api, {**query, **(cursor or {})}, check=_check)
            fetched_at = utc_now()
            documents = [
                self._document(page, fetched_at)
                for page in reply.get("query", {}).get("pages", [])
                if page.get("extract", "").strip()
            ]
            cursor = reply.get("continue")
            yield Page(documents, cursor)
            if cursor is None:
                return

    def _document(self, page: dict[str, Any], fetched_at: str) -> Document:
        title = page["title"]
        url = page.get("fullurl") or f"{self.site}/wiki/{quote(title.replace(' ', '_'))}"
        return Document(
            source="wikipedia",
            id=f"{self.lang}wiki:{page['pageid']}",
            url=url,
            licence=LICENCE,
            fetched_at=fetched_at,
            title=title,
            text=page["extract"].strip(),
            meta={"lang": self.lang, "revision": page.get("lastrevid")},
        )


def _check(reply: Any) -> None:
    if not isinstance(reply, dict):
        raise CollectError("the MediaWiki API answered something that is not a JSON object")
    error = reply.get("error")
    if error:
        if error.get("code") == "maxlag":
            raise RetryLater(f"maxlag: {error.get('info', 'the wiki is lagging')}")
        raise CollectError(f"MediaWiki API error {error.get('code')}: {error.get('info')}")
