"""Account mail: verifying the address, and resetting a forgotten password by a mailed link."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from domains.identity.accounts import Registration
from domains.identity.errors import InvalidAccountLink
from domains.identity.model import (
    PASSWORD_RESET_TTL,
    VERIFICATION_TTL,
    AccountMailLimits,
    Device,
    LinkPurpose,
    User,
    check_password_policy,
    normalise_email,
)
from domains.identity.parts import IdentityStore, SignIns, limit
from domains.identity.ports import AccountMail, LinkTokens, PasswordHasher
from domains.shared.clock import Clock
from domains.shared.errors import Conflict, RateLimited, Unavailable
from domains.shared.rate_limit import RateLimiter

log = logging.getLogger(__name__)


@dataclass
class AccountMailService:
    store: IdentityStore
    sign_ins: SignIns
    hasher: PasswordHasher
    limiter: RateLimiter
    clock: Clock
    #: Verification and password-reset mail; without both, these use cases answer 503.
    mail: AccountMail | None = None
    links: LinkTokens | None = None
    #: Where links in mail point: the web client's origin, e.g. https://refocused.example.
    links_base: str = ""
    mail_limits: AccountMailLimits = field(default_factory=AccountMailLimits)

    async def mail_registration(self, registration: Registration, device: Device) -> None:
        """A new account's verification link, or a notice to the owner of a taken address that
        someone tried. Never raises: a mail that cannot go out must not undo the sign-up."""
        if self.mail is None or self.links is None:
            return
        user = registration.new_user
        try:
            if user is not None:
                await limit(
                    self.limiter,
                    "verify-email:account:" + user.id,
                    self.mail_limits.verification_per_account,
                )
                await self._send_verification(user, device)
            else:
                await limit(
                    self.limiter,
                    "register-notice:address:" + registration.email,
                    self.mail_limits.registration_notice_per_address,
                )
                await self._mail().send_registration_attempt(
                    registration.email, self.links_base, device.ip
                )
        except RateLimited:
            pass
        except Exception:
            log.warning("account mail was not sent", exc_info=True)

    async def request_email_verification(self, user_id: str, device: Device) -> None:
        await limit(
            self.limiter,
            "verify-email:account:" + user_id,
            self.mail_limits.verification_per_account,
        )
        user = await self.store.me(user_id)
        if user.email_verified:
            raise Conflict("this email address is already verified", field="email")
        await self._send_verification(user, device)

    async def confirm_email(self, token: str) -> User:
        links = self._links()
        now = self.clock.now()
        user_id = links.subject(LinkPurpose.VERIFY_EMAIL, token, now)
        async with self.store.uow() as uow:
            user = await uow.users.get(user_id)
            if user is None:
                raise InvalidAccountLink()
            # Bound to the address: a link sent to an earlier address proves nothing now.
            links.verify(LinkPurpose.VERIFY_EMAIL, token, user.email, now)
            if not user.email_verified:
                user.email_verified = True
                user.updated_at = now
                await uow.users.update(user)
                await uow.commit()
        await self.store.account_changed(user.id)  # also when a first try committed, then failed
        return user

    async def request_password_reset(self, raw_email: str, device: Device) -> None:
        """Answers the same whether or not the account exists, so nobody can probe addresses
        with it; a mail that cannot go out is logged, not reported."""
        email = await self.admit_password_reset(raw_email, device)
        await self.mail_password_reset(email, device)

    async def admit_password_reset(self, raw_email: str, device: Device) -> str:
        """The checks that may refuse a reset request (limits, a malformed address), none of
        which depends on the account existing. Returns the normalised address."""
        # Mail that is not configured is a 503 now, not a silent drop after the answer.
        self._links()
        self._mail()
        await limit(self.limiter, "password-reset:ip:" + device.ip, self.mail_limits.reset_per_ip)
        email = normalise_email(raw_email)
        await limit(
            self.limiter, "password-reset:address:" + email, self.mail_limits.reset_per_address
        )
        return email

    async def mail_password_reset(self, email: str, device: Device) -> None:
        """The part that differs for known accounts, so a transport may run it after it has
        answered, where its duration tells nothing. Never raises: failures are logged."""
        try:
            user = await self.store.user_by_email(email)
            if user is None:
                return
            token = self._links().issue(
                LinkPurpose.PASSWORD_RESET,
                user.id,
                user.password_hash or "",
                self.clock.now() + PASSWORD_RESET_TTL,
            )
            link = f"{self.links_base}/reset-password?token={quote(token)}"
            await self._mail().send_password_reset(user.email, link, device.ip)
        except Exception:
            log.warning("the password-reset mail was not sent", exc_info=True)

    async def reset_password(self, token: str, new_password: str) -> None:
        """Sets the new password and signs every session out. The token is bound to the old
        password's hash, so it works once."""
        check_password_policy(new_password, field="new_password")
        links = self._links()
        now = self.clock.now()
        user_id = links.subject(LinkPurpose.PASSWORD_RESET, token, now)
        await self._check_reset_token(await self.store.user(user_id), token, now)
        new_hash = await self.hasher.hash(new_password)
        async with self.store.uow() as uow:
            # Again, locked: of two resets racing with one token, the second sees the new hash.
            user = await uow.users.get_for_update(user_id)
            user = await self._check_reset_token(user, token, now)
            user.password_hash = new_hash
            user.updated_at = now
            await uow.users.update(user)
            revoked = await uow.sessions.revoke_all_for_user(
                user.id, reason="password_reset", now=now
            )
            await uow.commit()
        await self.sign_ins.revoke(revoked)
        await self.store.account_changed(user.id)  # it has a password now, if it had none

    async def _check_reset_token(self, user: User | None, token: str, now: datetime) -> User:
        if user is None:
            raise InvalidAccountLink()
        self._links().verify(LinkPurpose.PASSWORD_RESET, token, user.password_hash or "", now)
        return user

    async def _send_verification(self, user: User, device: Device) -> None:
        token = self._links().issue(
            LinkPurpose.VERIFY_EMAIL, user.id, user.email, self.clock.now() + VERIFICATION_TTL
        )
        link = f"{self.links_base}/verify-email?token={quote(token)}"
        await self._mail().send_verification(user.email, link, device.ip)

    def _links(self) -> LinkTokens:
        if self.links is None:
            raise Unavailable("account mail is not configured")
        return self.links

    def _mail(self) -> AccountMail:
        if self.mail is None:
            raise Unavailable("account mail is not configured")
        return self.mail
