from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from domains.identity.model import Device, GoogleIdentity, SignIn
from domains.identity.use_cases import IdentityService
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
    service: IdentityService
    store: Store
    clock: FakeClock
    hasher: FakeHasher
    revocations: FakeRevocations
    limiter: CountingLimiter
    google: FakeGoogle
    notes: FakeContributor
    mail: RecordingMail

    async def sign_up(self, email: str, password: str) -> SignIn:
        """Registers, then signs in: registering alone signs nobody in."""
        await self.service.register(email, password, DEVICE)
        return await self.service.login(email, password, DEVICE)


@pytest.fixture
def world() -> World:
    store, clock, hasher = Store(), FakeClock(), FakeHasher()
    revocations, limiter, google = FakeRevocations(), CountingLimiter(), FakeGoogle()
    notes, mail = FakeContributor("notes"), RecordingMail()
    service = IdentityService(
        uow=lambda: FakeUnitOfWork(store),
        hasher=hasher,
        tokens=FakeTokens(),
        revocations=revocations,
        limiter=limiter,
        clock=clock,
        google=google,
        google_nonces=FakeGoogleNonces(),
        contributors=[notes],
        mail=mail,
        links=FakeLinkTokens(),
        links_base="https://refocused.example",
    )
    return World(service, store, clock, hasher, revocations, limiter, google, notes, mail)


DEVICE = Device(ip="203.0.113.7", user_agent="tests")


async def google_sign_in(world: World, identity: GoogleIdentity, **options: Any) -> SignIn:
    """A Google sign-in as a client makes it: a nonce first, then a token that carries it."""
    started = world.service.start_google_sign_in()
    token = f"token-for-{started.nonce}"
    world.google.identities[token] = replace(identity, nonce=started.nonce)
    return await world.service.sign_in_with_google(token, started.verifier, DEVICE, **options)
