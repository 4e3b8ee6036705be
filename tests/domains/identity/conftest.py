from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from domains.identity.account_data import AccountDataService, EveryDomainsData
from domains.identity.account_mail import AccountMailService
from domains.identity.accounts import AccountService
from domains.identity.model import Device, GoogleIdentity, SignIn
from domains.identity.parts import IdentityStore, SignIns
from domains.identity.sessions import SignInService
from tests.domains.identity.fakes import (
    CountingLimiter,
    FakeClock,
    FakeContributor,
    FakeGoogle,
    FakeGoogleNonces,
    FakeHasher,
    FakeLinkTokens,
    FakeRevocations,
    FakeTokens,
    FakeUnitOfWork,
    RecordingMail,
    Store,
)


@dataclass
class World:
    accounts: AccountService
    sessions: SignInService
    mailing: AccountMailService
    data: AccountDataService
    store: Store
    clock: FakeClock
    hasher: FakeHasher
    revocations: FakeRevocations
    limiter: CountingLimiter
    google: FakeGoogle
    notes: FakeContributor
    mail: RecordingMail

    async def register(self, email: str, password: str, device: Device, **options: Any) -> None:
        """Registers as the HTTP route does: the account, then its mail."""
        registration = await self.accounts.create_account(email, password, device, **options)
        await self.mailing.mail_registration(registration, device)

    async def sign_up(self, email: str, password: str) -> SignIn:
        """Registers, then signs in: registering alone signs nobody in."""
        await self.register(email, password, DEVICE)
        return await self.sessions.login(email, password, DEVICE)


@pytest.fixture
def world() -> World:
    records, clock, hasher = Store(), FakeClock(), FakeHasher()
    revocations, limiter, google = FakeRevocations(), CountingLimiter(), FakeGoogle()
    notes, mail = FakeContributor("notes"), RecordingMail()
    store = IdentityStore(uow=lambda: FakeUnitOfWork(records))
    sign_ins = SignIns(tokens=FakeTokens(), revocations=revocations, clock=clock)
    every_domain = EveryDomainsData([notes])
    accounts = AccountService(
        store=store, sign_ins=sign_ins, hasher=hasher, limiter=limiter, clock=clock
    )
    sessions = SignInService(
        store=store,
        sign_ins=sign_ins,
        hasher=hasher,
        limiter=limiter,
        clock=clock,
        domains=every_domain,
        google=google,
        google_nonces=FakeGoogleNonces(),
    )
    mailing = AccountMailService(
        store=store,
        sign_ins=sign_ins,
        hasher=hasher,
        limiter=limiter,
        clock=clock,
        mail=mail,
        links=FakeLinkTokens(),
        links_base="https://refocused.example",
    )
    data = AccountDataService(
        store=store, sign_ins=sign_ins, hasher=hasher, clock=clock, domains=every_domain
    )
    return World(
        accounts,
        sessions,
        mailing,
        data,
        records,
        clock,
        hasher,
        revocations,
        limiter,
        google,
        notes,
        mail,
    )


DEVICE = Device(ip="203.0.113.7", user_agent="tests")


async def google_sign_in(world: World, identity: GoogleIdentity, **options: Any) -> SignIn:
    """A Google sign-in as a client makes it: a nonce first, then a token that carries it."""
    started = world.sessions.start_google_sign_in()
    token = f"token-for-{started.nonce}"
    world.google.identities[token] = replace(identity, nonce=started.nonce)
    return await world.sessions.sign_in_with_google(token, started.verifier, DEVICE, **options)
