"""Process lifecycle around the container: build, start, health, gauges, stop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.jobs.relay_loop import start_in_process_jobs
from entrypoints.observability import DB_POOL_ACTIVE, DB_POOL_SIZE, OUTBOX_LAG

Probe = Callable[[], Awaitable[Any]] | None
# Things that run inside the API process when no broker is configured (in-process jobs) or
# always (e.g. caches warm-up). Each gets the container; each returns an async stopper.
STARTUP_HOOKS: list[Callable[[Container], Awaitable[Callable[[], Awaitable[None]]]]] = [
    start_in_process_jobs,
]


def build_container(settings: Settings) -> Container:
    settings.check_production_safety()
    return Container(config=settings)


def health_checks(container: Container) -> dict[str, Probe]:
    engine = container.adapters.engine()
    redis = container.adapters.redis()

    async def database() -> None:
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def ping() -> None:
        await redis.ping()

    async def in_process() -> None:
        return None

    return {
        "database": database if engine is not None else in_process,
        "redis": ping if redis is not None else None,
        "broker": ping if redis is not None else in_process,
    }


async def refresh_gauges(container: Container) -> None:
    engine = container.adapters.engine()
    if engine is not None:
        pool = engine.sync_engine.pool
        DB_POOL_ACTIVE.set(getattr(pool, "checkedout", lambda: 0)())
        DB_POOL_SIZE.set(getattr(pool, "size", lambda: 0)())
    async with container.adapters.uow()() as uow:
        oldest = await uow.outbox.oldest_pending_at()
    OUTBOX_LAG.set((datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0)


_stoppers: list[Callable[[], Awaitable[None]]] = []


async def start(container: Container) -> None:
    for hook in STARTUP_HOOKS:
        _stoppers.append(await hook(container))


async def stop(container: Container) -> None:
    while _stoppers:
        await _stoppers.pop()()
    for client in (
        container.adapters.token_verifier(),
        container.adapters.identity_directory(),
        container.adapters.atomic_ledger(),  # the spend path's own connection pool
    ):
        close = getattr(client, "close", None)  # Clerk adapters own aiohttp sessions
        if close is not None:
            await close()
    await container.adapters.realtime_bus().close()  # the pub/sub connection
    engine = container.adapters.engine()
    if engine is not None:
        await engine.dispose()
    redis = container.adapters.redis()
    if redis is not None:
        await redis.aclose()
