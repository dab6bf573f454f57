"""Loading a scope chain and the caller's memberships on it in ONE statement per request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.repositories.rbac_rows import (
    MEMBERSHIP_COLUMNS,
    ROLE_COLUMNS,
    labelled,
    membership_from,
    organization_from,
    project_from,
    team_from,
)
from adapters.sqlalchemy.tables.rbac import memberships, organizations, projects, roles, teams
from application.rbac.ports import ScopeChain
from domain.rbac.memberships import Membership
from domain.rbac.slugs import ID_SHAPE

m = memberships


def _with_memberships(stmt: sa.Select[Any], user_id: str | None,
                      scope_ids: list[sa.ColumnElement[Any]]) -> sa.Select[Any]:
    """LEFT JOIN the caller's memberships on any of ``scope_ids`` (at most one row each)."""
    if user_id is None:
        return stmt
    return (stmt.add_columns(*MEMBERSHIP_COLUMNS, *ROLE_COLUMNS)
            .outerjoin(m, sa.and_(m.c.user_id == user_id, m.c.scope_id.in_(scope_ids)))
            .outerjoin(roles, roles.c.id == m.c.role_id))


def _members(rows: Sequence[Any]) -> tuple[Membership, ...]:
    found = (membership_from(r._mapping) for r in rows)
    return tuple(x for x in found if x is not None)


def _count_members(scope_id: sa.ColumnElement[Any]) -> sa.ScalarSelect[Any]:
    counted = m.alias("counted")  # the outer query may join memberships too
    return (sa.select(sa.func.count()).select_from(counted).where(counted.c.scope_id == scope_id)
            .scalar_subquery())


class SqlScopeChainReader:
    def __init__(self, conn: AsyncConnection):
        self._conn = conn

    async def organization(self, ref: str, user_id: str | None) -> ScopeChain | None:
        key = organizations.c.id if ID_SHAPE.match(ref) else organizations.c.slug
        stmt = sa.select(*labelled(organizations, "o_")).where(key == ref)
        stmt = _with_memberships(stmt, user_id, [organizations.c.id])
        rows = (await self._conn.execute(stmt)).all()
        if not rows:
            return None
        return ScopeChain(organization_from(rows[0]._mapping, "o_"), memberships=_members(rows))

    async def team(self, team_id: str, user_id: str | None, *, counts: bool = False
                   ) -> ScopeChain | None:
        stmt = (sa.select(*labelled(teams, "t_"), *labelled(organizations, "o_"))
                .select_from(teams.join(organizations, organizations.c.id ==
                                        teams.c.organization_id))
                .where(teams.c.id == team_id))
        if counts:
            stmt = stmt.add_columns(
                _count_members(teams.c.id).label("member_count"),
                sa.select(sa.func.count()).select_from(projects)
                .where(projects.c.team_id == teams.c.id, projects.c.deleted_at.is_(None))
                .scalar_subquery().label("child_count"))
        stmt = _with_memberships(stmt, user_id, [teams.c.organization_id, teams.c.id])
        rows = (await self._conn.execute(stmt)).all()
        if not rows:
            return None
        first = rows[0]._mapping
        return ScopeChain(
            organization_from(first, "o_"), team=team_from(first, "t_"),
            memberships=_members(rows), member_count=first.get("member_count"),
            child_count=first.get("child_count"),
        )

    async def project(self, project_id: str, user_id: str | None, *, counts: bool = False
                      ) -> ScopeChain | None:
        stmt = (sa.select(*labelled(projects, "p_"), *labelled(teams, "t_"),
                          *labelled(organizations, "o_"))
                .select_from(projects.join(teams, teams.c.id == projects.c.team_id)
                             .join(organizations, organizations.c.id == teams.c.organization_id))
                .where(projects.c.id == project_id))
        if counts:
            stmt = stmt.add_columns(_count_members(projects.c.id).label("member_count"))
        stmt = _with_memberships(stmt, user_id,
                                 [projects.c.organization_id, projects.c.team_id, projects.c.id])
        rows = (await self._conn.execute(stmt)).all()
        if not rows:
            return None
        first = rows[0]._mapping
        return ScopeChain(
            organization_from(first, "o_"), team=team_from(first, "t_"),
            project=project_from(first, "p_"), memberships=_members(rows),
            member_count=first.get("member_count"),
        )
