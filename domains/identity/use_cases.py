"""Identity use cases. Each is a short method over a unit of work and the ports it needs."""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from domains.identity.errors import (
    EmailAlreadyRegistered,
    InvalidAccountLink,
    InvalidCredentials,
    InvalidToken,
    UnverifiedAccountExists,
)
from domains.identity.model import (
    PASSWORD_RESET_TTL,
    VERIFICATION_TTL,
    AccessClaims,
    AccountMailLimits,
    Device,
    GoogleIdentity,
    GoogleNonce,
    LinkPurpose,
    LoginLimits,
    Principal,
    Session,
    SignIn,
    TokenPolicy,
    User,
    check_display_name,
    check_password_policy,
    normalise_email,
)
from domains.identity.ports import (
    AccountMail,
    GoogleNonces,
    GoogleTokenVerifier,
    IdentityReader,
    IdentityUnitOfWork,
    LinkTokens,
    PasswordHasher,
    RevocationCache,
    RevocationState,
    TokenService,
)
from domains.shared.clock import Clock, time_zone
from domains.shared.errors import Conflict, InvalidInput, NotFound, RateLimited, Unavailable
from domains.shared.ids import new_id
from domains.shared.rate_limit import Rate, RateLimiter
from domains.shared.user_data import UserDataContributor

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Registration:
    """What `create_account` did, for `mail_registration`; never told to the client."""

    email: str
    #: None when the address already had an account.
    new_user: User | None


@dataclass(slots=True)
class _Guess:
    """The limiter keys of one password attempt on one account."""

    client_key: str
    account_key: str
    under_attack: bool = False


