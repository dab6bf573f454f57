"""Loading a scope chain and the caller's memberships on it in ONE statement per request.

These run on every authorized request, so the statements are written once as SQL text (portable
to PostgreSQL and SQLite) with typed result columns: no per-request statement building or cache
key computation, one round trip. The memberships come from a LEFT JOIN on
``UNIQUE (user_id, scope_id)``; member/child counts use the ``scope_id`` / ``team_id`` indexes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.connectivity import close_quietly, is_outage, unavailable_on_outage
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.repositories.access.rows import membership_from, scope_from
from adapters.sqlalchemy.repositories.access.scopes import SqlProjectRepository, SqlTeamRepository
from adapters.sqlalchemy.statement_pool import StatementPool
from adapters.sqlalchemy.tables.access import organizations, projects, teams
from adapters.sqlalchemy.tables.base import Json
from adapters.tracing.raw_sql import SqlTarget, traced
from application.access.ports import ProjectSummary, ScopeChain, TeamSummary
from application.pagination import Page, PageRequest
from domain.access.list_filters import ChildFilter
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.slugs import ID_SHAPE
from domain.access.team import Project, Team


def _cols(table: sa.Table, alias: str, prefix: str) -> str:
    return ", ".join(f"{alias}.{c.name} AS {prefix}{c.name}" for c in table.c)


def _types(table: sa.Table, prefix: str) -> dict[str, Any]:
    return {f"{prefix}{c.name}": c.type for c in table.c}


_MEMBERSHIP_COLS = (
    "m.user_id AS m_user_id, m.role_id AS m_role_id, m.organization_id AS m_organization_id, "
    "m.team_id AS m_team_id, m.project_id AS m_project_id, r.organization_id AS "
    "r_organization_id, r.scope_type AS r_scope_type, r.name AS r_name, "
    "r.permissions AS r_permissions"
)
_MEMBERSHIP_JOIN = (
    "LEFT JOIN memberships m ON m.user_id = :user_id AND m.scope_id IN ({scopes}) "
    "LEFT JOIN roles r ON r.id = m.role_id"
)
_COUNT_TYPES = {"member_count": sa.Integer(), "child_count": sa.Integer()}
_ROLE_TYPES = {"r_permissions": Json}


def _statement(
    select: str, from_: str, scopes: str, where: str, *tables: tuple[sa.Table, str]
) -> sa.TextualSelect:
    # Built once at import from table metadata and constants; every value is a bound parameter.
    sql = (
        f"SELECT {select}, {_MEMBERSHIP_COLS} FROM {from_} "  # noqa: S608
        f"{_MEMBERSHIP_JOIN.format(scopes=scopes)} WHERE {where}"
    )
    types: dict[str, Any] = {**_COUNT_TYPES, **_ROLE_TYPES}
    for table, prefix in tables:
        types.update(_types(table, prefix))
    return sa.text(sql).columns(**{k: v for k, v in types.items() if f" AS {k}" in sql})


_ORG_BY = {
    key: _statement(
        _cols(organizations, "o", "o_"),
        "organizations o",
        "o.id",
        f"o.{key} = :ref",
        (organizations, "o_"),
    )
    for key in ("id", "slug")
}
_TEAM = {
    counts: _statement(
        _cols(teams, "t", "t_")  # noqa: S608 - identifiers from our own table metadata
        + ", "
        + _cols(organizations, "o", "o_")
        + (
            ", (SELECT count(*) FROM memberships c WHERE c.scope_id = t.id) AS member_count, "
            "(SELECT count(*) FROM projects p WHERE p.team_id = t.id AND p.deleted_at IS NULL) "
            "AS child_count"
            if counts
            else ""
        ),
        "teams t JOIN organizations o ON o.id = t.organization_id",
        "t.organization_id, t.id",
        "t.id = :ref",
        (teams, "t_"),
        (organizations, "o_"),
    )
    for counts in (False, True)
}
_PROJECT = {
    counts: _statement(
        _cols(projects, "p", "p_")  # noqa: S608 - identifiers from our own table metadata
        + ", "
        + _cols(teams, "t", "t_")
        + ", "
        + _cols(organizations, "o", "o_")
        + (
            ", (SELECT count(*) FROM memberships c WHERE c.scope_id = p.id) AS member_count"
            if counts
            else ""
        ),
        "projects p JOIN teams t ON t.id = p.team_id "
        "JOIN organizations o ON o.id = t.organization_id",
        "p.organization_id, p.team_id, p.id",
        "p.id = :ref",
        (projects, "p_"),
        (teams, "t_"),
        (organizations, "o_"),
    )
    for counts in (False, True)
}
_NOBODY = ""  # matches no user id, so an anonymous caller gets no membership rows


def _members(rows: Sequence[Mapping[str, Any]]) -> tuple[Membership, ...]:
    found = (membership_from(r) for r in rows)
    return tuple(x for x in found if x is not None)


@REPOSITORIES.register("scopes")
class SqlScopeChainReader(SqlRepository):
    async def _rows(self, stmt: sa.TextualSelect, ref: str, user_id: str | None) -> Sequence[Any]:
        params = {"ref": ref, "user_id": user_id or _NOBODY}
        return [r._mapping for r in (await self._conn.execute(stmt, params)).all()]

    async def organization(self, ref: str, user_id: str | None) -> ScopeChain | None:
        stmt = _ORG_BY["id" if ID_SHAPE.match(ref) else "slug"]
        return _chain(await self._rows(stmt, ref, user_id), depth=1)

    async def team(
        self, team_id: str, user_id: str | None, *, counts: bool = False
    ) -> ScopeChain | None:
        return _chain(await self._rows(_TEAM[counts], team_id, user_id), depth=2)

    async def project(
        self, project_id: str, user_id: str | None, *, counts: bool = False
    ) -> ScopeChain | None:
        return _chain(await self._rows(_PROJECT[counts], project_id, user_id), depth=3)


def _chain(rows: Sequence[Mapping[str, Any]], *, depth: int) -> ScopeChain | None:
    """The chain down to the organization (1), its team (2) or its project (3), from rows that
    differ only in the caller's memberships; counts where the statement has them."""
    if not rows:
        return None
    first = rows[0]
    return ScopeChain(
        scope_from(Organization, first, "o_"),
        team=scope_from(Team, first, "t_") if depth >= 2 else None,
        project=scope_from(Project, first, "p_") if depth >= 3 else None,
        memberships=_members(rows),
        member_count=first.get("member_count"),
        child_count=first.get("child_count"),
    )


