"""Dialect-aware statement builders shared by the repositories."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

E = TypeVar("E")


def entity_row(entity: Any, omit: Sequence[str] = (), **values: Any) -> dict[str, Any]:
    """The row of a dataclass entity whose table names its columns after its fields: every field
    but ``omit``, with ``values`` replacing fields that are stored converted or adding columns."""
    names = _FIELD_NAMES.get(type(entity))
    if names is None:
        names = _FIELD_NAMES[type(entity)] = tuple(f.name for f in fields(entity))
    row = {name: getattr(entity, name) for name in names if name not in omit}
    return row | values


#: Each entity class's field names (``dataclasses.fields`` rebuilds its tuple on every call).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def entity_of(cls: type[E], row: Any, **values: Any) -> E:
    """The dataclass ``cls`` from a row whose columns carry its fields' names; ``values`` give the
    fields that are stored converted (an enum's value, a list for a tuple) or not in the row."""
    shape: Any = cls
    named = {f.name: getattr(row, f.name) for f in fields(shape) if f.name not in values}
    return cls(**named, **values)


def _insert(conn: AsyncConnection, table: sa.Table) -> Any:
    return postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)


@functools.lru_cache(maxsize=512)
def _insert_ignoring(dialect: str, table: sa.Table, keys: tuple[str, ...] | None) -> Any:
    """Built once per table and conflict target: the values travel as parameters, so a call
    costs no statement construction nor cache-key walk of its values (the outbox row of every
    change goes through here)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=keys)


async def insert_ignoring_conflict(
    conn: AsyncConnection,
    table: sa.Table,
    values: Mapping[str, Any],
    keys: Sequence[str] | None = None,
) -> bool:
    """INSERT … ON CONFLICT [(keys)] DO NOTHING; True when the row was inserted. With ``keys``
    only a conflict on them is ignored; another unique column still raises."""
    if any(isinstance(v, sa.ClauseElement) for v in values.values()):  # rendered, not bound
        stmt = _insert(conn, table).values(**values).on_conflict_do_nothing(index_elements=keys)
        return bool((await conn.execute(stmt)).rowcount == 1)
    stmt = _insert_ignoring(conn.dialect.name, table, None if keys is None else tuple(keys))
    result = await conn.execute(stmt, dict(values))
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


async def first_entity(
    conn: AsyncConnection,
    stmt: sa.Select[Any],
    entity: Callable[[Any], E],
    *,
    lock: bool = False,
    params: Mapping[str, Any] | None = None,
) -> E | None:
    """``entity`` of the first row ``stmt`` reads, None without one; the row locked
    (``for_update``) when ``lock``."""
    row = (await conn.execute(for_update(stmt, conn) if lock else stmt, params)).first()
    return entity(row) if row is not None else None
