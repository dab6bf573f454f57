"""Jobs repositories on PostgreSQL and SQLite: processed messages, job runs, outbox redelivery."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.jobs.scheduler import PeriodicJob, Scheduler
from tests.fixtures.clock import FakeClock
from tests.unit.jobs.fakes import Probe, stored

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
SLOT = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def uow(contract_uow):
    """Processed messages, job runs, the outbox's redelivery claim: memory, PostgreSQL, SQLite."""
    return contract_uow


async def test_a_message_is_recorded_as_processed_once(uow) -> None:
    async with uow() as tx:
        assert not await tx.processed_messages.contains("m1")
        assert await tx.processed_messages.add("m1", "email.send", NOW)
        assert not await tx.processed_messages.add("m1", "email.send", NOW, "again")
        await tx.commit()
    async with uow() as tx:
        assert await tx.processed_messages.contains("m1")


async def test_an_uncommitted_record_does_not_count(uow) -> None:
    async with uow() as tx:
        await tx.processed_messages.add("m2", "t", NOW, "EmailRejected: bad")
    async with uow() as tx:
        assert not await tx.processed_messages.contains("m2")


async def test_a_slot_is_claimed_once_then_only_taken_over_when_stale(
    uow,
) -> None:
    lease_start = NOW - timedelta(minutes=30)
    async with uow() as tx:
        assert await tx.job_runs.claim("cleanup", SLOT, NOW, lease_start)
        await tx.commit()
    async with uow() as tx:
        assert not await tx.job_runs.claim("cleanup", SLOT, NOW, lease_start)
        assert await tx.job_runs.claim("other", SLOT, NOW, lease_start)
        assert await tx.job_runs.claim("cleanup", SLOT + timedelta(days=1), NOW, lease_start)
        await tx.commit()
    later = NOW + timedelta(minutes=31)  # the first run never finished: its process died
    async with uow() as tx:
        assert await tx.job_runs.claim("cleanup", SLOT, later, later - timedelta(minutes=30))
        await tx.job_runs.finish("cleanup", SLOT, later, None)
        await tx.commit()
    much_later = NOW + timedelta(days=1)
    async with uow() as tx:  # finished: never again
        assert not await tx.job_runs.claim("cleanup", SLOT, much_later, much_later)


async def test_unprocessed_dispatched_rows_are_claimed_for_redelivery(
    uow,
) -> None:
    async with uow() as tx:
        lost, done, fresh = [stored(await tx.outbox.add(Probe(n=n))) for n in range(3)]
        await tx.outbox.claim_pending(10, NOW)
        await tx.outbox.mark_dispatched([lost, done], NOW - timedelta(hours=3))
        await tx.outbox.mark_dispatched([fresh], NOW)
        await tx.processed_messages.add(done, "t", NOW)
        await tx.commit()
    async with uow() as tx:
        claimed = await tx.outbox.claim_unprocessed(NOW - timedelta(hours=2), 10, 3)
        assert [m.id for m in claimed] == [lost]
        assert claimed[0].attempts == 2 and claimed[0].payload == {"n": 0}
        await tx.commit()
    async with uow() as tx:  # `lost` reached max_attempts; `fresh` is now old enough
        assert [m.id for m in await tx.outbox.claim_unprocessed(NOW, 10, 2)] == [fresh]


async def test_racing_schedulers_run_a_slot_once(database_url: str) -> None:
    """Several schedulers, each with its own engine (as separate processes would), tick at once."""
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)
        await asyncio.sleep(0.05)

    engines = [build_engine(database_url) for _ in range(4)]
    try:
        schedulers = [
            Scheduler(
                SqlAlchemyUnitOfWorkFactory(engine, FakeClock(NOW)),
                FakeClock(NOW),
                [PeriodicJob("race", timedelta(days=1), job, offset=timedelta(hours=6))],
            )
            for engine in engines
        ]
        for _ in range(3):
            results = await asyncio.gather(*(s.tick() for s in schedulers for _ in range(3)))
            assert sum(len(ran) for ran in results) <= 1
    finally:
        for engine in engines:
            await engine.dispose()
    assert len(runs) == 1


async def test_concurrent_relays_claim_disjoint_rows_on_postgres(pg_url: str) -> None:
    """Two relays inside open transactions: SKIP LOCKED hands each its own rows, none twice."""
    engine = build_engine(pg_url)
    uow = SqlAlchemyUnitOfWorkFactory(engine, FakeClock(NOW))
    try:
        async with uow() as tx:
            for n in range(6):
                await tx.outbox.add(Probe(n=n))
            await tx.commit()
        async with uow() as first, uow() as second:
            mine = await first.outbox.claim_pending(4, NOW)
            theirs = await second.outbox.claim_pending(4, NOW)  # does not wait for `first`
            assert len(mine) == 4 and len(theirs) == 2
            assert not {m.id for m in mine} & {m.id for m in theirs}
    finally:
        await engine.dispose()
