"""The user's data across every domain: the export of all of it, and erasing the account with
all of it. Each domain takes part through its `UserDataContributor` (domains.shared.user_data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domains.identity.errors import InvalidCredentials
from domains.identity.model import Principal
from domains.identity.parts import IdentityStore, SignIns
from domains.identity.ports import PasswordHasher
from domains.shared.clock import Clock
from domains.shared.user_data import UserDataContributor


@dataclass(frozen=True)
class EveryDomainsData:
    """The user-data contributors of every domain, walked in one place: for the export and
    erasure here, and for the Google sign-in that replaces an unverified account."""

    contributors: Sequence[UserDataContributor] = ()

    async def export(self, user_id: str) -> dict[str, Any]:
        return {c.name: await c.export(user_id) for c in self.contributors}

    async def erase(self, user_id: str) -> None:
        """Everything the domains hold for `user_id`; the account itself stays."""
        for contributor in self.contributors:
            await contributor.erase(user_id)


@dataclass
class AccountDataService:
    store: IdentityStore
    sign_ins: SignIns
    hasher: PasswordHasher
    clock: Clock
    domains: EveryDomainsData

    async def export(self, user_id: str) -> dict[str, Any]:
        user = await self.store.me(user_id)
        async with self.store.read() as uow:
            sessions = await uow.sessions.list_for_user(user_id)
        data: dict[str, Any] = {
            "format": "refocused-export/1",
            "exported_at": self.clock.now().isoformat(),
            "account": {
                "id": user.id,
                "email": user.email,
                "display_name": user.display_name,
                "time_zone": user.time_zone,
                "email_verified": user.email_verified,
                "google_linked": user.google_subject is not None,
                "created_at": user.created_at.isoformat(),
            },
            "sessions": [
                {
                    "id": s.id,
                    "created_at": s.created_at.isoformat(),
                    "last_used_at": s.last_used_at.isoformat(),
                    "user_agent": s.user_agent,
                    "revoked_at": s.revoked_at.isoformat() if s.revoked_at else None,
                }
                for s in sessions
            ],
        }
        data.update(await self.domains.export(user_id))
        return data

    async def delete_account(self, principal: Principal, password: str | None) -> None:
        user = await self.store.me(principal.user_id)
        # A stolen access token alone must not be enough to erase an account with a password.
        if user.password_hash is not None and not await self.hasher.verify(
            user.password_hash, password or ""
        ):
            raise InvalidCredentials()
        await self.domains.erase(user.id)
        now = self.clock.now()
        async with self.store.uow() as uow:
            revoked = await uow.sessions.revoke_all_for_user(
                user.id, reason="account_deleted", now=now
            )
            await uow.sessions.delete_for_user(user.id)
            await uow.users.delete(user.id)
            await uow.commit()
        await self.sign_ins.revoke([*revoked, principal.session_id])
