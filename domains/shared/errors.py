"""Error types every domain builds on; the HTTP layer maps each kind once to a status code."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of all domain errors. `detail` is safe to show to the user who caused it."""

    title = "Request could not be completed"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        extensions: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        #: Members a client reads by name (RFC 9457 extension members), e.g. the id of the
        #: resource in the way of a conflict; as safe to show as `detail`.
        self.extensions: Mapping[str, str] = extensions or {}


class InvalidInput(DomainError):
    title = "Invalid input"


class NotFound(DomainError):
    """Also raised for another user's resources, so their existence is never revealed."""

    title = "Not found"


class Conflict(DomainError):
    title = "Conflict"


class Unauthenticated(DomainError):
    title = "Authentication required"


class Forbidden(DomainError):
    title = "Forbidden"


class RateLimited(DomainError):
    title = "Too many requests"

    def __init__(
        self,
        detail: str,
        *,
        retry_after_seconds: float,
        extensions: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail, extensions=extensions)
        self.retry_after_seconds = retry_after_seconds


class Unavailable(DomainError):
    title = "Service unavailable"


class Overloaded(Unavailable):
    """Too busy to serve this request in time (no connection or turn came free within the
    bound): refused at once, with when to try again, rather than left waiting."""

    def __init__(
        self,
        detail: str = "the server is too busy to answer in time; try again shortly",
        *,
        retry_after_seconds: float = 1.0,
    ) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds
