"""The account itself: creating one, reading and changing its profile, changing its password."""

from __future__ import annotations

from dataclasses import dataclass, field

from domains.identity.errors import EmailAlreadyRegistered, InvalidCredentials, InvalidToken
from domains.identity.model import (
    Device,
    LoginLimits,
    Principal,
    SignIn,
    User,
    check_display_name,
    check_password_policy,
    normalise_email,
)
from domains.identity.parts import IdentityStore, SignIns, limit
from domains.identity.ports import PasswordHasher
from domains.shared.clock import Clock, time_zone
from domains.shared.ids import new_id
from domains.shared.rate_limit import RateLimiter


@dataclass(frozen=True, slots=True)
class Registration:
    """What `create_account` did, for `AccountMailService.mail_registration`; never told to
    the client."""

    email: str
    #: None when the address already had an account.
    new_user: User | None


@dataclass
class AccountService:
    store: IdentityStore
    sign_ins: SignIns
    hasher: PasswordHasher
    limiter: RateLimiter
    clock: Clock
    login_limits: LoginLimits = field(default_factory=LoginLimits)

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
        await limit(self.limiter, "register:ip:" + device.ip, self.login_limits.register_per_ip)
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
            async with self.store.uow() as uow:
                await uow.users.add(user)
                await uow.commit()
        except EmailAlreadyRegistered:
            return Registration(email, new_user=None)
        return Registration(email, new_user=user)

    async def me(self, user_id: str) -> User:
        return await self.store.me(user_id)

    async def update_profile(
        self, user_id: str, *, display_name: str | None = None, time_zone_name: str | None = None
    ) -> User:
        async with self.store.uow() as uow:
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
        await limit(
            self.limiter, "login:account-id:" + principal.user_id, self.login_limits.per_account
        )
        check_password_policy(new_password, field="new_password")
        user = await self.store.me(principal.user_id)
        if not await self.hasher.verify(user.password_hash, current_password):
            raise InvalidCredentials()
        new_hash = await self.hasher.hash(new_password)
        now = self.clock.now()
        async with self.store.uow() as uow:
            user.password_hash = new_hash
            user.updated_at = now
            await uow.users.update(user)
            revoked = await uow.sessions.revoke_all_for_user(
                user.id, reason="password_changed", now=now
            )
            sign_in = await self.sign_ins.open(uow, user, device, remember_me=False)
            await uow.commit()
        await self.sign_ins.revoke(revoked)
        return sign_in
