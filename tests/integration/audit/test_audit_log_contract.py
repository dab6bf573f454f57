"""The audit log on every adapter: entries round-trip, scope lists page newest id first; on
PostgreSQL the table is append-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.pagination import PageRequest, decode_cursor
from application.ports.audit import AuditEntry, RequestContext
from application.ports.clock import SystemClock
from domain.ids import new_id

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


async def test_audit_log_is_append_only_on_postgres(pg_url):
    engine = build_engine(pg_url)
    factory = SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    try:
        async with factory() as u:
            await u.audit.append(
                AuditEntry(
                    "organization",
                    "o1",
                    "a1",
                    "org.created",
                    "organization",
                    "o1",
                    NOW,
                    after={"name": "x"},
                )
            )
            await u.commit()
        for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
            async with engine.connect() as conn:
                with pytest.raises(DBAPIError, match="append-only"):
                    await conn.execute(sa.text(statement))
        async with factory() as u:
            page = await u.audit.list_for_scope("organization", ["o1"], PageRequest())
        assert [e.action for e in page.items] == ["org.created"]
    finally:
        await engine.dispose()


async def test_scope_lists_page_newest_id_first_whatever_the_append_order(contract_uow):
    ids = sorted(new_id() for _ in range(5))
    order = [3, 0, 4, 1, 2]  # appended out of id order
    async with contract_uow() as u:
        for i in order:
            await u.audit.append(
                AuditEntry("team", "t1", None, f"a{i}", "team", "t1", NOW, id=ids[i])
            )
        await u.audit.append(AuditEntry("team", "t2", None, "other", "team", "t2", NOW))
        await u.audit.append(AuditEntry("project", "t1", None, "kind", "project", "t1", NOW))
        await u.commit()
    seen: list[str] = []
    page = PageRequest(limit=2)
    async with contract_uow() as u:
        while True:
            got = await u.audit.list_for_scope("team", ["t1"], page)
            seen += [e.action for e in got.items]
            if got.next_cursor is None:
                break
            page = PageRequest(limit=2, after=decode_cursor(got.next_cursor))
    assert seen == ["a4", "a3", "a2", "a1", "a0"]


async def test_an_entry_round_trips_with_its_context(contract_uow):
    entry = AuditEntry(
        "organization",
        "o1",
        "actor",
        "org.renamed",
        "organization",
        "o1",
        NOW,
        before={"name": "a"},
        after={"name": "b"},
        context=RequestContext("req-1", "10.0.0.1", "curl"),
    )
    async with contract_uow() as u:
        await u.audit.append(entry)
        await u.commit()
    async with contract_uow() as u:
        page = await u.audit.list_for_scope("organization", ["o1", "o2"], PageRequest())
    assert page.items == [entry]
