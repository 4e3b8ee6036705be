"""Self-posts of a subreddit's top listing, through Reddit's public JSON API.

`/r/<sub>/top.json?t=<period>&limit=100&after=<fullname>` pages by the fullname of the last
post (the cursor). Only text posts with a body are kept: removed, deleted, stickied (mostly
moderator notices) and NSFW posts and link posts are skipped. The text belongs to its authors
under Reddit's user agreement; the licence field says so rather than pretending to a licence.
Author names are not kept: a post's URL is its attribution.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from model.data.collect.client import HttpClient
from model.data.collect.core import CollectError, Cursor, Document, Page, utc_now

LICENCE = "reddit-user-agreement"
PERIODS = ("hour", "day", "week", "month", "year", "all")
_SUBREDDIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{1,20}")
_GONE = {"", "[removed]", "[deleted]"}


@dataclass
class RedditSource:
    client: HttpClient
    subreddit: str
    period: str = "all"
    base_url: str = "https://www.reddit.com"

    def __post_init__(self) -> None:
        self.subreddit = self.subreddit.removeprefix("r/")
        if not _SUBREDDIT.fullmatch(self.subreddit):
            raise ValueError(f"{self.subreddit!r} is not a subreddit name (letters, digits, _)")
        if self.period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}")

    @property
    def name(self) -> str:
        return f"reddit-{self.subreddit.lower()}-top-{self.period}"

    def pages(self, cursor: Cursor | None) -> Iterator[Page]:
        url = f"{self.base_url.rstrip('/')}/r/{self.subreddit}/top.json"
        after = (cursor or {}).get("after")
        while True:
            # raw_json=1: bodies come as written, not HTML-escaped (&amp;).
            query = {"t": self.period, "limit": "100", "raw_json": "1"}
            reply = self.client.get_json(url, {**query, "after": after} if after else query)
            if not isinstance(reply, dict) or reply.get("kind") != "Listing":
                raise CollectError(f"{url}: expected a Listing; is r/{self.subreddit} public?")
            listing = reply["data"]
            if any(child.get("kind") != "t3" for child in listing["children"]):
                # Reddit redirects an unknown subreddit to a search for subreddits (t5).
                raise CollectError(f"r/{self.subreddit} was not found; Reddit offered a search")
            fetched_at = utc_now()
            documents = [
                _document(child["data"], fetched_at)
                for child in listing["children"]
                if child.get("kind") == "t3" and _keep(child["data"])
            ]
            after = listing.get("after")
            yield Page(documents, {"after": after} if after else None)
            if not after:
                return


def _keep(post: dict[str, Any]) -> bool:
    return not (
        post.get("over_18")
        or post.get("stickied")
        or post.get("removed_by_category")
        or post.get("author") == "[deleted]"
        or (post.get("selftext") or "").strip() in _GONE
    )


def _document(post: dict[str, Any], fetched_at: str) -> Document:
    title, body = post["title"].strip(), post["selftext"].strip()
    return Document(
        source="reddit",
        id=post["name"],
        url=f"https://www.reddit.com{post['permalink']}",
        licence=LICENCE,
        fetched_at=fetched_at,
        title=title,
        text=f"{title}\n\n{body}",
        meta={
            "subreddit": post["subreddit"],
            "score": post.get("score"),
            "created_utc": post.get("created_utc"),
        },
    )
