"""The one-statement transfer on PostgreSQL: it posts without the portable path, writes the
effects with the posting, and hands every case it cannot decide to the portable path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.repositories.credits.fast_path import PostgresAtomicLedger
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.credits.atomic_posting import UnitOfWorkAtomicLedger
from application.credits.ports import Effects
from application.credits.transfer import TransferOrder, build_transfer, received_notice
from application.ports.audit import AuditEntry
from domain.credits.entry_types import EntryType
from domain.ids import new_id
from tests.fixtures.clock import FakeClock
from tests.fixtures.ledger_check import assert_ledger_clean
from tests.fixtures.wallets import fund

NOW = datetime(2026, 5, 1, tzinfo=UTC)


class CountingPortable(UnitOfWorkAtomicLedger):
    calls = 0

    async def post_committed(self, tx: Any, effects: Any = None) -> Any:
        type(self).calls += 1
        return await super().post_committed(tx, effects or Effects())


@pytest.fixture
async def ledger(pg_url: str) -> AsyncIterator[tuple[PostgresAtomicLedger, Any]]:
    engine = build_engine(pg_url)
    uow = SqlAlchemyUnitOfWorkFactory(engine, FakeClock(NOW))
    CountingPortable.calls = 0
    fast = PostgresAtomicLedger(engine, CountingPortable(uow), pool_size=2)
    yield fast, uow
    await fast.close()
    await engine.dispose()


async def _fund(uow: Any, user: str, amount: int) -> None:
    await fund(uow, user, amount, NOW, EntryType.ADJUSTMENT)


def _order(src: str, dst: str, amount: int, key: str) -> TransferOrder:
    return TransferOrder(f"user:{src}", f"user:{dst}", amount, "note", key, src)


async def test_a_transfer_between_existing_wallets_is_one_statement(ledger, pg_url):
    fast, uow = ledger
    await _fund(uow, "a", 50)
    await _fund(uow, "b", 5)
    tx = build_transfer(_order("a", "b", 20, "k"), new_id(), NOW)
    audit = AuditEntry("user", "a", "a", "credits.transferred", "wallet", "user:b", NOW)
    posted = await fast.post_committed(tx, Effects((received_notice("b", tx, 20),), (audit,)))
    assert posted.balances_after == {"user:a": 30, "user:b": 25}
    assert CountingPortable.calls == 0
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        topics = await conn.fetch("SELECT topic, payload FROM outbox ORDER BY topic")
        legs = await conn.fetch(
            "SELECT account, amount, entry_type, balance_after FROM ledger_postings"
            " WHERE transaction_id = $1 ORDER BY id",
            tx.id,
        )
        logged = await conn.fetchval("SELECT action FROM audit_log WHERE id = $1", audit.id)
    finally:
        await conn.close()
    assert [tuple(r) for r in legs] == [
        ("user:a", -20, "TRANSFER_OUT", 30),
        ("user:b", 20, "TRANSFER_IN", 25),
    ]
    assert logged == "credits.transferred"
    kinds = [r["topic"] for r in topics]
    assert kinds.count("notification.create") == 1
    assert kinds.count("realtime.publish") >= 2
    await assert_ledger_clean(pg_url)


async def test_what_one_statement_cannot_decide_goes_to_the_portable_path(ledger, pg_url):
    fast, uow = ledger
    await _fund(uow, "a", 10)
    # The receiver has no wallet yet: the portable path creates it.
    tx = build_transfer(_order("a", "c", 4, "k1"), new_id(), NOW)
    assert (await fast.post_committed(tx)).balances_after["user:c"] == 4
    # Not enough credits: the portable path records the refusal.
    tx = build_transfer(_order("a", "c", 7, "k2"), new_id(), NOW)
    with pytest.raises(Exception, match="Insufficient"):
        await fast.post_committed(tx)
    assert CountingPortable.calls == 2
    await assert_ledger_clean(pg_url)
