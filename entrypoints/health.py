"""Health probes and pool/outbox gauges, from the infrastructure they look at."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, NewType

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.dramatiq.broker import broker_kind, probe_rabbitmq
from application.ports.unit_of_work import UnitOfWorkFactory
from entrypoints.observability import DB_POOL_ACTIVE, DB_POOL_SIZE, OUTBOX_LAG

Probe = Callable[[], Awaitable[Any]] | None
#: What ``/healthz`` runs, by name (``None``: not configured).
HealthChecks = NewType("HealthChecks", dict[str, Probe])


def select_one(engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
    """A probe that runs ``SELECT 1`` on a connection of ``engine``."""

    async def database() -> None:
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    return database


def health_checks(
    engine: AsyncEngine | None, redis: Any, broker_url: str | None = None
) -> HealthChecks:
    database: Probe = None if engine is None else select_one(engine)

    async def ping() -> None:
        await redis.ping()

    async def in_process() -> None:
        return None

    broker: Probe = ping if redis is not None else in_process
    if broker_url is not None and broker_kind(broker_url) == "rabbitmq":
        amqp_url = broker_url

        async def rabbitmq() -> None:
            await asyncio.to_thread(probe_rabbitmq, amqp_url)

        broker = rabbitmq
    return HealthChecks(
        {
            "database": database or in_process,
            "redis": ping if redis is not None else None,
            "broker": broker,
        }
    )


class Gauges:
    """The gauges ``/metrics`` refreshes before it answers: the pool and the outbox's lag."""

    def __init__(self, engine: AsyncEngine | None, uow: UnitOfWorkFactory[Any]):
        self._engine = engine
        self._uow = uow

    async def refresh(self) -> None:
        if self._engine is not None:
            pool = self._engine.sync_engine.pool
            DB_POOL_ACTIVE.set(getattr(pool, "checkedout", lambda: 0)())
            DB_POOL_SIZE.set(getattr(pool, "size", lambda: 0)())
        async with self._uow() as unit:
            oldest = await unit.outbox.oldest_pending_at()
        OUTBOX_LAG.set((datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0)
