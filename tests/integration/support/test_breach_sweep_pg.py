"""Concurrent SLA sweeps on PostgreSQL: each late ticket is marked once and told once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.tables.outbox import outbox
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.support.agents import SupportAgents
from application.support.sla import MarkBreachedTickets
from domain.identity.user import User
from domain.ids import new_id
from domain.support.ticket import SupportTicket
from tests.fixtures.clock import FakeClock

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


async def test_parallel_sweeps_mark_and_notify_once(pg_url: str) -> None:
    engine = build_engine(pg_url)
    clock = FakeClock(NOW)
    uow = SqlAlchemyUnitOfWorkFactory(engine, clock)
    agent = User(new_id(), "agent-subject", "agent@example.com", "A", None, None, None, NOW, NOW)
    tickets = [
        SupportTicket.opened(
            id=new_id(),
            subject=f"Help {i}",
            message="Nobody answered",
            requester_id=None,
            requester_email="anon@example.com",
            now=NOW - timedelta(days=4),
        )
        for i in range(30)
    ]
    async with uow() as u:
        await u.users.add(agent)
        for t in tickets:
            await u.support_tickets.add(t)
        await u.commit()
    agents = SupportAgents.of(["agent-subject"])
    sweeps = [MarkBreachedTickets(uow, clock, agents, batch=7) for _ in range(4)]
    marked = await asyncio.gather(*(sweep() for sweep in sweeps))
    assert sum(marked) == 30
    assert await MarkBreachedTickets(uow, clock, agents)() == 0
    async with engine.connect() as conn:
        topics = (await conn.execute(sa.select(outbox.c.topic))).scalars().all()
    assert topics.count("notification.create") == 30
    async with uow() as u:
        for t in tickets:
            stored = await u.support_tickets.get(t.id)
            assert stored is not None and stored.breached_at == NOW
    await engine.dispose()
