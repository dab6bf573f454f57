"""On PostgreSQL the plain scope reads go through the process's ``StatementPool`` (issue 13):
every chain — the scope, its parents, the caller's memberships and roles, the counts — equals
the one the unit of work's reader returns, for members, non-members and anonymous callers, and
more callers than connections are all answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.repositories.access.chain_reader import SqlScopeReads
from adapters.sqlalchemy.statement_pool import StatementPool
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from domain.identity.user import User
from tests.fixtures.clock import FakeClock
from tests.integration.access.test_list_filters_contract import NOW, _world

pytestmark = pytest.mark.integration


@pytest.fixture
async def pg_uow(pg_url: str) -> AsyncIterator[SqlAlchemyUnitOfWorkFactory]:
    engine = build_engine(pg_url)
    yield SqlAlchemyUnitOfWorkFactory(engine, FakeClock.following_system(timedelta()))
    await engine.dispose()


async def test_chains_over_the_pool_equal_the_unit_of_works(
    pg_uow: SqlAlchemyUnitOfWorkFactory,
) -> None:
    users, orgs, teams, projects, memberships = _world(5)
    async with pg_uow() as uow:
        for u in users:
            await uow.users.add(User(u, f"sub-{u}", None, "A", "B", None, None, NOW, NOW))
        for o in orgs:
            await uow.organizations.add(o)
        for t in teams:
            await uow.teams.add(t)
        for p in projects:
            await uow.projects.add(p)
        for m in memberships:
            await uow.memberships.put(m, NOW)
        await uow.commit()
    statements = StatementPool.of(pg_uow.engine, 2)
    pooled, plain = SqlScopeReads(pg_uow.engine, statements), SqlScopeReads(pg_uow.engine)
    try:
        async with pg_uow() as uow:
            for user in [*users, None, "00000000-0000-7000-8000-999999999999"]:
                for org in orgs:
                    for ref in (org.id, org.slug):
                        assert await pooled.organization(ref, user) == (
                            await uow.scopes.organization(ref, user)
                        )
                for team in teams:
                    chain = await pooled.team(team.id, user)
                    assert chain == await uow.scopes.team(team.id, user)
                    assert await pooled.team(team.id, user, counts=True) == (
                        await plain.team(team.id, user, counts=True)
                    )
                for project in projects:
                    assert await pooled.project(project.id, user) == (
                        await uow.scopes.project(project.id, user)
                    )
                    assert await pooled.project(project.id, user, counts=True) == (
                        await plain.project(project.id, user, counts=True)
                    )
        assert await pooled.team("00000000-0000-7000-8002-999999999999", users[0]) is None
        # 40 callers over 2 connections: every one is answered, with its own chain.
        asked = [(users[i % len(users)], teams[i % len(teams)].id) for i in range(40)]
        got = await asyncio.gather(*(pooled.team(t, u, counts=True) for u, t in asked))
        for (user, team_id), chain in zip(asked, got, strict=True):
            assert chain == await plain.team(team_id, user, counts=True)
    finally:
        await statements.close()
