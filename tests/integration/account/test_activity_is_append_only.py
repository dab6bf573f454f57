"""On PostgreSQL the activity log refuses UPDATE (a trigger): entries are never rewritten, they
only leave by retention or erasure (DELETE)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from domain.account.activity import ActivityEntry, ActivityLevel
from tests.fixtures.clock import FakeClock
from tests.integration.contract_builders import NOW, a_user


async def test_updates_are_refused_deletes_are_allowed(pg_url: str) -> None:
    engine = build_engine(pg_url)
    uow = SqlAlchemyUnitOfWorkFactory(engine, FakeClock(NOW))
    me = a_user("me")
    async with uow() as u:
        await u.users.add(me)
        await u.activity.append(ActivityEntry(me.id, "settings.updated", ActivityLevel.INFO, NOW))
        await u.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(sa.text("UPDATE account_activity SET action = 'forged'"))
    async with engine.begin() as conn:
        deleted = await conn.execute(sa.text("DELETE FROM account_activity"))
    assert deleted.rowcount == 1
    await engine.dispose()