def _client_of(ip: str) -> str:
    """One client for the login limits: an IPv6 host is given a whole /64, so its prefix is
    counted as one client, not 2**64 of them."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass
class IdentityService:
    uow: Callable[[], IdentityUnitOfWork]
    hasher: PasswordHasher
    tokens: TokenService
    revocations: RevocationCache
    limiter: RateLimiter
    clock: Clock
    google: GoogleTokenVerifier | None = None
    #: Binds each Google ID token to the client that started the sign-in (with `google`).
    google_nonces: GoogleNonces | None = None
    policy: TokenPolicy = field(default_factory=TokenPolicy)
    login_limits: LoginLimits = field(default_factory=LoginLimits)
    contributors: Sequence[UserDataContributor] = ()
    #: Reads only (no transaction); defaults to `uow`.
    reader: Callable[[], IdentityReader] | None = None
    #: Verification and password-reset mail; without both, those use cases answer 503.
    mail: AccountMail | None = None
    links: LinkTokens | None = None
    #: Where links in mail point: the web client's origin, e.g. https://refocused.example.
    links_base: str = ""
    mail_limits: AccountMailLimits = field(default_factory=AccountMailLimits)

    def _read(self) -> IdentityReader:
        return (self.reader or self.uow)()

    # -- accounts -------------------------------------------------------------------------

    async def register(
        self,
        email: str,
        password: str,
        device: Device,
        *,
        display_name: str | None = None,
        time_zone_name: str = "UTC",
    ) -> None:
        """Creates an unverified account that signs in with `login`, or, when the address has
        one already, tells its owner by mail. The caller learns neither: see `create_account`."""
        registration = await self.create_account(
            email, password, device, display_name=display_name, time_zone_name=time_zone_name
        )
        await self.mail_registration(registration, device)

    async def create_account(
        self,
        email: str,
        password: str,
        device: Device,
        *,
        display_name: str | None = None,
        time_zone_name: str = "UTC",
    ) -> Registration:
        """Registration must not say which addresses have accounts (a 409 did), so a taken
        address answers like a new one: every check that may refuse runs before the address is
        looked up, both branches hash the password and attempt the same insert, and the mail,
        which differs, is `mail_registration`'s, for a transport to send after answering."""
        await self._limit("register:ip:" + device.ip, self.login_limits.register_per_ip)
        email = normalise_email(email)
        check_password_policy(password)
        time_zone(time_zone_name)
        name = check_display_name(display_name or email.split("@", 1)[0])
        password_hash = await self.hasher.hash(password)
        now = self.clock.now()
        user = User(
            id=new_id(),
            email=email,
            display_name=name,
            time_zone=time_zone_name,
            created_at=now,
            updated_at=now,
            password_hash=password_hash,
        )
        try:
            async with self.uow() as uow:
                await uow.users.add(user)
                await uow.commit()
        except EmailAlreadyRegistered:
            return Registration(email, new_user=None)
        return Registration(email, new_user=user)

    async def mail_registration(self, registration: Registration, device: Device) -> None:
        """A new account's verification link, or a notice to the owner of a taken address that
        someone tried. Never raises: a mail that cannot go out must not undo the sign-up."""
        if self.mail is None or self.links is None:
            return
        user = registration.new_user
        try:
            if user is not None:
                await self._limit(
                    "verify-email:account:" + user.id, self.mail_limits.verification_per_account
                )
                await self._send_verification(user, device)
            else:
                await self._limit(
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

    async def login(
        self, email: str, password: str, device: Device, *, remember_me: bool = False
    ) -> SignIn:
        await self._limit("login:ip:" + device.ip, self.login_limits.per_ip)
        try:
            email = normalise_email(email)
        except InvalidInput:
            raise InvalidCredentials() from None
        guess = await self._admit_password_guess(email, device)
        async with self._read() as uow:
            user = await uow.users.get_by_email(email)
        # Verify even for unknown accounts: the answer takes the same time either way.
        ok = await self.hasher.verify(user.password_hash if user else None, password)
        if user is None or not ok:
            await self._count_wrong_password(guess)
            raise InvalidCredentials()
        async with self.uow() as uow:
            if user.password_hash and self.hasher.needs_rehash(user.password_hash):
                user.password_hash = await self.hasher.hash(password)
                user.updated_at = self.clock.now()
                await uow.users.update(user)
            sign_in = await self._open_session(uow, user, device, remember_me)
            await uow.commit()
        return sign_in

    def start_google_sign_in(self) -> GoogleNonce:
        """The nonce the client asks Google to put into the ID token, and the verifier it sends
        back with that token."""
        self._google()
        return self._google_nonces().issue(self.clock.now())

    async def _admit_password_guess(self, email: str, device: Device) -> _Guess:
        """May this client try a password on this account now? Only wrong passwords count (a
        correct one is never charged), per account *and* client, so a stranger's guesses do not
        lock the owner out; past the account's budget of wrong passwords from everywhere, each
        client gets one guess per `per_account` period: a distributed attack is slowed, and the
        owner, from a client without a recent wrong password, still signs in. Unknown addresses
        take the same path, so the limits say nothing about which accounts exist."""
        limits = self.login_limits
        guess = _Guess(
            client_key=f"login:failures:{email}:{_client_of(device.ip)}",
            account_key="login:failures:" + email,
        )
        client_rate = Rate(*limits.per_account)
        client = await self.limiter.peek(guess.client_key, client_rate)
        account = await self.limiter.peek(guess.account_key, Rate(*limits.per_account_everywhere))
        guess.under_attack = account.remaining < 1
        needed = client_rate.limit if guess.under_attack else 1
        if client.remaining < needed:
            # Until `needed` guesses are back in the client's bucket (GCRA: one per interval).
            wait = client.reset_after - client_rate.period_seconds
            wait += needed * client_rate.emission_interval
            raise RateLimited(
                "too many attempts; try again later", retry_after_seconds=max(wait, 1.0)
            )
        return guess

    async def _count_wrong_password(self, guess: _Guess) -> None:
        limits = self.login_limits
        client_rate = Rate(*limits.per_account)
        # Under attack a wrong password spends the client's whole allowance.
        cost = client_rate.limit if guess.under_attack else 1
        await self.limiter.hit(guess.client_key, client_rate, cost)
        await self.limiter.hit(guess.account_key, Rate(*limits.per_account_everywhere))

    async def sign_in_with_google(
        self,
        id_token: str,
        nonce_verifier: str | None,
        device: Device,
        *,
        remember_me: bool = False,
        replace_unverified_account: bool = False,
    ) -> SignIn:
        google, nonces = self._google(), self._google_nonces()
        await self._limit("login:ip:" + device.ip, self.login_limits.per_ip)
        if not nonce_verifier:
            raise InvalidInput(
                "Google sign-in needs the nonce verifier this server issued for it",
                field="nonce_verifier",
            )
        started = nonces.open(nonce_verifier, self.clock.now())
        identity = await google.verify(id_token)
        await self._spend_google_nonce(started, identity)
        erased: str | None = None
        holder = await self._unverified_holder(identity)
        if holder is not None:
            if not replace_unverified_account:
                raise UnverifiedAccountExists()
            # Whoever made this account never proved the address; the Google owner has. The
            # account goes the way of a deleted one (its data first, like delete_account), and
            # the owner starts on a new id: nothing of the old one, tokens included, carries over.
            await self._erase_user_data(holder.id)
            erased = holder.id
        revoked: list[str] = []
        async with self.uow() as uow:
            user = await uow.users.get_by_google_subject(identity.subject)
            if user is None:
                user, revoked = await self._link_or_create_google_user(uow, identity, erased)
            sign_in = await self._open_session(uow, user, device, remember_me)
            await uow.commit()
        if revoked:
            await self.revocations.revoke(revoked, self._revocation_ttl())
        return sign_in

    async def _link_or_create_google_user(
        self, uow: IdentityUnitOfWork, identity: GoogleIdentity, erased: str | None
    ) -> tuple[User, list[str]]:
        """The user to sign in and the sessions ended on the way. `erased` names the
        unverified account whose data was erased for this sign-in: only that one is replaced."""
        # An unverified Google email proves nothing: linking on it would hand over the account.
        if not identity.email_verified:
            raise InvalidToken("the Google account's email address is not verified")
        email = normalise_email(identity.email)
        now = self.clock.now()
        existing = await uow.users.get_by_email(email)
        if existing is not None and existing.email_verified:
            existing.google_subject = identity.subject
            existing.updated_at = now
            await uow.users.update(existing)
            return existing, []
        revoked: list[str] = []
        if existing is not None:
            if existing.id != erased:
                raise UnverifiedAccountExists()
            revoked = await uow.sessions.revoke_all_for_user(
                existing.id, reason="replaced_by_google", now=now
            )
            await uow.sessions.delete_for_user(existing.id)
            await uow.users.delete(existing.id)
        user = User(
            id=new_id(),
            email=email,
            display_name=check_display_name(identity.name or email.split("@", 1)[0]),
            time_zone="UTC",
            created_at=now,
            updated_at=now,
            email_verified=True,
            google_subject=identity.subject,
        )
        await uow.users.add(user)
        return user, revoked

    async def _unverified_holder(self, identity: GoogleIdentity) -> User | None:
        """The account that holds the Google identity's address without having proved it, when
        this sign-in would otherwise link to it."""
        if not identity.email_verified:
            return None
        async with self._read() as uow:
            if await uow.users.get_by_google_subject(identity.subject) is not None:
                return None
            existing = await uow.users.get_by_email(normalise_email(identity.email))
        return existing if existing is not None and not existing.email_verified else None

    async def _spend_google_nonce(self, started: GoogleNonce, identity: GoogleIdentity) -> None:
        token_nonce = (identity.nonce or "").encode()
        if not token_nonce or not hmac.compare_digest(token_nonce, started.nonce.encode()):
            raise InvalidToken("the Google token was not issued for this sign-in; start again")
        # One sign-in per nonce: the limiter's key lives as long as the verifier does.
        seconds = (started.expires_at - self.clock.now()).total_seconds() + 1.0
        decision = await self.limiter.hit("google-nonce:" + started.nonce, Rate(1, seconds))
        if not decision.allowed:
            raise InvalidToken("this Google sign-in was already used; start again")

    async def _erase_user_data(self, user_id: str) -> None:
        for contributor in self.contributors:
            await contributor.erase(user_id)

    def _google(self) -> GoogleTokenVerifier:
        if self.google is None or self.google_nonces is None:
            raise InvalidToken("Google sign-in is not configured")
        return self.google

    def _google_nonces(self) -> GoogleNonces:
        if self.google_nonces is None:
            raise InvalidToken("Google sign-in is not configured")
        return self.google_nonces

    async def me(self, user_id: str) -> User:
        async with self._read() as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise InvalidToken("the account no longer exists")
        return user

    async def update_profile(
        self, user_id: str, *, display_name: str | None = None, time_zone_name: str | None = None
    ) -> User:
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
            if user is None:
                raise InvalidToken("the account no longer exists")
            if display_name is not None:
                user.display_name = check_display_name(display_name)
            if time_zone_name is not None:
                time_zone(time_zone_name)
                user.time_zone = time_zone_name
            user.updated_at = self.clock.now()
            await uow.users.update(user)
            await uow.commit()
        return user

    async def change_password(
        self, principal: Principal, current_password: str, new_password: str, device: Device
    ) -> SignIn:
        """Every other session is signed out; the current one continues with fresh tokens."""
        await self._limit("login:account-id:" + principal.user_id, self.login_limits.per_account)
        check_password_policy(new_password, field="new_password")
        user = await self.me(principal.user_id)
        if not await self.hasher.verify(user.password_hash, current_password):
            raise InvalidCredentials()
        new_hash = await self.hasher.hash(new_password)
        now = self.clock.now()
        async with self.uow() as uow:
            user.password_hash = new_hash
            user.updated_at = now
            await uow.users.update(user)
            revoked = await uow.sessions.revoke_all_for_user(
                user.id, reason="password_changed", now=now
            )
            sign_in = await self._open_session(uow, user, device, remember_me=False)
            await uow.commit()
        await self.revocations.revoke(revoked, self._revocation_ttl())
        return sign_in

    # -- mail: verify the address, reset a forgotten password ---------------------------

    async def request_email_verification(self, user_id: str, device: Device) -> None:
        await self._limit(
            "verify-email:account:" + user_id, self.mail_limits.verification_per_account
        )
        user = await self.me(user_id)
        if user.email_verified:
            raise Conflict("this email address is already verified", field="email")
        await self._send_verification(user, device)

    async def confirm_email(self, token: str) -> User:
        links = self._links()
        now = self.clock.now()
        user_id = links.subject(LinkPurpose.VERIFY_EMAIL, token, now)
        async with self.uow() as uow:
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
        await self._limit("password-reset:ip:" + device.ip, self.mail_limits.reset_per_ip)
        email = normalise_email(raw_email)
        await self._limit("password-reset:address:" + email, self.mail_limits.reset_per_address)
        return email

    async def mail_password_reset(self, email: str, device: Device) -> None:
        """The part that differs for known accounts, so a transport may run it after it has
        answered, where its duration tells nothing. Never raises: failures are logged."""
        try:
            async with self._read() as uow:
                user = await uow.users.get_by_email(email)
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
        await self._check_reset_token(await self._user_or_none(user_id), token, now)
        new_hash = await self.hasher.hash(new_password)
        async with self.uow() as uow:
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
        await self.revocations.revoke(revoked, self._revocation_ttl())

    async def _check_reset_token(self, user: User | None, token: str, now: datetime) -> User:
        if user is None:
            raise InvalidAccountLink()
        self._links().verify(LinkPurpose.PASSWORD_RESET, token, user.password_hash or "", now)
        return user

    async def _user_or_none(self, user_id: str) -> User | None:
        async with self._read() as uow:
            return await uow.users.get(user_id)

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

    # -- tokens and sessions --------------------------------------------------------------

    async def authenticate(self, access_token: str) -> Principal:
        claims = self.read_access_token(access_token)
        return await self.confirm_session(claims, await self.revocations.state(claims.session_id))

    def read_access_token(self, access_token: str) -> AccessClaims:
        """Signature, type and expiry only; `confirm_session` then checks revocation."""
        return self.tokens.decode_access(access_token, self.clock.now())

    async def confirm_session(self, claims: AccessClaims, state: RevocationState) -> Principal:
        """`state` is what the revocation cache said of the claims' session, so a caller that
        already asked the cache (in the same round trip as other questions) does not ask twice.
        When the cache cannot vouch (UNKNOWN, UNAVAILABLE), the durable sessions decide."""
        if state is RevocationState.UNKNOWN or state is RevocationState.UNAVAILABLE:
            state = await self._durable_state(claims, warm=state is RevocationState.UNKNOWN)
        if state is RevocationState.REVOKED:
            raise InvalidToken("the session has been signed out")
        return Principal(user_id=claims.user_id, session_id=claims.session_id)

    async def _durable_state(self, claims: AccessClaims, *, warm: bool) -> RevocationState:
        """The session's own row decides (one primary-key read): a session that was ended, or
        whose row is gone with its account, is revoked. With `warm`, the cache that forgot is
        taught every revocation still in force, so the next requests need no database."""
        now = self.clock.now()
        async with self._read() as uow:
            session = await uow.sessions.get(claims.session_id)
            revoked = await uow.sessions.revoked_since(now - self.policy.access_ttl) if warm else []
        ended = (
            session is None or session.user_id != claims.user_id or session.revoked_at is not None
        )
        if warm:
            if ended and claims.session_id not in revoked:
                revoked.append(claims.session_id)
            try:
                await self.revocations.warm(revoked, self._revocation_ttl())
            except Unavailable:
                # The answer stands on the sessions table; the cache is taught next time.
                log.warning("the revocation cache could not be warmed")
        return RevocationState.REVOKED if ended else RevocationState.ACTIVE

    async def refresh(self, refresh_token: str, device: Device) -> SignIn:
        now = self.clock.now()
        claims = self.tokens.decode_refresh(refresh_token, now)
        async with self.uow() as uow:
            session = await uow.sessions.get(claims.session_id)
            if session is None or session.user_id != claims.user_id or not session.is_active(now):
                raise InvalidToken("the session has ended; sign in again")
            user = await uow.users.get(session.user_id)
            if user is None:
                raise InvalidToken("the account no longer exists")
            new_jti = new_id()
            expires_at = now + self.policy.refresh_ttl_for(session.remember_me)
            rotated = claims.jti == session.refresh_jti and await uow.sessions.rotate(
                session.id,
                expected_jti=claims.jti,
                new_jti=new_jti,
                now=now,
                expires_at=expires_at,
            )
            if not rotated:
                # A refresh token that was already used: someone else holds a copy. End the family.
                await uow.sessions.revoke(session.id, reason="refresh_token_reuse", now=now)
                await uow.commit()
                await self.revocations.revoke([session.id], self._revocation_ttl())
                raise InvalidToken("this refresh token was already used; the session is ended")
            await uow.commit()
        session = replace(
            session,
            refresh_jti=new_jti,
            generation=session.generation + 1,
            last_used_at=now,
            expires_at=expires_at,
        )
        return self._tokens_for(user, session, now)

    async def logout(self, principal: Principal) -> None:
        await self._end_session(principal.user_id, principal.session_id, "logout")

    async def logout_with_refresh_token(self, refresh_token: str) -> None:
        """Signing out with a refresh token alone: for clients whose access token expired."""
        claims = self.tokens.decode_refresh(refresh_token, self.clock.now())
        await self._end_session(claims.user_id, claims.session_id, "logout")

    async def list_sessions(self, user_id: str) -> list[Session]:
        now = self.clock.now()
        async with self._read() as uow:
            sessions = await uow.sessions.list_for_user(user_id)
        return [s for s in sessions if s.is_active(now)]

    async def revoke_session(self, user_id: str, session_id: str) -> None:
        await self._end_session(user_id, session_id, "revoked_by_user")

    async def _end_session(self, user_id: str, session_id: str, reason: str) -> None:
        now = self.clock.now()
        async with self.uow() as uow:
            session = await uow.sessions.get(session_id)
            # Another user's session is indistinguishable from a missing one.
            if session is None or session.user_id != user_id:
                raise NotFound("no such session")
            if session.revoked_at is None:
                await uow.sessions.revoke(session_id, reason=reason, now=now)
                await uow.commit()
        await self.revocations.revoke([session_id], self._revocation_ttl())

    # -- the user's data ------------------------------------------------------------------

    async def export(self, user_id: str) -> dict[str, Any]:
        user = await self.me(user_id)
        async with self._read() as uow:
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
        for contributor in self.contributors:
            data[contributor.name] = await contributor.export(user_id)
        return data

    async def delete_account(self, principal: Principal, password: str | None) -> None:
        user = await self.me(principal.user_id)
        # A stolen access token alone must not be enough to erase an account with a password.
        if user.password_hash is not None and not await self.hasher.verify(
            user.password_hash, password or ""
        ):
            raise InvalidCredentials()
        for contributor in self.contributors:
            await contributor.erase(user.id)
        now = self.clock.now()
        async with self.uow() as uow:
            revoked = await uow.sessions.revoke_all_for_user(
                user.id, reason="account_deleted", now=now
            )
            await uow.sessions.delete_for_user(user.id)
            await uow.users.delete(user.id)
            await uow.commit()
        await self.revocations.revoke([*revoked, principal.session_id], self._revocation_ttl())

    # -- helpers --------------------------------------------------------------------------

    async def _open_session(
        self, uow: IdentityUnitOfWork, user: User, device: Device, remember_me: bool
    ) -> SignIn:
        now = self.clock.now()
        session = Session(
            id=new_id(),
            user_id=user.id,
            refresh_jti=new_id(),
            created_at=now,
            last_used_at=now,
            expires_at=now + self.policy.refresh_ttl_for(remember_me),
            remember_me=remember_me,
            user_agent=device.user_agent[:255],
        )
        await uow.sessions.add(session)
        return self._tokens_for(user, session, now)

    def _tokens_for(self, user: User, session: Session, now: datetime) -> SignIn:
        access, expires_in = self.tokens.issue_access(user.id, session.id, now)
        refresh = self.tokens.issue_refresh(
            user.id, session.id, session.refresh_jti, session.expires_at, now
        )
        return SignIn(
            user=user,
            session=session,
            access_token=access,
            access_expires_in=expires_in,
            refresh_token=refresh,
            refresh_expires_at=session.expires_at,
        )

    def _revocation_ttl(self) -> int:
        # An access token outlives its revocation by at most its own lifetime.
        return int((self.policy.access_ttl + timedelta(seconds=5)).total_seconds())

    async def _limit(self, key: str, rate: tuple[int, float]) -> None:
        decision = await self.limiter.hit(key, Rate(*rate))
        if not decision.allowed:
            raise RateLimited(
                "too many attempts; try again later", retry_after_seconds=decision.retry_after
            )
