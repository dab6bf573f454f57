"""Dialect-aware statement builders shared by the repositories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(conn: AsyncConnection, table: sa.Table) -> Any:
    return postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)


async def insert_ignoring_conflict(
    conn: AsyncConnection,
    table: sa.Table,
    values: Mapping[str, Any],
    keys: Sequence[str] | None = None,
) -> bool:
    """INSERT … ON CONFLICT [(keys)] DO NOTHING; True when the row was inserted. With ``keys``
    only a conflict on them is ignored; another unique column still raises."""
    stmt = _insert(conn, table).values(**values)
    result = await conn.execute(stmt.on_conflict_do_nothing(index_elements=keys))
    return bool(result.rowcount == 1)


async def upsert(
    conn: AsyncConnection,
    table: sa.Table,
    values: Mapping[str, Any],
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET update-columns."""
    stmt = _insert(conn, table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={name: stmt.excluded[name] for name in update}
    )
    await conn.execute(stmt)


def for_update(stmt: sa.Select[Any], conn: AsyncConnection, skip_locked: bool = False) -> Any:
    """Row locks on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE instead."""
    if conn.dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=skip_locked)
    return stmt
