"""Adapters: production (SQLAlchemy, Redis when configured, the configured providers) and memory.

``MemoryInfrastructure`` has the same provider names: tests swap it in with
``container.infrastructure.override(MemoryInfrastructure(core=container.core))``.

What owns a connection pool or an HTTP session is built by a ``Singleton`` (sync, lazily, so
use cases and tests can take it at any time) and has a ``providers.Resource`` next to it that
yields it and closes it: ``await container.init_resources()`` at start,
``await container.shutdown_resources()`` at stop (``entrypoints.runtime``), in every process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from dependency_injector import containers, providers
from limits.aio.storage import MemoryStorage, Storage
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.clerk.directory import ClerkDirectory, build_clerk_directory
from adapters.clerk.webhook_events import parse_clerk_webhook
from adapters.clerk.webhook_signature import ClerkWebhookVerifier
from adapters.dev_identity.dev_tokens import DevTokenVerifier
from adapters.disposable_email.blocklist import PackagedDisposableDomains
from adapters.email.dev_sender import DevEmailSender
from adapters.email.jinja_templates import JinjaEmailTemplates
from adapters.email.resend_sender import ResendEmailSender
from adapters.files.export_files import FileExportStore
from adapters.limits.attempts import LimitsAttemptLimiter
from adapters.memory.access import MemoryScopeReads
from adapters.memory.account import MemoryUserDataSource
from adapters.memory.cache import InMemoryCache
from adapters.memory.email import MemoryEmailSender
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.near_cache import NearCache
from adapters.realtime.memory import InProcessRealtimeBus
from adapters.realtime.redis_bus import (
    PubSubHub,
    RedisRealtimeBus,
    pubsub_client,
)
from adapters.realtime.tickets import InProcessUsedTickets, RedisUsedTickets, SignedTicketStore
from adapters.redis.cache import RedisCache, redis_client
from adapters.redis.cache_invalidations import RedisCacheInvalidations
from adapters.sms.dev_outbox import DevOutboxSmsSender
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.replicas import (
    InProcessRecentWriters,
    RecentWriters,
    RedisRecentWriters,
    Replica,
    ReplicaRoutedFactory,
    ReplicaSet,
)
from adapters.sqlalchemy.repositories.access.chain_reader import SqlScopeReads
from adapters.sqlalchemy.repositories.account.data_source import SqlUserDataSource
from adapters.sqlalchemy.repositories.credits.fast_path import PostgresAtomicLedger
from adapters.sqlalchemy.statement_pool import StatementPool
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.credits.atomic_posting import UnitOfWorkAtomicLedger
from application.credits.unit_of_work import CreditsUnitOfWork
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.messaging import EmailSender, SmsSender
from application.realtime.ports import RealtimeBus, TicketStore
from application.realtime.publish import PublishAfterCommit
from entrypoints.config import ConfigurationError, Settings
from entrypoints.http.guards import limiter_storage
from entrypoints.observability import REPLICA_LAG
from entrypoints.payments_wiring import payment_gateway, sandbox_gateway


def _engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    """The primary's engine, or (``url``) a replica's, with the same pool and time limits. A
    replica's connections are pinged at every checkout: a replica that died is then found before
    a read is sent to it, and bypassed (ADR 0094), where the primary's idle-only ping would let
    one read fail with a 503 (ADR 0062)."""
    return build_engine(
        url or settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pre_ping=settings.db_pool_pre_ping,
        ping_after_idle_seconds=0 if url else settings.db_pool_ping_after_idle_seconds,
        pool_timeout_seconds=settings.db_pool_timeout_seconds,
        connect_timeout_seconds=settings.db_connect_timeout_seconds,
        statement_timeout_ms=settings.db_statement_timeout_ms,
    )


def _redis(settings: Settings) -> Redis | None:
    if not settings.redis_url:
        return None
    return redis_client(
        settings.redis_url,
        max_connections=settings.redis_max_connections,
        pool_timeout=settings.redis_pool_timeout_seconds,
    )


def _cache_invalidations(redis: Redis | None, settings: Settings) -> RedisCacheInvalidations | None:
    if redis is None or not settings.redis_url or settings.cache_near_ttl_seconds <= 0:
        return None
    url = settings.redis_url
    channel = f"{settings.broker_namespace}-cache-invalidations"
    return RedisCacheInvalidations(redis, lambda: pubsub_client(url), channel)


def _cache(
    redis: Redis | None, invalidations: RedisCacheInvalidations | None, settings: Settings
) -> Cache:
    if redis is None:
        return InMemoryCache()
    if invalidations is None:
        return RedisCache(redis)
    return NearCache(RedisCache(redis), invalidations, settings.cache_near_ttl_seconds)


async def listening(
    invalidations: RedisCacheInvalidations | None, cache: Cache
) -> AsyncIterator[RedisCacheInvalidations | None]:
    """Feeds this process's ``NearCache`` the invalidations the others broadcast (ADR 0060)."""
    if invalidations is None or not isinstance(cache, NearCache):
        yield invalidations
        return
    invalidations.listen(cache)
    try:
        yield invalidations
    finally:
        await invalidations.close()


