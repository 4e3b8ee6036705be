"""dependency-injector containers by role. Sub-containers declare the slots they need; the root
fills them. Singletons for engines and clients, Factories per use; the lifespan closes clients."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from adapters.cache import StoreCache
from adapters.memory.stores import (
    InMemoryRateLimiter,
    InMemoryRequestChecks,
    InMemoryRevocationCache,
    InMemoryScreenVersions,
)
from adapters.redis.fallback import (
    FallbackCache,
    FallbackRateLimiter,
    FallbackRequestChecks,
    FallbackRevocationCache,
    FallbackScreenVersions,
    RedisBreaker,
)
from adapters.redis.screen_versions import RedisScreenVersions
from adapters.redis.stores import (
    RedisRateLimiter,
    RedisRequestChecks,
    RedisRevocationCache,
)
from adapters.scheduling.fsrs_scheduler import FsrsScheduler
from adapters.security.csrf import SignedCsrfTokens
from adapters.security.google import GoogleJwksVerifier, HmacGoogleNonces
from adapters.security.journal_crypto import AesGcmCipher, Argon2idKdf, SettingsKeyEncryptionKey
from adapters.security.link_tokens import HmacLinkTokens
from adapters.security.passwords import Argon2Parameters, Argon2PasswordHasher
from adapters.security.tokens import JoseTokenService
from adapters.sql.habits import AsyncpgHabitsReader, SqlAlchemyHabitsUnitOfWork
from adapters.sql.identity import AsyncpgIdentityReader, SqlAlchemyIdentityUnitOfWork
from adapters.sql.journal import SqlAlchemyJournalUnitOfWork
from adapters.sql.pomodoro import SqlAlchemyPomodoroUnitOfWork
from adapters.sql.study import SqlAlchemyStudyUnitOfWork
from adapters.sql.user_time_zones import AsyncpgUserTimeZones, SqlAlchemyUserTimeZones
from adapters.system.clock import SystemClock
from domains.habits.use_cases import HabitsService, HabitsUserData
from domains.identity.account_data import AccountDataService, EveryDomainsData
from domains.identity.account_mail import AccountMailService
from domains.identity.accounts import AccountService
from domains.identity.model import LoginLimits, TokenPolicy
from domains.identity.parts import IdentityStore, SignIns
from domains.identity.sessions import SignInService
from domains.journal.access import CollectionAccess
from domains.journal.collections import CollectionService
from domains.journal.entries import EntryService
from domains.journal.grants import GrantStore
from domains.journal.gratitude import GratitudeService
from domains.journal.keys import Keyring
from domains.journal.user_data import JournalUserData
from domains.pomodoro.use_cases import PomodoroService, PomodoroUserData
from domains.shared.days import UserDays
from domains.shared.events import InProcessEventBus
from domains.shared.rate_limit import Rate
from domains.study.cards import CardService
from domains.study.decks import DeckService
from domains.study.reviews import ReviewService
from domains.study.user_data import StudyUserData
from entrypoints.composition import resources
from entrypoints.composition.account_mail import EmailAccountMail
from entrypoints.composition.daily_life import (
    Breathing,
    Calendar,
    Daily,
    Goals,
    Mood,
    Streaks,
    subscribe_app_streak,
)
from entrypoints.composition.domain import Domain, contributors
from entrypoints.composition.links import link_key
from entrypoints.composition.serverless import Assistant, Aws, Email, Feedback
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from adapters.sql.read_pool import ReadPool


def _user_time_zones(
    engine: AsyncEngine, read_pool: ReadPool | None
) -> SqlAlchemyUserTimeZones | AsyncpgUserTimeZones:
    if read_pool is None:
        return SqlAlchemyUserTimeZones(engine)
    return AsyncpgUserTimeZones(read_pool)


class Infrastructure(containers.DeclarativeContainer):
    settings: providers.Dependency[Settings] = providers.Dependency()

    clock = providers.Singleton(SystemClock)
    events = providers.Singleton(InProcessEventBus, on_error=resources.report_event_failure)
    engine = providers.Singleton(resources.database_engine, settings)
    read_pool = providers.Singleton(resources.read_pool, settings, engine)
    redis = providers.Singleton(resources.redis_client, settings)
    #: Every domain counts "today" on the user's own day; one reader of users' zones serves all
    #: (raw asyncpg on PostgreSQL, the engine on SQLite).
    user_time_zones = providers.Singleton(_user_time_zones, engine, read_pool)
    #: The user's day (zone and today), with the one policy for a zone tzdata no longer knows.
    user_days = providers.Singleton(UserDays, user_time_zones, clock)

    _is_production = providers.Callable(lambda s: "redis" if s.redis_url else "memory", settings)
    # Redis's stores, each behind the process's breaker: while Redis is away, limits fall back
    # to this process's stricter share and revocation to the sessions table (adapters.redis
    # .fallback).
    _redis_revocations = providers.Singleton(
        RedisRevocationCache, redis, settings.provided.redis_prefix
    )
    redis_breaker = providers.Singleton(RedisBreaker, _redis_revocations)
    _local_limiter = providers.Singleton(InMemoryRateLimiter)
    limiter = providers.Selector(
        _is_production,
        redis=providers.Singleton(
            FallbackRateLimiter,
            providers.Singleton(RedisRateLimiter, redis, settings.provided.redis_prefix),
            redis_breaker,
            _local_limiter,
            settings.provided.degraded_rate_divisor,
        ),
        memory=_local_limiter,
    )
    revocations = providers.Selector(
        _is_production,
        redis=providers.Singleton(FallbackRevocationCache, _redis_revocations, redis_breaker),
        memory=providers.Singleton(InMemoryRevocationCache),
    )
    #: The embedded profile's screen versions, which its request checks read too.
    _memory_screen_versions = providers.Singleton(InMemoryScreenVersions)
    request_checks = providers.Selector(
        _is_production,
        redis=providers.Singleton(
            FallbackRequestChecks,
            providers.Singleton(RedisRequestChecks, redis, settings.provided.redis_prefix),
            redis_breaker,
            _local_limiter,
            settings.provided.degraded_rate_divisor,
        ),
        memory=providers.Singleton(
            InMemoryRequestChecks, limiter, revocations, _memory_screen_versions
        ),
    )
    screen_versions = providers.Selector(
        _is_production,
        redis=providers.Singleton(
            FallbackScreenVersions,
            providers.Singleton(RedisScreenVersions, redis, settings.provided.redis_prefix),
            redis_breaker,
        ),
        memory=_memory_screen_versions,
    )
    cache = providers.Selector(
        _is_production,
        redis=providers.Singleton(
            FallbackCache,
            providers.Singleton(StoreCache.redis, redis, settings.provided.redis_prefix),
            redis_breaker,
        ),
        memory=providers.Singleton(StoreCache.memory),
    )


def _identity_reader(
    engine: AsyncEngine, read_pool: ReadPool | None
) -> SqlAlchemyIdentityUnitOfWork | AsyncpgIdentityReader:
    """Every authenticated read looks the user up: raw asyncpg on PostgreSQL, the engine
    (without a transaction) on SQLite."""
    if read_pool is None:
        return SqlAlchemyIdentityUnitOfWork(engine, read_only=True)
    return AsyncpgIdentityReader(read_pool)


def _habits_reader(
    engine: AsyncEngine, read_pool: ReadPool | None
) -> SqlAlchemyHabitsUnitOfWork | AsyncpgHabitsReader:
    """The screens' habit reads: raw asyncpg on PostgreSQL, the engine without a transaction on
    SQLite."""
    if read_pool is None:
        return SqlAlchemyHabitsUnitOfWork(engine, read_only=True)
    return AsyncpgHabitsReader(read_pool)


def _token_policy(settings: Settings) -> TokenPolicy:
    return TokenPolicy(
        access_ttl=timedelta(minutes=settings.access_token_minutes),
        refresh_ttl=timedelta(days=settings.refresh_token_days),
        remembered_refresh_ttl=timedelta(days=settings.remember_me_days),
    )


def _login_limits(settings: Settings) -> LoginLimits:
    s = settings
    return LoginLimits(
        per_ip=(s.login_per_ip_per_minute, 60.0),
        per_account=(s.login_per_account_per_5_minutes, 300.0),
        per_account_everywhere=(s.login_failures_per_account_per_hour, 3600.0),
        register_per_ip=(s.register_per_ip_per_hour, 3600.0),
    )


def _google_verifier(settings: Settings) -> GoogleJwksVerifier | None:
    client_ids = frozenset(settings.google_client_ids)
    if not client_ids:
        return None
    return GoogleJwksVerifier(settings.google_jwks_url, client_ids)


class Security(containers.DeclarativeContainer):
    settings: providers.Dependency[Settings] = providers.Dependency()

    password_hasher = providers.Singleton(
        Argon2PasswordHasher,
        providers.Factory(
            Argon2Parameters,
            memory_kib=settings.provided.argon2_memory_kib,
            time_cost=settings.provided.argon2_time_cost,
            parallelism=settings.provided.argon2_parallelism,
        ),
    )
    token_policy = providers.Singleton(_token_policy, settings)
    tokens = providers.Singleton(
        JoseTokenService,
        providers.Callable(lambda s: s.secret_bytes(), settings),
        settings.provided.access_token_key,
        token_policy.provided.access_ttl,
        settings.provided.access_token_retired_jwks,
    )
    csrf = providers.Singleton(
        SignedCsrfTokens, providers.Callable(lambda s: s.secret_bytes(), settings)
    )
    google = providers.Singleton(_google_verifier, settings)
    google_nonces = providers.Singleton(
        HmacGoogleNonces, providers.Callable(lambda s: s.secret_bytes(), settings)
    )
    link_tokens = providers.Singleton(
        HmacLinkTokens, providers.Callable(lambda s: s.secret_bytes(), settings)
    )
    global_rate = providers.Singleton(lambda s: Rate(s.rate_limit_per_minute, 60.0), settings)


class Identity(Domain):
    edge = {
        "identity_accounts": "accounts",
        "identity_sessions": "sessions",
        "identity_mail": "mailing",
        "identity_data": "account_data",
    }

    settings: providers.Dependency[Settings] = providers.Dependency()
    infrastructure = providers.DependenciesContainer()
    security = providers.DependenciesContainer()
    #: Every domain's export / erasure contributor; the root lists them.
    user_data: providers.Dependency[Sequence[Any]] = providers.Dependency(default=())
    #: Verification and password-reset mail (the root adapts the email service).
    account_mail: providers.Dependency[Any] = providers.Dependency()
    #: Told the user whose account a commit changed (IdentityStore.changed): the HTTP app
    #: moves the user's screen version on, so no cached /auth/me shows the account before it.
    account_changed: providers.Dependency[Any] = providers.Dependency(
        default=providers.Object(None)
    )

    unit_of_work = providers.Factory(SqlAlchemyIdentityUnitOfWork, infrastructure.engine)
    reader = providers.Factory(_identity_reader, infrastructure.engine, infrastructure.read_pool)
    store = providers.Singleton(
        IdentityStore,
        uow=unit_of_work.provider,
        reader=reader.provider,
        changed=account_changed,
    )
    sign_ins = providers.Singleton(
        SignIns,
        tokens=security.tokens,
        revocations=infrastructure.revocations,
        clock=infrastructure.clock,
        policy=security.token_policy,
    )
    login_limits = providers.Callable(_login_limits, settings)
    every_domain = providers.Singleton(EveryDomainsData, user_data)
    accounts = providers.Singleton(
        AccountService,
        store=store,
        sign_ins=sign_ins,
        hasher=security.password_hasher,
        limiter=infrastructure.limiter,
        clock=infrastructure.clock,
        login_limits=login_limits,
    )
    sessions = providers.Singleton(
        SignInService,
        store=store,
        sign_ins=sign_ins,
        hasher=security.password_hasher,
        limiter=infrastructure.limiter,
        clock=infrastructure.clock,
        domains=every_domain,
        google=security.google,
        google_nonces=security.google_nonces,
        login_limits=login_limits,
    )
    mailing = providers.Singleton(
        AccountMailService,
        store=store,
        sign_ins=sign_ins,
        hasher=security.password_hasher,
        limiter=infrastructure.limiter,
        clock=infrastructure.clock,
        mail=account_mail,
        links=security.link_tokens,
        links_base=settings.provided.effective_public_url,
    )
    account_data = providers.Singleton(
        AccountDataService,
        store=store,
        sign_ins=sign_ins,
        hasher=security.password_hasher,
        clock=infrastructure.clock,
        domains=every_domain,
    )


class Journal(Domain):
    edge = {
        "journal_collections": "collections",
        "journal_entries": "entries",
        "journal_gratitude": "gratitude",
        "journal_data": "user_data",
    }

    settings: providers.Dependency[Settings] = providers.Dependency()
    infrastructure = providers.DependenciesContainer()

    cipher = providers.Singleton(AesGcmCipher)
    kek = providers.Singleton(
        SettingsKeyEncryptionKey,
        providers.Callable(lambda s: s.journal_kek_bytes(), settings),
        cipher,
    )
    # Collection passwords get at least the account passwords' argon2id cost.
    kdf = providers.Singleton(
        Argon2idKdf,
        memory_kib=settings.provided.argon2_memory_kib,
        time_cost=settings.provided.argon2_time_cost,
        parallelism=settings.provided.argon2_parallelism,
    )
    keyring = providers.Singleton(Keyring, cipher, kek, kdf)
    grants = providers.Singleton(GrantStore, infrastructure.cache, cipher)
    access = providers.Singleton(CollectionAccess, keyring, grants, infrastructure.limiter)
    unit_of_work = providers.Factory(SqlAlchemyJournalUnitOfWork, infrastructure.engine)
    collections = providers.Singleton(
        CollectionService, uow=unit_of_work.provider, access=access, clock=infrastructure.clock
    )
    entries = providers.Singleton(
        EntryService,
        uow=unit_of_work.provider,
        access=access,
        clock=infrastructure.clock,
        user_days=infrastructure.user_days,
        events=infrastructure.events,
    )
    gratitude = providers.Singleton(
        GratitudeService,
        uow=unit_of_work.provider,
        keyring=keyring,
        clock=infrastructure.clock,
        user_days=infrastructure.user_days,
    )
    user_data = providers.Singleton(JournalUserData, uow=unit_of_work.provider, access=access)


class Study(Domain):
    edge = {"study_decks": "decks", "study_cards": "cards", "study_reviews": "reviews"}

    infrastructure = providers.DependenciesContainer()

    unit_of_work = providers.Factory(SqlAlchemyStudyUnitOfWork, infrastructure.engine)
    decks = providers.Singleton(DeckService, uow=unit_of_work.provider, clock=infrastructure.clock)
    cards = providers.Singleton(CardService, uow=unit_of_work.provider, clock=infrastructure.clock)
    reviews = providers.Singleton(
        ReviewService,
        uow=unit_of_work.provider,
        scheduler=providers.Singleton(FsrsScheduler),
        clock=infrastructure.clock,
        user_days=infrastructure.user_days,
        events=infrastructure.events,
        reads=providers.Factory(
            SqlAlchemyStudyUnitOfWork, infrastructure.engine, read_only=True
        ).provider,
    )
    user_data = providers.Singleton(StudyUserData, uow=unit_of_work.provider)


class Pomodoro(Domain):
    edge = {"pomodoro": "service"}

    infrastructure = providers.DependenciesContainer()

    unit_of_work = providers.Factory(SqlAlchemyPomodoroUnitOfWork, infrastructure.engine)
    reads = providers.Factory(SqlAlchemyPomodoroUnitOfWork, infrastructure.engine, read_only=True)
    service = providers.Singleton(
        PomodoroService,
        uow=unit_of_work.provider,
        user_days=infrastructure.user_days,
        clock=infrastructure.clock,
        events=infrastructure.events,
        reads=reads.provider,
    )
    user_data = providers.Singleton(PomodoroUserData, uow=unit_of_work.provider)


class Habits(Domain):
    edge = {"habits": "service"}

    infrastructure = providers.DependenciesContainer()

    unit_of_work = providers.Factory(SqlAlchemyHabitsUnitOfWork, infrastructure.engine)
    reader = providers.Factory(_habits_reader, infrastructure.engine, infrastructure.read_pool)
    service = providers.Singleton(
        HabitsService,
        uow=unit_of_work.provider,
        user_days=infrastructure.user_days,
        clock=infrastructure.clock,
        events=infrastructure.events,
        reader=reader.provider,
    )
    user_data = providers.Singleton(HabitsUserData, uow=unit_of_work.provider)


class Application(containers.DeclarativeContainer):
    """The root: a domain is registered by declaring its `Domain` sub-container here. Its
    services reach the handlers through the container's `edge` (entrypoints/http/app.py) and
    its `user_data` joins account export and erasure, with no other list to edit."""

    settings: providers.Dependency[Settings] = providers.Dependency()

    infrastructure = providers.Container(Infrastructure, settings=settings)
    security = providers.Container(Security, settings=settings)
    journal = providers.Container(Journal, settings=settings, infrastructure=infrastructure)
    study = providers.Container(Study, infrastructure=infrastructure)
    pomodoro = providers.Container(Pomodoro, infrastructure=infrastructure)
    habits = providers.Container(Habits, infrastructure=infrastructure)
    breathing = providers.Container(Breathing, infrastructure=infrastructure)
    mood = providers.Container(Mood, infrastructure=infrastructure)
    goals = providers.Container(Goals, infrastructure=infrastructure)
    streaks = providers.Container(Streaks, infrastructure=infrastructure)
    daily = providers.Container(Daily, infrastructure=infrastructure)
    calendar = providers.Container(
        Calendar,
        infrastructure=infrastructure,
        breathing=breathing,
        mood=mood,
        goals=goals,
        streaks=streaks,
        daily=daily,
        pomodoro=pomodoro,
        habits=habits,
    )
    aws = providers.Container(Aws, settings=settings)
    email = providers.Container(
        Email,
        settings=settings,
        infrastructure=infrastructure,
        aws=aws,
        link_key=providers.Callable(lambda s: link_key(s.secret_bytes()), settings),
    )
    feedback = providers.Container(
        Feedback, settings=settings, infrastructure=infrastructure, aws=aws
    )
    assistant = providers.Container(
        Assistant, settings=settings, infrastructure=infrastructure, aws=aws
    )
    #: Every domain declared above with an export/erasure contributor (`Domain`), in order.
    user_data = providers.List(*contributors(locals()))
    identity = providers.Container(
        Identity,
        settings=settings,
        infrastructure=infrastructure,
        security=security,
        user_data=user_data,
        account_mail=providers.Singleton(EmailAccountMail, email.service),
    )


def wire_events(container: Application) -> None:
    """Subscribe the domain-event handlers to the container's bus; call once per container."""
    subscribe_app_streak(container.infrastructure.events(), container.streaks.service())
