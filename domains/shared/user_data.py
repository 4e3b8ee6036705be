"""The one contract through which account export and erasure reach every domain.

Each domain that stores a user's data registers one `UserDataContributor`; identity's export and
delete use cases call all of them, so a new domain plugs in without touching identity.
"""

from __future__ import annotations

from typing import Any, Protocol


class UserDataContributor(Protocol):
    #: The key under which this domain's data appears in an export.
    name: str

    async def export(self, user_id: str) -> Any:
        """Everything this domain holds for `user_id`, as JSON-compatible values."""
        ...

    async def erase(self, user_id: str) -> None:
        """Remove everything this domain holds for `user_id`. Idempotent."""
        ...
