"""Organizations, teams and projects on SQLAlchemy; visible-children lists in one statement."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.errors import is_unique_violation
from adapters.sqlalchemy.registry import REPOSITORIES
from adapters.sqlalchemy.repositories.access.rows import (
    ROLE_COLUMNS,
    Scope,
    role_from,
    scope_from,
    scope_values,
)
from adapters.sqlalchemy.tables.access import memberships, organizations, projects, roles, teams
from application.access.ports import OrganizationSummary, ProjectSummary, TeamSummary, UniqueField
from application.pagination import Page, PageRequest, encode_cursor
from domain.access.errors import NameTaken
from domain.access.list_filters import ChildFilter
from domain.access.organization import Organization
from domain.access.team import Project, Team

m = memberships
Child = TypeVar("Child", Team, Project)
Summary = TypeVar("Summary", TeamSummary, ProjectSummary)


def _page(rows: list[Any], limit: int, item: Any) -> Page[Any]:
    items = [found for r in rows[:limit] if (found := item(r._mapping)) is not None]
    last = rows[limit - 1].id if len(rows) > limit else None
    return Page(items, encode_cursor("", last) if last else None)


def _after(
    stmt: sa.Select[Any], column: sa.ColumnElement[Any], page: PageRequest
) -> sa.Select[Any]:
    if page.after is not None:
        stmt = stmt.where(column > page.after[1])
    return stmt.order_by(column).limit(page.limit + 1)


def _count_members(scope_id: sa.ColumnElement[Any]) -> sa.Label[Any]:
    counted = m.alias("counted")  # the outer query may join memberships too
    return (
        sa.select(sa.func.count())
        .select_from(counted)
        .where(counted.c.scope_id == scope_id)
        .scalar_subquery()
        .label("member_count")
    )


def _children_statement(table: sa.Table, parent_column: str, counts: str) -> sa.TextualSelect:
    """Visible, non-deleted children of one parent, a page at a time, as ONE statement of fixed
    shape (built once): the ChildFilter arrives as parameters — all of them, or those with one
    of up to three visibilities, or those on which ``:member`` holds a role."""
    columns = ", ".join(f"x.{c.name}" for c in table.c)
    sql = (
        f"SELECT {columns}, {counts} FROM {table.name} x "  # noqa: S608 - constants only
        f"WHERE x.{parent_column} = :parent AND x.deleted_at IS NULL AND x.id > :after "
        "AND (:everything = 1 OR x.visibility IN (:v1, :v2, :v3) OR EXISTS ("
        "SELECT 1 FROM memberships m WHERE m.user_id = :member AND m.scope_id = x.id)) "
        "ORDER BY x.id LIMIT :limit"
    )
    types = {c.name: c.type for c in table.c}
    return sa.text(sql).columns(**types, member_count=sa.Integer(), child_count=sa.Integer())


_MEMBER_COUNT = "(SELECT count(*) FROM memberships c WHERE c.scope_id = x.id) AS member_count"
_VISIBLE_TEAMS = _children_statement(
    teams,
    "organization_id",
    _MEMBER_COUNT + ", (SELECT count(*) FROM projects p WHERE p.team_id = x.id "  # noqa: S608
    "AND p.deleted_at IS NULL) AS child_count",
)
_VISIBLE_PROJECTS = _children_statement(projects, "team_id", _MEMBER_COUNT + ", 0 AS child_count")


def _filter_params(parent_id: str, flt: ChildFilter, page: PageRequest) -> dict[str, Any]:
    shown = sorted(v.value for v in flt.visibilities)
    v1, v2, v3 = [*shown, None, None, None][:3]
    return {
        "parent": parent_id,
        "after": page.after[1] if page.after else "",
        "everything": 1 if flt.everything else 0,
        "v1": v1,
        "v2": v2,
        "v3": v3,
        "member": flt.member_user_id,
        "limit": page.limit + 1,
    }


_PARAM_ORDER = ("parent", "after", "everything", "v1", "v2", "v3", "member", "limit")


def _numbered(stmt: sa.TextualSelect) -> str:
    """The statement with asyncpg's positional placeholders ($1 … $8 in ``_PARAM_ORDER``)."""
    sql = str(stmt)
    for n, name in enumerate(_PARAM_ORDER, start=1):
        sql = sql.replace(f":{name}", f"${n}")
    return sql


_ASYNCPG_SQL = {"team": _numbered(_VISIBLE_TEAMS), "project": _numbered(_VISIBLE_PROJECTS)}


async def visible_children(
    conn: AsyncConnection,
    kind: str,
    parent_id: str,
    flt: ChildFilter,
    page: PageRequest,
    *,
    driver: Any = None,
) -> tuple[list[Any], str | None]:
    """Rows of the page and the next cursor; nothing at all for an unreadable parent. With an
    asyncpg ``driver`` connection (PostgreSQL plain reads) the statement goes straight to it."""
    if flt.nothing:
        return [], None
    params = _filter_params(parent_id, flt, page)
    if driver is not None:
        args = [params[name] for name in _PARAM_ORDER]
        rows: list[Any] = list(await driver.fetch(_ASYNCPG_SQL[kind], *args))
        last_id = rows[page.limit - 1]["id"] if len(rows) > page.limit else None
    else:
        stmt = _VISIBLE_TEAMS if kind == "team" else _VISIBLE_PROJECTS
        rows = [r._mapping for r in (await conn.execute(stmt, params)).all()]
        last_id = rows[page.limit - 1]["id"] if len(rows) > page.limit else None
    cursor = encode_cursor("", last_id) if last_id else None
    return rows[: page.limit], cursor


