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
    return Page(items, encode_cursor(last, last) if last else None)


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


def _visible(table: sa.Table, flt: ChildFilter) -> sa.ColumnElement[bool] | None:
    """The ChildFilter as SQL: a visibility list and/or "the caller holds a role on it"."""
    if flt.everything:
        return None
    clauses: list[sa.ColumnElement[bool]] = []
    if flt.visibilities:
        clauses.append(table.c.visibility.in_(sorted(v.value for v in flt.visibilities)))
    if flt.member_user_id is not None:
        clauses.append(
            sa.exists().where(m.c.user_id == flt.member_user_id, m.c.scope_id == table.c.id)
        )
    return sa.or_(*clauses) if clauses else sa.false()


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
    def __init__(self, conn: AsyncConnection):
        self._conn = conn

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
        if flt.nothing:
            return Page([], None)
        t = teams
        stmt = sa.select(
            *t.c,
            _count_members(t.c.id),
            sa.select(sa.func.count())
            .select_from(projects)
            .where(projects.c.team_id == t.c.id, projects.c.deleted_at.is_(None))
            .scalar_subquery()
            .label("project_count"),
        ).where(t.c.organization_id == organization_id, t.c.deleted_at.is_(None))
        visible = _visible(t, flt)
        if visible is not None:
            stmt = stmt.where(visible)
        rows = (await self._conn.execute(_after(stmt, t.c.id, page))).all()
        return _page(
            rows,
            page.limit,
            lambda r: TeamSummary(team_from(r), r["member_count"], r["project_count"]),
        )


class SqlProjectRepository:
    def __init__(self, conn: AsyncConnection):
        self._conn = conn

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
        if flt.nothing:
            return Page([], None)
        p = projects
        stmt = sa.select(*p.c, _count_members(p.c.id)).where(
            p.c.team_id == team_id, p.c.deleted_at.is_(None)
        )
        visible = _visible(p, flt)
        if visible is not None:
            stmt = stmt.where(visible)
        rows = (await self._conn.execute(_after(stmt, p.c.id, page))).all()
        return _page(rows, page.limit, lambda r: ProjectSummary(project_from(r), r["member_count"]))