def _realtime_hub(settings: Settings) -> PubSubHub | None:
    """With Redis: ONE pub/sub connection for this process, shared by every connected user."""
    url = settings.redis_url
    if not url:
        return None
    return PubSubHub(lambda: pubsub_client(url))


def _realtime_bus(redis: Redis | None, hub: PubSubHub | None, settings: Settings) -> RealtimeBus:
    if redis is None or hub is None:
        return InProcessRealtimeBus()  # embedded: one process, in memory
    return RedisRealtimeBus(redis, hub, prefix=f"{settings.broker_namespace}-rt")


def _realtime_tickets(redis: Redis | None, settings: Settings) -> TicketStore:
    """Signed tickets any instance can check; single use in Redis when configured, in this
    process otherwise (and while Redis is away: ADR 0075)."""
    key = settings.resolved_link_signing_key()
    if redis is None:
        return SignedTicketStore(key, InProcessUsedTickets())
    return SignedTicketStore(key, RedisUsedTickets(redis, f"{settings.broker_namespace}-rt"))


def _attempt_limiter(settings: Settings) -> LimitsAttemptLimiter:
    """The step-up counters, on the store the HTTP rate limits use (Redis when configured)."""
    return LimitsAttemptLimiter(limiter_storage(settings.redis_url))


def _export_files(settings: Settings) -> FileExportStore:
    return FileExportStore(settings.var_dir / "exports")


def _email_sender(settings: Settings) -> EmailSender:
    if settings.email_provider == "resend":
        return ResendEmailSender(
            api_key=settings.resend_api_key or "",
            sender=settings.email_from,
            base_url=settings.resend_api_url,
        )
    path = settings.dev_email_path or settings.var_dir / "outbox" / "emails.jsonl"
    return DevEmailSender(path, sender=settings.email_from)


def _sms_sender(settings: Settings) -> SmsSender:
    if settings.sms_provider == "dev":
        return DevOutboxSmsSender(settings.var_dir / "outbox")
    if problems := settings.sms_problems():
        raise ConfigurationError("; ".join(problems))
    from adapters.sms.twilio import TwilioConfig, TwilioSmsSender

    return TwilioSmsSender(
        TwilioConfig(
            account_sid=settings.twilio_account_sid or "",
            auth_token=settings.twilio_auth_token or "",
            from_number=settings.twilio_from or "",
            base_url=settings.twilio_base_url,
        )
    )


def _token_verifier(settings: Settings) -> Any:
    if settings.auth_mode == "dev":
        return DevTokenVerifier(settings.resolved_dev_auth_secret())
    from adapters.clerk.token_verifier import build_clerk_verifier

    return build_clerk_verifier(settings)


def _statement_pool(engine: AsyncEngine, settings: Settings) -> StatementPool | None:
    """The hot paths' single statements (spend, scope chains) on PostgreSQL: one asyncpg pool
    per process, besides SQLAlchemy's (so N * (DB_POOL_SIZE + DB_MAX_OVERFLOW + this) connections
    per host, ADR 0090)."""
    if engine.dialect.name != "postgresql":
        return None
    return StatementPool.of(
        engine,
        min(settings.db_pool_size, 16),
        statement_timeout_ms=settings.db_statement_timeout_ms,
        connect_timeout_seconds=settings.db_connect_timeout_seconds,
    )


def _atomic_ledger(
    engine: AsyncEngine, uow: SqlAlchemyUnitOfWorkFactory, statements: StatementPool | None
) -> UnitOfWorkAtomicLedger | PostgresAtomicLedger:
    # A Protocol is the shape: mypy's type-abstract check does not apply to it.
    portable = UnitOfWorkAtomicLedger(uow.of(CreditsUnitOfWork))  # type: ignore[type-abstract]
    if statements is not None:
        return PostgresAtomicLedger(engine, portable, pool=statements)
    return portable