class _ScopeRows(Generic[Scope]):
    """Insert, update and the name/slug lookup, alike for the three scope tables; each is unique
    within its parent (``parent_column``), an organization across the platform."""

    table: sa.Table
    parent_column: str | None = None

    def __init__(self, conn: AsyncConnection, driver: Any = None):
        self._conn = conn
        self._driver = driver  # asyncpg connection for plain reads, see visible_children

    async def add(self, scope: Scope) -> None:
        """INSERT in a savepoint; a unique violation (a concurrent twin) becomes ``NameTaken``."""
        await self._write(sa.insert(self.table), scope)

    async def save(self, scope: Scope) -> None:
        """UPDATE; a name or slug another scope took meanwhile becomes ``NameTaken``."""
        await self._write(sa.update(self.table).where(self.table.c.id == scope.id), scope)

    async def _write(self, stmt: sa.Insert | sa.Update, scope: Scope) -> None:
        values = scope_values(scope)
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(stmt.values(**values))
        except sa.exc.IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            field = "slug" if "slug" in str(exc.orig).lower() else "name"
            raise NameTaken(field, str(values[field]), None) from exc

    async def _taken(
        self, parent_id: str | None, field: UniqueField, values: list[str], exclude_id: str | None
    ) -> set[str]:
        column = self.table.c[field]
        stmt = sa.select(column).where(column.in_(values))
        if self.parent_column is not None:
            stmt = stmt.where(self.table.c[self.parent_column] == parent_id)
        if exclude_id is not None:
            stmt = stmt.where(self.table.c.id != exclude_id)
        return set((await self._conn.execute(stmt)).scalars())


class _ChildScopeRows(_ScopeRows[Child], Generic[Child, Summary]):
    """A team or a project: unique within its parent, listed a page of visible children at a
    time as ``Summary`` (``kind`` picks the statement of ``visible_children``)."""

    kind: str

    async def taken(
        self, parent_id: str, field: UniqueField, values: list[str], exclude_id: str | None = None
    ) -> set[str]:
        return await self._taken(parent_id, field, values, exclude_id)

    async def list_visible(
        self, parent_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[Summary]:
        rows, cursor = await visible_children(
            self._conn, self.kind, parent_id, flt, page, driver=self._driver
        )
        return Page([self._summary(r) for r in rows], cursor)

    def _summary(self, row: Any) -> Summary:
        raise NotImplementedError


@REPOSITORIES.register("organizations")
class SqlOrganizationRepository(_ScopeRows[Organization]):
    table = organizations

    async def lock(self, organization_id: str) -> None:
        if self._conn.dialect.name == "postgresql":
            await self._conn.execute(
                sa.select(organizations.c.id)
                .where(organizations.c.id == organization_id)
                .with_for_update()
            )

    async def taken(
        self, field: UniqueField, values: list[str], exclude_id: str | None = None
    ) -> set[str]:
        return await self._taken(None, field, values, exclude_id)

    async def list_for_member(self, user_id: str, page: PageRequest) -> Page[OrganizationSummary]:
        o = organizations
        stmt = (
            sa.select(
                *o.c,
                m.c.role_id.label("m_role_id"),
                *ROLE_COLUMNS,
                _count_members(o.c.id),
                sa.select(sa.func.count())
                .select_from(teams)
                .where(teams.c.organization_id == o.c.id, teams.c.deleted_at.is_(None))
                .scalar_subquery()
                .label("team_count"),
            )
            .select_from(
                m.join(o, o.c.id == m.c.organization_id).outerjoin(roles, roles.c.id == m.c.role_id)
            )
            .where(
                m.c.user_id == user_id,
                m.c.scope_id == m.c.organization_id,
                o.c.deleted_at.is_(None),
            )
        )
        rows = (await self._conn.execute(_after(stmt, o.c.id, page))).all()

        def item(r: Any) -> OrganizationSummary | None:
            role = role_from(r, r["m_role_id"])
            if role is None:  # a custom role that is gone: no membership (as membership_from)
                return None
            return OrganizationSummary(
                scope_from(Organization, r), role, r["member_count"], r["team_count"]
            )

        return _page(rows, page.limit, item)


@REPOSITORIES.register("teams")
class SqlTeamRepository(_ChildScopeRows[Team, TeamSummary]):
    table, parent_column, kind = teams, "organization_id", "team"

    def _summary(self, row: Any) -> TeamSummary:
        return TeamSummary(scope_from(Team, row), row["member_count"], row["child_count"])


@REPOSITORIES.register("projects")
class SqlProjectRepository(_ChildScopeRows[Project, ProjectSummary]):
    table, parent_column, kind = projects, "team_id", "project"

    def _summary(self, row: Any) -> ProjectSummary:
        return ProjectSummary(scope_from(Project, row), row["member_count"])