def _numbered(stmt: sa.TextualSelect) -> str:
    """The statement with asyncpg's positional placeholders: ``:ref`` → $1, ``:user_id`` → $2."""
    return str(stmt).replace(":ref", "$1").replace(":user_id", "$2")


_ASYNCPG_SQL = {
    stmt: _numbered(stmt) for stmt in (*_ORG_BY.values(), *_TEAM.values(), *_PROJECT.values())
}


class _AsyncpgChainReader(SqlScopeChainReader):
    """The same statements sent straight to asyncpg (PostgreSQL plain reads): a GET of one
    scope is the hottest path of the API and SQLAlchemy's execution layer doubled its CPU cost.
    ``driver`` is an asyncpg connection or the process's ``StatementPool``."""

    def __init__(self, driver: Any):
        self._driver = driver

    async def _rows(
        self, stmt: sa.TextualSelect, ref: str, user_id: str | None
    ) -> Sequence[Mapping[str, Any]]:
        rows = []
        for record in await self._driver.fetch(_ASYNCPG_SQL[stmt], ref, user_id or _NOBODY):
            row = dict(record.items())
            if isinstance(row.get("r_permissions"), str):  # jsonb arrives as text here
                row["r_permissions"] = json.loads(row["r_permissions"])
            rows.append(row)
        return rows


class SqlScopeReads:
    """Chains and visible-children pages for plain reads, outside any unit of work: on
    PostgreSQL each is one statement on the asyncpg connection, no BEGIN/ROLLBACK round trips.

    With a ``StatementPool`` (PostgreSQL) a chain — the scope, its parents and the caller's
    memberships and roles on them, what every authorized request of a scope reads — is one
    statement on that pool, without a SQLAlchemy checkout around it (issue 13)."""

    def __init__(self, engine: AsyncEngine, statements: StatementPool | None = None):
        self._engine = engine
        self._target = SqlTarget.of(engine.url)
        self._statements = statements

    async def organization(self, ref: str, user_id: str | None) -> ScopeChain | None:
        async with self._chain_reader() as reader:
            return await reader.organization(ref, user_id)

    async def team(
        self, team_id: str, user_id: str | None, *, counts: bool = False
    ) -> ScopeChain | None:
        async with self._chain_reader() as reader:
            return await reader.team(team_id, user_id, counts=counts)

    async def project(
        self, project_id: str, user_id: str | None, *, counts: bool = False
    ) -> ScopeChain | None:
        async with self._chain_reader() as reader:
            return await reader.project(project_id, user_id, counts=counts)

    @asynccontextmanager
    async def _chain_reader(self) -> AsyncIterator[SqlScopeChainReader]:
        if self._statements is not None:
            # Only the chain's one statement runs in the block: a failure to reach the
            # database is an outage (503); the pool replaces a connection the server closed.
            async with unavailable_on_outage(connecting=True):
                yield _AsyncpgChainReader(
                    traced(self._statements, self._target, "access scope chain")
                )
            return
        async with self._connect("access scope chain") as (conn, driver):
            # Nothing runs through SQLAlchemy on this connection, so no BEGIN is sent: the
            # statement runs on its own (autocommit), one round trip.
            yield _AsyncpgChainReader(driver) if driver is not None else SqlScopeChainReader(conn)

    async def teams(
        self, organization_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[TeamSummary]:
        async with self._connect("access visible teams") as (conn, driver):
            return await SqlTeamRepository(conn, driver).list_visible(organization_id, flt, page)

    async def projects(
        self, team_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[ProjectSummary]:
        async with self._connect("access visible projects") as (conn, driver):
            return await SqlProjectRepository(conn, driver).list_visible(team_id, flt, page)

    @asynccontextmanager
    async def _connect(self, summary: str) -> AsyncIterator[tuple[AsyncConnection, Any]]:
        """A pooled connection and, on PostgreSQL, its asyncpg driver connection (no BEGIN),
        traced as ``summary`` when tracing is on (``adapters/tracing/raw_sql``).

        Only database statements run in the block, so any connection failure in it is an outage
        (``StorageUnavailable``). SQLAlchemy does not see what fails on the driver connection
        itself, so such a connection is invalidated here rather than returned to the pool."""
        async with unavailable_on_outage(connecting=True):
            conn = await self._engine.connect()
        try:
            async with unavailable_on_outage(connecting=True):
                driver = None
                if conn.dialect.name == "postgresql":
                    raw = (await conn.get_raw_connection()).driver_connection
                    driver = None if raw is None else traced(raw, self._target, summary)
                try:
                    yield conn, driver
                except Exception as exc:
                    if driver is not None and is_outage(exc, connecting=True):
                        await conn.invalidate(exc)
                    raise
        finally:
            await close_quietly(conn)
