"""Study over HTTP: decks, cards, reviews, the due queue, progress, Anki plain text."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import JSONBody, Parameter, ParameterKwarg
from litestar.status_codes import HTTP_204_NO_CONTENT

from domains.identity.model import Principal
from domains.study.cards import CardService
from domains.study.decks import DeckService
from domains.study.model import CardChanges, CardDraft
from domains.study.reviews import ReviewService
from entrypoints.http.openapi import also_answered_as, beyond_schema, responses
from entrypoints.http.schemas.study import (
    BulkCardCreate,
    CardCreate,
    CardRead,
    CardUpdate,
    DeckCreate,
    DeckRead,
    DeckUpdate,
    ImportRequest,
    ImportResult,
    ProgressRead,
    QueueRead,
    ReviewCreate,
    ReviewRead,
    SettingsRead,
    SettingsUpdate,
)
from entrypoints.http.schemas.unset import given
from entrypoints.http.screens import SCREEN_SECONDS, fresh_until

Decks = NamedDependency[DeckService]
Cards = NamedDependency[CardService]
Reviews = NamedDependency[ReviewService]
CurrentUser = NamedDependency[Principal]
PathId: Any = ParameterKwarg(max_length=64, format="uuid")  # Parameter() takes no format
_MEDIA = {"csv": "text/csv", "tsv": "text/tab-separated-values"}


class StudyController(Controller):
    path = "/study"
    tags = ["study"]

    # -- decks ------------------------------------------------------------------------------

    @get("/decks", responses=responses(401))
    async def list_decks(self, study_decks: Decks, principal: CurrentUser) -> list[DeckRead]:
        """The user's decks."""
        return [DeckRead.of(d) for d in await study_decks.list_decks(principal.user_id)]

    @post("/decks", status_code=201, responses=responses(401, 403, 422))
    async def create_deck(
        self, data: JSONBody[DeckCreate], study_decks: Decks, principal: CurrentUser
    ) -> DeckRead:
        """A new deck; names are unique per user."""
        return DeckRead.of(
            await study_decks.create_deck(principal.user_id, data.name, data.description)
        )

    @get("/decks/{deck_id:str}", responses=responses(401, 404))
    async def get_deck(
        self, study_decks: Decks, principal: CurrentUser, deck_id: str = PathId
    ) -> DeckRead:
        """One deck with its card count."""
        return DeckRead.of(await study_decks.get_deck(principal.user_id, deck_id))

    @patch("/decks/{deck_id:str}", responses=responses(401, 403, 404, 422))
    async def update_deck(
        self,
        data: JSONBody[DeckUpdate],
        study_decks: Decks,
        principal: CurrentUser,
        deck_id: str = PathId,
    ) -> DeckRead:
        """Rename a deck or change its description."""
        deck = await study_decks.update_deck(
            principal.user_id,
            deck_id,
            name=given(data.name),
            description=given(data.description),
        )
        return DeckRead.of(deck)

    @delete(
        "/decks/{deck_id:str}", status_code=HTTP_204_NO_CONTENT, responses=responses(401, 403, 404)
    )
    async def delete_deck(
        self, study_decks: Decks, principal: CurrentUser, deck_id: str = PathId
    ) -> None:
        """Deletes the deck with its cards and their review history."""
        await study_decks.delete_deck(principal.user_id, deck_id)

    @get("/decks/{deck_id:str}/cards", responses=responses(401, 404, 422))
    async def list_cards(
        self,
        study_cards: Cards,
        principal: CurrentUser,
        deck_id: str = PathId,
        limit: int = Parameter(default=100, ge=1, le=500),
        offset: int = Parameter(default=0, ge=0, le=1_000_000),
    ) -> list[CardRead]:
        """A deck's cards, a page at a time."""
        cards = await study_cards.list_cards(principal.user_id, deck_id, limit=limit, offset=offset)
        return [CardRead.of(c) for c in cards]

    @post(
        "/decks/{deck_id:str}/cards",
        operation_id="createCards",
        status_code=201,
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "each side has at least one printable character once trimmed",
            "tags have no spaces or control characters (as in Anki)",
        ),
    )
    async def bulk_create(
        self,
        data: JSONBody[BulkCardCreate],
        study_cards: Cards,
        principal: CurrentUser,
        deck_id: str = PathId,
    ) -> list[CardRead]:
        """Up to 500 cards at once; all or none are created."""
        drafts = [CardDraft(c.front, c.back, c.tags) for c in data.cards]
        return [
            CardRead.of(c)
            for c in await study_cards.create_cards(principal.user_id, deck_id, drafts)
        ]

    @post(
        "/decks/{deck_id:str}/import",
        status_code=201,
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "each line holds a front and a back, separated by a tab or a comma (CSV quoting "
            "allowed); the error names the first bad line"
        ),
    )
    async def import_cards(
        self,
        data: JSONBody[ImportRequest],
        study_cards: Cards,
        principal: CurrentUser,
        deck_id: str = PathId,
    ) -> ImportResult:
        """Anki plain text (CSV or tab-separated); errors name the line, and nothing is added."""
        cards = await study_cards.import_cards(principal.user_id, deck_id, data.text, data.format)
        return ImportResult(imported=len(cards))

    @get(
        "/decks/{deck_id:str}/export",
        operation_id="exportDeck",
        operation_class=also_answered_as(200, "text/csv", "text/tab-separated-values"),
        responses={
            200: ResponseSpec(
                str,
                description="The deck as Anki plain text, as a file to save",
                media_type="text/csv",
                generate_examples=False,
                examples=[
                    Example(
                        value="#separator:Comma\n#html:false\n#tags column:3\ntener,to have,verbs\n"
                    )
                ],
            ),
            **responses(401, 404),
        },
    )
    async def export_cards(
        self,
        study_cards: Cards,
        principal: CurrentUser,
        deck_id: str = PathId,
        format: Literal["csv", "tsv"] = "csv",
    ) -> Response[str]:
        """Anki plain text, with #separator, #html and #tags column headers."""
        text = await study_cards.export_cards(principal.user_id, deck_id, format)
        return Response(
            text,
            media_type=_MEDIA[format],  # Litestar adds "; charset=utf-8" to text/*
            headers={"Content-Disposition": f'attachment; filename="deck.{format}"'},
        )

    @get(
        "/decks/{deck_id:str}/queue",
        operation_id="getReviewQueue",
        responses=responses(401, 404, 422),
        cache=SCREEN_SECONDS,
    )
    async def queue(
        self,
        study_reviews: Reviews,
        principal: CurrentUser,
        deck_id: str = PathId,
        limit: int = Parameter(default=50, ge=1, le=200),
    ) -> QueueRead:
        """Due reviews first, then new cards within today's allowance (your local day)."""
        queue = await study_reviews.queue(principal.user_id, deck_id, limit)
        fresh_until(queue.changes_at)  # a card falling due changes the answer (screen cache)
        return QueueRead.of(queue)

    @get(
        "/decks/{deck_id:str}/progress",
        operation_id="getDeckProgress",
        responses=responses(401, 404),
    )
    async def progress(
        self, study_reviews: Reviews, principal: CurrentUser, deck_id: str = PathId
    ) -> ProgressRead:
        """How a deck stands: cards by state, what is due, recent reviews and retention."""
        return ProgressRead.of(await study_reviews.progress(principal.user_id, deck_id))

    # -- cards and reviews ------------------------------------------------------------------

    @post(
        "/cards",
        status_code=201,
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "`deck_id` names one of the user's decks (otherwise 404)",
            "each side has at least one printable character once trimmed",
            "tags have no spaces or control characters (as in Anki)",
        ),
    )
    async def create_card(
        self, data: JSONBody[CardCreate], study_cards: Cards, principal: CurrentUser
    ) -> CardRead:
        """One card in a deck the user owns."""
        (card,) = await study_cards.create_cards(
            principal.user_id, data.deck_id, [CardDraft(data.front, data.back, data.tags)]
        )
        return CardRead.of(card)

    @get("/cards/{card_id:str}", responses=responses(401, 404))
    async def get_card(
        self, study_cards: Cards, principal: CurrentUser, card_id: str = PathId
    ) -> CardRead:
        """One card with its scheduling state."""
        return CardRead.of(await study_cards.get_card(principal.user_id, card_id))

    @patch("/cards/{card_id:str}", responses=responses(401, 403, 404, 422))
    async def update_card(
        self,
        data: JSONBody[CardUpdate],
        study_cards: Cards,
        principal: CurrentUser,
        card_id: str = PathId,
    ) -> CardRead:
        """Edit either side or the tags, or move the card with `deck_id`."""
        changes = CardChanges(
            front=given(data.front),
            back=given(data.back),
            tags=given(data.tags),
            deck_id=given(data.deck_id),
        )
        return CardRead.of(await study_cards.update_card(principal.user_id, card_id, changes))

    @delete(
        "/cards/{card_id:str}", status_code=HTTP_204_NO_CONTENT, responses=responses(401, 403, 404)
    )
    async def delete_card(
        self, study_cards: Cards, principal: CurrentUser, card_id: str = PathId
    ) -> None:
        """Delete a card and its review history."""
        await study_cards.delete_card(principal.user_id, card_id)

    @post(
        "/cards/{card_id:str}/reviews",
        operation_id="reviewCard",
        status_code=201,
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "integers are written without a fraction (`3`, not `3.0`), as in every body of this API"
        ),
    )
    async def review(
        self,
        data: JSONBody[ReviewCreate],
        study_reviews: Reviews,
        principal: CurrentUser,
        card_id: str = PathId,
    ) -> CardRead:
        """Rate the card 1 (again) to 4 (easy); FSRS schedules its next review."""
        card = await study_reviews.review(principal.user_id, card_id, data.rating, data.duration_ms)
        return CardRead.of(card)

    @get(
        "/cards/{card_id:str}/reviews",
        operation_id="listCardReviews",
        responses=responses(401, 404),
    )
    async def history(
        self, study_reviews: Reviews, principal: CurrentUser, card_id: str = PathId
    ) -> list[ReviewRead]:
        """A card's reviews, oldest first."""
        return [ReviewRead.of(r) for r in await study_reviews.history(principal.user_id, card_id)]

    @post(
        "/reviews/undo",
        operation_id="undoReview",
        status_code=200,
        responses=responses(401, 403, 409),
    )
    async def undo(self, study_reviews: Reviews, principal: CurrentUser) -> CardRead:
        """Undo your latest review: the card is as it was before it."""
        return CardRead.of(await study_reviews.undo_last_review(principal.user_id))

    # -- settings ---------------------------------------------------------------------------

    @get("/settings", operation_id="getStudySettings", responses=responses(401))
    async def get_settings(self, study_reviews: Reviews, principal: CurrentUser) -> SettingsRead:
        """The user's study settings: desired retention and new cards per day."""
        return SettingsRead.of(await study_reviews.settings(principal.user_id))

    @patch("/settings", operation_id="updateStudySettings", responses=responses(401, 403, 422))
    async def update_settings(
        self, data: JSONBody[SettingsUpdate], study_reviews: Reviews, principal: CurrentUser
    ) -> SettingsRead:
        """Desired retention (0.70 to 0.99) and new cards per day."""
        settings = await study_reviews.update_settings(
            principal.user_id,
            desired_retention=given(data.desired_retention),
            new_cards_per_day=given(data.new_cards_per_day),
        )
        return SettingsRead.of(settings)
