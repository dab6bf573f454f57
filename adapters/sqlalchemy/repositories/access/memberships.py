"""Memberships and custom roles on SQLAlchemy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.errors import duplicates_refused
from adapters.sqlalchemy.paging import read_page
from adapters.sqlalchemy.registry import REPOSITORIES, ClockedSqlRepository, SqlRepository
from adapters.sqlalchemy.repositories.access.rows import (
    MEMBERSHIP_COLUMNS,
    ROLE_COLUMNS,
    membership_from,
    role_from,
    role_values,
)
from adapters.sqlalchemy.statements import upsert
from adapters.sqlalchemy.tables.access import memberships, roles
from adapters.sqlalchemy.tables.identity import person_name_columns, users
from application.access.ports import MemberView
from application.pagination import Page, PageRequest
from domain.access.memberships import Membership
from domain.access.permissions import ScopeKind
from domain.access.roles import Role
from domain.access.scopes import ScopeRef
from domain.identity.user import person_name
from domain.ids import new_id

m = memberships


def _with_role(stmt: sa.Select[Any]) -> sa.Select[Any]:
    return stmt.add_columns(*MEMBERSHIP_COLUMNS, *ROLE_COLUMNS)


@REPOSITORIES.register("memberships")
class SqlMembershipRepository(SqlRepository):
    def _select(self) -> sa.Select[Any]:
        return _with_role(
            sa.select(m.c.id).select_from(m.outerjoin(roles, roles.c.id == m.c.role_id))
        )

    async def get(self, user_id: str, scope: ScopeRef) -> Membership | None:
        stmt = self._select().where(m.c.user_id == user_id, m.c.scope_id == scope.id)
        row = (await self._conn.execute(stmt)).first()
        return membership_from(row._mapping) if row else None

    async def put(self, membership: Membership, now: datetime) -> None:
        scope = membership.scope
        await upsert(
            self._conn,
            m,
            {
                "id": new_id(),
                "user_id": membership.user_id,
                "organization_id": membership.organization_id,
                "team_id": membership.team_id,
                "project_id": membership.project_id,
                "scope_id": scope.id,
                "scope_type": scope.kind.value,
                "role_id": membership.role.id,
                "created_at": now,
                "updated_at": now,
            },
            keys=["user_id", "scope_id"],
            update=["role_id", "updated_at"],
        )

    async def remove_with_below(self, user_id: str, scope: ScopeRef) -> list[Membership]:
        column = {
            ScopeKind.ORGANIZATION: m.c.organization_id,
            ScopeKind.TEAM: m.c.team_id,
            ScopeKind.PROJECT: m.c.scope_id,
        }[scope.kind]
        where = (m.c.user_id == user_id, column == scope.id)
        rows = (await self._conn.execute(self._select().where(*where))).all()
        await self._conn.execute(sa.delete(m).where(*where))
        found = (membership_from(r._mapping) for r in rows)
        return [x for x in found if x is not None]

    async def count_role(self, organization_id: str, role_id: str) -> int:
        stmt = (
            sa.select(sa.func.count())
            .select_from(m)
            .where(m.c.scope_id == organization_id, m.c.role_id == role_id)
        )
        return int((await self._conn.execute(stmt)).scalar_one())

    async def list_members(self, scope: ScopeRef, page: PageRequest) -> Page[MemberView]:
        stmt = (
            _with_role(sa.select(m.c.id, m.c.created_at, users.c.email, *person_name_columns))
            .select_from(
                m.join(users, users.c.id == m.c.user_id).outerjoin(roles, roles.c.id == m.c.role_id)
            )
            .where(m.c.scope_id == scope.id)
        )
        return await read_page(self._conn, stmt, page, _member, id=m.c.id, ascending=True)


def _member(r: Any) -> MemberView | None:
    membership = membership_from(r._mapping)
    if membership is None:
        return None
    name = person_name(r.first_name, r.last_name, r.username)
    return MemberView(membership.user_id, name, r.email, membership.role, r.created_at)


@REPOSITORIES.register("roles", clocked=True)
class SqlRoleRepository(ClockedSqlRepository):
    async def list_for_organization(self, organization_id: str) -> tuple[Role, ...]:
        stmt = (
            sa.select(roles.c.id, *ROLE_COLUMNS)
            .where(roles.c.organization_id == organization_id)
            .order_by(roles.c.id)
        )
        found = []
        for r in (await self._conn.execute(stmt)).all():
            role = role_from(r._mapping, r.id)
            if role is not None:
                found.append(role)
        return tuple(found)

    async def add(self, role: Role) -> None:
        now = self._now()
        with duplicates_refused("role name already used in this organization and scope"):
            await self._conn.execute(
                sa.insert(roles).values(**role_values(role), created_at=now, updated_at=now)
            )

    async def save(self, role: Role) -> None:
        values = role_values(role)
        with duplicates_refused("role name already used in this organization and scope"):
            await self._conn.execute(
                sa.update(roles)
                .where(roles.c.id == role.id)
                .values(**values, updated_at=self._now())
            )

    async def delete(self, role_id: str) -> None:
        await self._conn.execute(sa.delete(roles).where(roles.c.id == role_id))

    async def holders(self, role_id: str) -> int:
        stmt = sa.select(sa.func.count()).select_from(m).where(m.c.role_id == role_id)
        return int((await self._conn.execute(stmt)).scalar_one())
