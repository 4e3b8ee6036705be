"""Identity's `AccountMail` port over the email service's transactional mail, so identity never
imports the email domain: the composition root is the only place that knows both."""

from __future__ import annotations

from dataclasses import dataclass

from domains.email.ports import TransactionalMail


@dataclass(frozen=True, slots=True)
class EmailAccountMail:
    transactional: TransactionalMail

    async def send_verification(self, to: str, link: str, client_ip: str = "") -> None:
        await self.transactional.send_verification(to, link, client_ip)

    async def send_password_reset(self, to: str, link: str, client_ip: str = "") -> None:
        await self.transactional.send_password_reset(to, link, client_ip)

    async def send_registration_attempt(self, to: str, link: str, client_ip: str = "") -> None:
        await self.transactional.send_registration_attempt(to, link, client_ip)
