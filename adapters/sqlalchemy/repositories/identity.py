from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import (
    entity_of,
    entity_row,
    first_entity,
    insert_ignoring_conflict,
)
from adapters.sqlalchemy.tables.identity import users
from domain.identity.user import User


@REPOSITORIES.register("users")
class SqlUserRepository(SqlRepository):
    async def get(self, user_id: str) -> User | None:
        stmt = sa.select(users).where(users.c.id == user_id)
        return await first_entity(self._conn, stmt, user_of)

    async def inactive_among(self, user_ids: Collection[str]) -> set[str]:
        wanted = set(user_ids)
        if not wanted:
            return set()
        live = sa.select(users.c.id).where(users.c.id.in_(wanted), users.c.deleted_at.is_(None))
        return wanted - set((await self._conn.execute(live)).scalars())

    async def get_by_subject(self, subject: str, *, for_update: bool = False) -> User | None:
        stmt = sa.select(users).where(users.c.subject == subject)
        return await first_entity(self._conn, stmt, user_of, lock=for_update)

    async def add(self, user: User) -> bool:
        return await insert_ignoring_conflict(self._conn, users, _to_row(user))

    async def save(self, user: User) -> None:
        values = _to_row(user)
        del values["id"]
        await self._conn.execute(sa.update(users).where(users.c.id == user.id).values(**values))

    async def live_by_email(self, email: str) -> list[User]:
        stmt = (
            sa.select(users)
            .where(users.c.deleted_at.is_(None))
            .where(sa.func.lower(users.c.email) == email.lower())
            .order_by(users.c.created_at, users.c.id)
        )
        return [user_of(row) for row in (await self._conn.execute(stmt)).all()]

    async def get_deleted_by_email(self, email: str) -> User | None:
        stmt = (
            sa.select(users)
            .where(users.c.deleted_at.is_not(None))
            .where(sa.func.lower(users.c.email) == email.lower())
            .order_by(users.c.deleted_at.desc(), users.c.id.desc())
            .limit(1)
        )
        return await first_entity(self._conn, stmt, user_of, lock=True)


def _to_row(user: User) -> dict[str, Any]:
    return entity_row(user)


def user_of(row: Any) -> User:
    return entity_of(User, row)