def _identity_directory(settings: Settings) -> ClerkDirectory | None:
    return build_clerk_directory(settings) if settings.auth_mode == "clerk" else None


def _clerk_webhook_verifier(settings: Settings) -> ClerkWebhookVerifier | None:
    secret = settings.clerk_webhook_secret
    return ClerkWebhookVerifier(secret) if secret else None


def _limiter_storage(settings: Settings) -> Storage:
    """Where per-key attempt limits count (Redis when configured, like the HTTP limiter)."""
    return limiter_storage(settings.redis_url)


T = TypeVar("T")


# -- lifecycles (providers.Resource): yield what was built, close it at shutdown_resources --


async def closing(owner: object) -> AsyncIterator[object]:
    """Adapters that own an aiohttp session or an asyncpg pool expose ``async close()``; one
    without it (a dev adapter) has nothing to close."""
    try:
        yield owner
    finally:
        close = getattr(owner, "close", None)
        if close is not None:
            await close()


async def releasing(
    owner: T | None, release: Callable[[T], Awaitable[object]]
) -> AsyncIterator[T | None]:
    """Yields ``owner`` (None: not configured) and awaits ``release(owner)`` at shutdown, named
    as a method of its class so that a misspelt one fails the type check, not the shutdown:
    ``AsyncEngine.dispose`` (the pool and its connections), ``Redis.aclose``."""
    try:
        yield owner
    finally:
        if owner is not None:
            await release(owner)


def _replica_set(settings: Settings, engine: AsyncEngine) -> ReplicaSet | None:
    if not settings.database_replica_urls or settings.uses_sqlite:
        return None
    replicas = [
        Replica(f"replica{n}", _engine(settings, url))
        for n, url in enumerate(settings.database_replica_urls)
    ]
    return ReplicaSet(
        engine,
        replicas,
        max_lag_seconds=settings.replica_max_lag_seconds,
        check_interval_seconds=settings.replica_check_interval_seconds,
        observe=lambda host, lag: REPLICA_LAG.labels(host).set(lag),
    )


def _recent_writers(redis: Redis | None, replicas: ReplicaSet | None) -> RecentWriters | None:
    if replicas is None:
        return None
    window = replicas.read_your_writes_window
    return (
        RedisRecentWriters(redis, window) if redis is not None else InProcessRecentWriters(window)
    )


def _read_uow(
    uow: SqlAlchemyUnitOfWorkFactory,
    replicas: ReplicaSet | None,
    writers: RecentWriters | None,
    clock: Clock,
) -> SqlAlchemyUnitOfWorkFactory:
    if replicas is None or writers is None:
        return uow.reading()
    return ReplicaRoutedFactory(uow, replicas, writers, clock)


async def checking(replicas: ReplicaSet | None) -> AsyncIterator[ReplicaSet | None]:
    """Measures the replicas' lag in the background; disposes their pools at shutdown."""
    if replicas is None:
        yield None
        return
    stop = asyncio.Event()
    task = asyncio.create_task(replicas.run(stop), name="replica-checks")
    try:
        yield replicas
    finally:
        stop.set()
        await task
        await replicas.dispose()


