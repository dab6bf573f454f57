"""Organizations, teams and projects on SQLAlchemy; visible-children lists in one statement."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.repositories.rbac_rows import (
    ROLE_COLUMNS,
    organization_from,
    organization_values,
    project_from,
    project_values,
    role_from,
    team_from,
    team_values,
)
from adapters.sqlalchemy.tables.rbac import memberships, organizations, projects, roles, teams
from application.pagination import Page, PageRequest, encode_cursor
from application.rbac.ports import (
    OrganizationSummary,
    ProjectSummary,
    TeamSummary,
    UniqueField,
)
from domain.rbac.errors import NameTaken
from domain.rbac.list_filters import ChildFilter
from domain.rbac.organization import Organization
from domain.rbac.team import Project, Team

m = memberships


async def _insert(conn: AsyncConnection, table: sa.Table, values: dict[str, Any]) -> None:
    """INSERT in a savepoint; a unique violation (a concurrent twin) becomes ``NameTaken``."""
    try:
        async with conn.begin_nested():
            await conn.execute(sa.insert(table).values(**values))
    except sa.exc.IntegrityError as exc:
        field = "slug" if "slug" in str(exc.orig).lower() else "name"
        raise NameTaken(field, str(values[field]), None) from exc


async def _taken(
    conn: AsyncConnection,
    table: sa.Table,
    field: UniqueField,
    values: list[str],
    exclude_id: str | None,
    *where: sa.ColumnElement[bool],
) -> set[str]:
    column = table.c[field]
    stmt = sa.select(column).where(column.in_(values), *where)
    if exclude_id is not None:
        stmt = stmt.where(table.c.id != exclude_id)
    return set((await conn.execute(stmt)).scalars())


def _page(rows: list[Any], limit: int, item: Any) -> Page[Any]:
    items = [item(r._mapping) for r in rows[:limit]]
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


class SqlOrganizationRepository:
    def __init__(self, conn: AsyncConnection):
        self._conn = conn

    async def add(self, organization: Organization) -> None:
        await _insert(self._conn, organizations, organization_values(organization))

    async def save(self, organization: Organization) -> None:
        values = organization_values(organization)
        await self._conn.execute(
            sa.update(organizations).where(organizations.c.id == organization.id).values(**values)
        )

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
        return await _taken(self._conn, organizations, field, values, exclude_id)

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

        def item(r: Any) -> OrganizationSummary:
            role = role_from(r, r["m_role_id"])
            assert role is not None
            return OrganizationSummary(
                organization_from(r), role, r["member_count"], r["team_count"]
            )

        return _page(rows, page.limit, item)


class SqlTeamRepository:
    def __init__(self, conn: AsyncConnection, driver: Any = None):
        self._conn = conn
        self._driver = driver  # asyncpg connection for plain reads, see visible_children

    async def add(self, team: Team) -> None:
        await _insert(self._conn, teams, team_values(team))

    async def save(self, team: Team) -> None:
        await self._conn.execute(
            sa.update(teams).where(teams.c.id == team.id).values(**team_values(team))
        )

    async def taken(
        self,
        organization_id: str,
        field: UniqueField,
        values: list[str],
        exclude_id: str | None = None,
    ) -> set[str]:
        return await _taken(
            self._conn, teams, field, values, exclude_id, teams.c.organization_id == organization_id
        )

    async def list_visible(
        self, organization_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[TeamSummary]:
        rows, cursor = await visible_children(
            self._conn, "team", organization_id, flt, page, driver=self._driver
        )
        return Page(
            [TeamSummary(team_from(r), r["member_count"], r["child_count"]) for r in rows], cursor
        )


class SqlProjectRepository:
    def __init__(self, conn: AsyncConnection, driver: Any = None):
        self._conn = conn
        self._driver = driver  # asyncpg connection for plain reads, see visible_children

    async def add(self, project: Project) -> None:
        await _insert(self._conn, projects, project_values(project))

    async def save(self, project: Project) -> None:
        await self._conn.execute(
            sa.update(projects).where(projects.c.id == project.id).values(**project_values(project))
        )

    async def taken(
        self, team_id: str, field: UniqueField, values: list[str], exclude_id: str | None = None
    ) -> set[str]:
        return await _taken(
            self._conn, projects, field, values, exclude_id, projects.c.team_id == team_id
        )

    async def list_visible(
        self, team_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[ProjectSummary]:
        rows, cursor = await visible_children(
            self._conn, "project", team_id, flt, page, driver=self._driver
        )
        return Page([ProjectSummary(project_from(r), r["member_count"]) for r in rows], cursor)
