"""Signing in (password or Google), and the sessions and tokens that follow: checking an access
token on each request, refreshing, signing out, the account's list of signed-in devices."""

from __future__ import annotations

import hmac
import ipaddress
import logging
from dataclasses import dataclass, field, replace

from domains.identity.account_data import EveryDomainsData
from domains.identity.errors import InvalidCredentials, InvalidToken, UnverifiedAccountExists
from domains.identity.model import (
    AccessClaims,
    Device,
    GoogleIdentity,
    GoogleNonce,
    LoginLimits,
    Principal,
    RefreshClaims,
    Session,
    SignIn,
    User,
    check_display_name,
    normalise_email,
)
from domains.identity.parts import IdentityStore, SignIns, limit
from domains.identity.ports import (
    GoogleNonces,
    GoogleTokenVerifier,
    IdentityUnitOfWork,
    PasswordHasher,
    RevocationState,
)
from domains.shared.clock import Clock
from domains.shared.errors import InvalidInput, NotFound, RateLimited, Unavailable
from domains.shared.ids import new_id
from domains.shared.rate_limit import Rate, RateLimiter

log = logging.getLogger(__name__)


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
class SignInService:
    store: IdentityStore
    sign_ins: SignIns
    hasher: PasswordHasher
    limiter: RateLimiter
    clock: Clock
    #: Erases an unverified account's data when a Google sign-in replaces it.
    domains: EveryDomainsData
    google: GoogleTokenVerifier | None = None
    #: Binds each Google ID token to the client that started the sign-in (with `google`).
    google_nonces: GoogleNonces | None = None
    login_limits: LoginLimits = field(default_factory=LoginLimits)

    async def login(
        self, email: str, password: str, device: Device, *, remember_me: bool = False
    ) -> SignIn:
        await limit(self.limiter, "login:ip:" + device.ip, self.login_limits.per_ip)
        try:
            email = normalise_email(email)
        except InvalidInput:
            raise InvalidCredentials() from None
        guess = await self._admit_password_guess(email, device)
        user = await self.store.user_by_email(email)
        # Verify even for unknown accounts: the answer takes the same time either way.
        ok = await self.hasher.verify(user.password_hash if user else None, password)
        if user is None or not ok:
            await self._count_wrong_password(guess)
            raise InvalidCredentials()
        async with self.store.uow() as uow:
            if user.password_hash and self.hasher.needs_rehash(user.password_hash):
                user.password_hash = await self.hasher.hash(password)
                user.updated_at = self.clock.now()
                await uow.users.update(user)
            sign_in = await self.sign_ins.open(uow, user, device, remember_me)
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
        await limit(self.limiter, "login:ip:" + device.ip, self.login_limits.per_ip)
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
            await self.domains.erase(holder.id)
            erased = holder.id
        revoked: list[str] = []
        linked = False
        async with self.store.uow() as uow:
            user = await uow.users.get_by_google_subject(identity.subject)
            if user is None:
                user, revoked = await self._link_or_create_google_user(uow, identity, erased)
                linked = True
            sign_in = await self.sign_ins.open(uow, user, device, remember_me)
            await uow.commit()
        if revoked:
            await self.sign_ins.revoke(revoked)
        if linked:  # the account now shows its Google link
            await self.store.account_changed(user.id)
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
        async with self.store.read() as uow:
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

    def _google(self) -> GoogleTokenVerifier:
        if self.google is None or self.google_nonces is None:
            raise InvalidToken("Google sign-in is not configured")
        return self.google

    def _google_nonces(self) -> GoogleNonces:
        if self.google_nonces is None:
            raise InvalidToken("Google sign-in is not configured")
        return self.google_nonces

    async def authenticate(self, access_token: str) -> Principal:
        claims = self.read_access_token(access_token)
        return await self.confirm_session(
            claims, await self.sign_ins.revocations.state(claims.session_id)
        )

    def read_access_token(self, access_token: str) -> AccessClaims:
        """Signature, type and expiry only; `confirm_session` then checks revocation."""
        return self.sign_ins.tokens.decode_access(access_token, self.clock.now())

    def read_refresh_token(self, refresh_token: str) -> RefreshClaims:
        """Signature, type and expiry only: whose session a refresh token names."""
        return self.sign_ins.tokens.decode_refresh(refresh_token, self.clock.now())

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
        async with self.store.read() as uow:
            session = await uow.sessions.get(claims.session_id)
            revoked = (
                await uow.sessions.revoked_since(now - self.sign_ins.policy.access_ttl)
                if warm
                else []
            )
        ended = (
            session is None or session.user_id != claims.user_id or session.revoked_at is not None
        )
        if warm:
            if ended and claims.session_id not in revoked:
                revoked.append(claims.session_id)
            try:
                await self.sign_ins.revocations.warm(revoked, self.sign_ins.revocation_ttl)
            except Unavailable:
                # The answer stands on the sessions table; the cache is taught next time.
                log.warning("the revocation cache could not be warmed")
        return RevocationState.REVOKED if ended else RevocationState.ACTIVE

    async def refresh(self, refresh_token: str, device: Device) -> SignIn:
        now = self.clock.now()
        claims = self.sign_ins.tokens.decode_refresh(refresh_token, now)
        async with self.store.uow() as uow:
            session = await uow.sessions.get(claims.session_id)
            if session is None or session.user_id != claims.user_id or not session.is_active(now):
                raise InvalidToken("the session has ended; sign in again")
            user = await uow.users.get(session.user_id)
            if user is None:
                raise InvalidToken("the account no longer exists")
            new_jti = new_id()
            expires_at = now + self.sign_ins.policy.refresh_ttl_for(session.remember_me)
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
                await self.sign_ins.revoke([session.id])
                raise InvalidToken("this refresh token was already used; the session is ended")
            await uow.commit()
        session = replace(
            session,
            refresh_jti=new_jti,
            generation=session.generation + 1,
            last_used_at=now,
            expires_at=expires_at,
        )
        return self.sign_ins.tokens_for(user, session, now)

    async def logout(self, principal: Principal) -> None:
        await self._end_session(principal.user_id, principal.session_id, "logout")

    async def logout_with_refresh_token(self, refresh_token: str) -> None:
        """Signing out with a refresh token alone: for clients whose access token expired."""
        claims = self.read_refresh_token(refresh_token)
        await self._end_session(claims.user_id, claims.session_id, "logout")

    async def list_sessions(self, user_id: str) -> list[Session]:
        now = self.clock.now()
        async with self.store.read() as uow:
            sessions = await uow.sessions.list_for_user(user_id)
        return [s for s in sessions if s.is_active(now)]

    async def revoke_session(self, user_id: str, session_id: str) -> None:
        await self._end_session(user_id, session_id, "revoked_by_user")

    async def _end_session(self, user_id: str, session_id: str, reason: str) -> None:
        now = self.clock.now()
        async with self.store.uow() as uow:
            session = await uow.sessions.get(session_id)
            # Another user's session is indistinguishable from a missing one.
            if session is None or session.user_id != user_id:
                raise NotFound("no such session")
            if session.revoked_at is None:
                await uow.sessions.revoke(session_id, reason=reason, now=now)
                await uow.commit()
        await self.sign_ins.revoke([session_id])
