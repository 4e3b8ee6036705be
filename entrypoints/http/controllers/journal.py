"""The journal over HTTP. Grants for protected collections travel in the X-Journal-Grant
header (several comma-separated), never in URLs, so they stay out of access logs."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter, ParameterKwarg
from litestar.status_codes import HTTP_204_NO_CONTENT

from domains.identity.model import Principal
from domains.journal.collections import CollectionService
from domains.journal.entries import EntryService
from domains.journal.gratitude import GratitudeService
from domains.journal.model import KEEP, EntryChanges, EntryDraft
from domains.journal.user_data import JournalUserData
from entrypoints.http.openapi import beyond_schema, responses
from entrypoints.http.schemas.journal import (
    CollectionCreate,
    CollectionPasswordChange,
    CollectionRead,
    CollectionUpdate,
    EntryCreate,
    EntryPage,
    EntryRead,
    EntryUpdate,
    GrantRead,
    GratitudeCreate,
    GratitudePage,
    GratitudeRead,
    StatsRead,
    UnlockRequest,
)
from entrypoints.http.schemas.unset import given
from entrypoints.http.screens import SCREEN_SECONDS, UNCACHED_WITH

Collections = NamedDependency[CollectionService]
Entries = NamedDependency[EntryService]
Gratitude = NamedDependency[GratitudeService]
JournalData = NamedDependency[JournalUserData]
CurrentUser = NamedDependency[Principal]
GRANT_HEADER = "x-journal-grant"

PathId: Any = ParameterKwarg(max_length=64, format="uuid")  # Parameter() takes no format
Limit = Parameter(default=50, ge=1, le=200)
Offset = Parameter(default=0, ge=0, le=1_000_000)


def grants_of(request: Request[Any, Any, Any]) -> list[str]:
    raw = request.headers.get(GRANT_HEADER, "")
    return [token.strip() for token in raw.split(",") if token.strip()]


class JournalController(Controller):
    path = "/journal"
    tags = ["journal"]

    # -- collections ------------------------------------------------------------------------

    @get("/collections", responses=responses(401))
    async def list_collections(
        self, journal_collections: Collections, principal: CurrentUser
    ) -> list[CollectionRead]:
        """Your collections (names are not secret; protected ones show `protected`)."""
        return [
            CollectionRead.of(c)
            for c in await journal_collections.list_collections(principal.user_id)
        ]

    @post("/collections", status_code=201, responses=responses(401, 403, 409, 422))
    async def create_collection(
        self,
        data: JSONBody[CollectionCreate],
        journal_collections: Collections,
        principal: CurrentUser,
    ) -> CollectionRead:
        """A collection; with a password, its entries are readable only after an unlock."""
        c = await journal_collections.create_collection(principal.user_id, data.name, data.password)
        return CollectionRead.of(c)

    @get("/collections/{collection_id:str}", responses=responses(401, 404))
    async def get_collection(
        self, journal_collections: Collections, principal: CurrentUser, collection_id: str = PathId
    ) -> CollectionRead:
        """One collection, with whether it is locked by a password."""
        return CollectionRead.of(
            await journal_collections.get_collection(principal.user_id, collection_id)
        )

    @patch(
        "/collections/{collection_id:str}",
        responses=responses(401, 403, 404, 409, 422),
        opt=beyond_schema(
            "`name` is at most 100 printable characters once trimmed (no control characters)",
            "no other collection of the user has that name (otherwise 409)",
        ),
    )
    async def rename_collection(
        self,
        data: JSONBody[CollectionUpdate],
        journal_collections: Collections,
        principal: CurrentUser,
        collection_id: str = PathId,
    ) -> CollectionRead:
        """Rename a collection; names are unique per user."""
        c = await journal_collections.rename_collection(principal.user_id, collection_id, data.name)
        return CollectionRead.of(c)

    @delete(
        "/collections/{collection_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(401, 403, 404),
    )
    async def delete_collection(
        self,
        request: Request[Any, Any, Any],
        journal_collections: Collections,
        principal: CurrentUser,
        collection_id: str = PathId,
    ) -> None:
        """Deletes the collection and every entry in it; a protected one must be unlocked."""
        await journal_collections.delete_collection(
            principal.user_id, collection_id, grants_of(request)
        )

    @put(
        "/collections/{collection_id:str}/password",
        operation_id="setCollectionPassword",
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "when the collection has a password, `current_password` is sent and is that password"
        ),
    )
    async def set_password(
        self,
        data: JSONBody[CollectionPasswordChange],
        journal_collections: Collections,
        principal: CurrentUser,
        collection_id: str = PathId,
    ) -> CollectionRead:
        """Protect, change or remove the password. Entries are not re-encrypted (only the
        collection's key is re-wrapped) and grants issued before stop working."""
        c = await journal_collections.set_password(
            principal.user_id,
            collection_id,
            current_password=data.current_password,
            new_password=data.new_password,
        )
        return CollectionRead.of(c)

    @post(
        "/collections/{collection_id:str}/unlock",
        operation_id="unlockCollection",
        status_code=200,
        responses=responses(401, 403, 404, 422, 429),
        opt=beyond_schema(
            "`password` is the collection's password (wrong guesses are rate-limited: 429)"
        ),
    )
    async def unlock(
        self,
        data: JSONBody[UnlockRequest],
        journal_collections: Collections,
        principal: CurrentUser,
        collection_id: str = PathId,
    ) -> GrantRead:
        """Check the password and get a short-lived grant. Wrong passwords are rate-limited."""
        grant = await journal_collections.unlock(principal.user_id, collection_id, data.password)
        return GrantRead(grant.token, grant.collection_id, grant.expires_in)

    @post(
        "/lock",
        operation_id="lockJournal",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(401, 403),
    )
    async def lock(self, request: Request[Any, Any, Any], journal_collections: Collections) -> None:
        """End the grants sent in X-Journal-Grant now, before they expire."""
        await journal_collections.lock(grants_of(request))

    # -- entries ----------------------------------------------------------------------------

    @get(
        "/entries",
        operation_id="listJournalEntries",
        responses=responses(401, 403, 404, 422),
        # A page read without a grant is a screen like the others; with one it is never kept.
        cache=SCREEN_SECONDS,
        opt={UNCACHED_WITH: GRANT_HEADER},
    )
    async def list_entries(
        self,
        request: Request[Any, Any, Any],
        journal_entries: Entries,
        principal: CurrentUser,
        collection_id: str | None = Parameter(default=None, max_length=64),
        tag: str | None = Parameter(default=None, max_length=200),
        limit: int = Limit,
        offset: int = Offset,
    ) -> EntryPage:
        """Newest first. Protected collections appear only with their grant."""
        entries, total = await journal_entries.list_entries(
            principal.user_id,
            grants_of(request),
            collection_id=collection_id,
            tag=tag,
            limit=limit,
            offset=offset,
        )
        return EntryPage([EntryRead.of(e) for e in entries], total)

    @post(
        "/entries",
        operation_id="createJournalEntry",
        status_code=201,
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "`collection_id` names one of the user's collections",
            "`mood_entry_id`, when sent, names one of the user's mood entries",
            "`content` is a Quill delta: an object whose only member is an `ops` list",
        ),
    )
    async def create_entry(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[EntryCreate],
        journal_entries: Entries,
        principal: CurrentUser,
    ) -> EntryRead:
        """A journal entry, encrypted at rest; in a locked collection it needs that
        collection's grant in X-Journal-Grant."""
        draft = EntryDraft(data.title, data.content, data.tags, data.mood_entry_id)
        entry = await journal_entries.create_entry(
            principal.user_id, data.collection_id, draft, grants_of(request)
        )
        return EntryRead.of(entry)

    @get(
        "/entries/{entry_id:str}",
        operation_id="getJournalEntry",
        responses=responses(401, 403, 404),
    )
    async def get_entry(
        self,
        request: Request[Any, Any, Any],
        journal_entries: Entries,
        principal: CurrentUser,
        entry_id: str = PathId,
    ) -> EntryRead:
        """One entry, decrypted; in a locked collection only with its grant in X-Journal-Grant."""
        entry = await journal_entries.get_entry(principal.user_id, entry_id, grants_of(request))
        return EntryRead.of(entry)

    @patch(
        "/entries/{entry_id:str}",
        operation_id="updateJournalEntry",
        responses=responses(401, 403, 404, 422),
    )
    async def update_entry(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[EntryUpdate],
        journal_entries: Entries,
        principal: CurrentUser,
        entry_id: str = PathId,
    ) -> EntryRead:
        """Change an entry's title, text, mood or tags; a locked collection's entry needs its
        grant."""
        mood = data.mood_entry_id
        changes = EntryChanges(
            title=given(data.title),
            content=given(data.content),
            tags=given(data.tags),
            collection_id=given(data.collection_id),
            mood_entry_id=KEEP if mood is msgspec.UNSET else mood,
        )
        entry = await journal_entries.update_entry(
            principal.user_id, entry_id, changes, grants_of(request)
        )
        return EntryRead.of(entry)

    @delete(
        "/entries/{entry_id:str}",
        operation_id="deleteJournalEntry",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(401, 403, 404),
    )
    async def delete_entry(
        self,
        request: Request[Any, Any, Any],
        journal_entries: Entries,
        principal: CurrentUser,
        entry_id: str = PathId,
    ) -> None:
        """Delete an entry for good; a locked collection's entry needs its grant."""
        await journal_entries.delete_entry(principal.user_id, entry_id, grants_of(request))

    @get("/search", operation_id="searchJournal", responses=responses(401, 422))
    async def search(
        self,
        request: Request[Any, Any, Any],
        journal_entries: Entries,
        principal: CurrentUser,
        q: str = Parameter(max_length=1000),
        limit: int = Limit,
    ) -> EntryPage:
        """Full-text search over what you may read now (protected collections need a grant)."""
        hits, total = await journal_entries.search(
            principal.user_id, q, grants_of(request), limit=limit
        )
        return EntryPage([EntryRead.of(e) for e in hits], total)

    # -- gratitude, stats, export -----------------------------------------------------------

    @get("/gratitude", responses=responses(401, 422))
    async def list_gratitude(
        self,
        journal_gratitude: Gratitude,
        principal: CurrentUser,
        limit: int = Limit,
        offset: int = Offset,
    ) -> GratitudePage:
        """The user's gratitude notes, newest first, a page at a time with the total."""
        items, total = await journal_gratitude.list_gratitude(
            principal.user_id, limit=limit, offset=offset
        )
        return GratitudePage([GratitudeRead.of(g) for g in items], total)

    @post("/gratitude", status_code=201, responses=responses(401, 403, 422))
    async def add_gratitude(
        self, data: JSONBody[GratitudeCreate], journal_gratitude: Gratitude, principal: CurrentUser
    ) -> GratitudeRead:
        """A gratitude note for a local day (today when no day is given)."""
        item = await journal_gratitude.add_gratitude(principal.user_id, data.text, data.on_date)
        return GratitudeRead.of(item)

    @delete(
        "/gratitude/{gratitude_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(401, 403, 404),
    )
    async def delete_gratitude(
        self, journal_gratitude: Gratitude, principal: CurrentUser, gratitude_id: str = PathId
    ) -> None:
        """Delete a gratitude note."""
        await journal_gratitude.delete_gratitude(principal.user_id, gratitude_id)

    @get("/stats", operation_id="getJournalStats", responses=responses(401))
    async def stats(
        self, request: Request[Any, Any, Any], journal_entries: Entries, principal: CurrentUser
    ) -> StatsRead:
        """Entries per month, words written and the writing streak, on your local days.
        Protected collections count only with their grant, as in lists."""
        return StatsRead.of(await journal_entries.stats(principal.user_id, grants_of(request)))

    @get("/export", operation_id="exportJournal", responses=responses(401))
    async def export(
        self, request: Request[Any, Any, Any], journal_data: JournalData, principal: CurrentUser
    ) -> Response[dict[str, Any]]:
        """Plaintext for open collections and those unlocked by the grants sent; the others as
        ciphertext with the parameters to decrypt them offline with their password."""
        data = await journal_data.export(principal.user_id, grants_of(request))
        return Response(
            data,
            headers={"Content-Disposition": 'attachment; filename="refocused-journal.json"'},
        )