class Infrastructure(containers.DeclarativeContainer):
    """Production adapters: SQLAlchemy, Redis when configured, the configured identity."""

    core = providers.DependenciesContainer()
    engine = providers.Singleton(_engine, core.config)
    redis = providers.Singleton(_redis, core.config)
    realtime_hub = providers.Singleton(_realtime_hub, core.config)
    realtime_bus = providers.Singleton(_realtime_bus, redis, realtime_hub, core.config)
    # Realtime events are published as soon as their transaction commits (the relay is the
    # safety net; ADR 0070).
    after_commit = providers.Singleton(PublishAfterCommit, realtime_bus)
    uow = providers.Singleton(SqlAlchemyUnitOfWorkFactory, engine, core.clock, after_commit)
    replicas = providers.Singleton(_replica_set, core.config, engine)
    recent_writers = providers.Singleton(_recent_writers, redis, replicas)
    # Read-only use cases only: a replica when one is fresh (ADR 0094), else the primary.
    read_uow = providers.Singleton(_read_uow, uow, replicas, recent_writers, core.clock)
    statement_pool = providers.Singleton(_statement_pool, engine, core.config)
    atomic_ledger = providers.Singleton(_atomic_ledger, engine, uow, statement_pool)
    scope_reads = providers.Singleton(SqlScopeReads, engine, statement_pool)
    cache_invalidations = providers.Singleton(_cache_invalidations, redis, core.config)
    cache = providers.Singleton(_cache, redis, cache_invalidations, core.config)
    token_verifier = providers.Singleton(_token_verifier, core.config)
    identity_directory = providers.Singleton(_identity_directory, core.config)
    clerk_webhook_verifier = providers.Singleton(_clerk_webhook_verifier, core.config)
    provider_event_parser = providers.Object(parse_clerk_webhook)
    email_sender = providers.Singleton(_email_sender, core.config)
    email_templates = providers.Singleton(
        JinjaEmailTemplates, frontend_url=core.config.provided.frontend_url
    )
    payment_gateway = providers.Singleton(payment_gateway, core.config)
    sms_sender = providers.Singleton(_sms_sender, core.config)
    realtime_tickets = providers.Singleton(_realtime_tickets, redis, core.config)
    limiter_storage = providers.Singleton(_limiter_storage, core.config)
    disposable_domains = providers.Singleton(PackagedDisposableDomains)
    attempt_limiter = providers.Singleton(_attempt_limiter, core.config)
    user_data_source = providers.Singleton(SqlUserDataSource, engine)
    export_files = providers.Singleton(_export_files, core.config)

    # Closed at shutdown_resources.
    statement_pool_connections = providers.Resource(closing, statement_pool)  # spend, scopes
    token_verifier_session = providers.Resource(closing, token_verifier)  # Clerk JWKS
    identity_directory_session = providers.Resource(closing, identity_directory)  # Clerk API
    email_session = providers.Resource(closing, email_sender)  # Resend
    payment_gateway_session = providers.Resource(closing, payment_gateway)  # Razorpay
    engine_pool = providers.Resource(releasing, engine, AsyncEngine.dispose)
    replica_checks = providers.Resource(checking, replicas)
    realtime_pubsub = providers.Resource(closing, realtime_hub)  # the pub/sub connection
    cache_invalidations_listener = providers.Resource(listening, cache_invalidations, cache)
    redis_connection = providers.Resource(releasing, redis, Redis.aclose)


class MemoryInfrastructure(containers.DeclarativeContainer):
    """Everything in memory: unit tests and use-case tests."""

    core = providers.DependenciesContainer()
    engine: providers.Object[None] = providers.Object(None)
    redis: providers.Object[None] = providers.Object(None)
    # The store lives inside the factory: an overriding container may only name providers
    # that the production container also has.
    realtime_bus = providers.Singleton(InProcessRealtimeBus)
    after_commit = providers.Singleton(PublishAfterCommit, realtime_bus)
    uow = providers.Singleton(
        InMemoryUnitOfWorkFactory, providers.Singleton(MemoryStore), core.clock, after_commit
    )
    replicas: providers.Object[None] = providers.Object(None)
    recent_writers: providers.Object[None] = providers.Object(None)
    read_uow = providers.Singleton(InMemoryUnitOfWorkFactory.reading, uow)
    statement_pool: providers.Object[None] = providers.Object(None)  # PostgreSQL only
    atomic_ledger = providers.Singleton(
        UnitOfWorkAtomicLedger, uow.provided.of.call(CreditsUnitOfWork)
    )
    scope_reads = providers.Singleton(MemoryScopeReads, uow.provided.store)
    cache = providers.Singleton(InMemoryCache)
    token_verifier = providers.Singleton(_token_verifier, core.config)
    identity_directory: providers.Object[None] = providers.Object(None)
    clerk_webhook_verifier = providers.Singleton(_clerk_webhook_verifier, core.config)
    provider_event_parser = providers.Object(parse_clerk_webhook)
    email_sender = providers.Singleton(MemoryEmailSender)
    email_templates = providers.Singleton(
        JinjaEmailTemplates, frontend_url=core.config.provided.frontend_url
    )
    payment_gateway = providers.Singleton(sandbox_gateway)
    sms_sender = providers.Singleton(_sms_sender, core.config)
    realtime_hub: providers.Object[None] = providers.Object(None)
    realtime_tickets = providers.Singleton(_realtime_tickets, redis, core.config)
    limiter_storage = providers.Singleton(MemoryStorage)
    disposable_domains = providers.Singleton(PackagedDisposableDomains)
    attempt_limiter = providers.Singleton(_attempt_limiter, core.config)  # memory: no REDIS_URL
    user_data_source = providers.Singleton(MemoryUserDataSource, uow.provided.store)
    export_files = providers.Singleton(_export_files, core.config)
