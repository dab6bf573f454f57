"""Keyset pages, newest first, over a (time, id) pair: the SQL twin of adapters/memory/paging.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from application.pagination import Page, PageRequest, encode_cursor

T = TypeVar("T")


async def newest_first(
    conn: AsyncConnection,
    stmt: sa.Select[Any],
    time: sa.ColumnElement[datetime],
    id_: sa.ColumnElement[str],
    page: PageRequest,
    entity: Callable[[Any], T],
    key: Callable[[T], tuple[datetime, str]],
) -> Page[T]:
    """``stmt`` filtered after the cursor, ordered by (time, id) descending, one page of it."""
    after = page.after_time()
    if after is not None:
        after_time, after_id = after
        stmt = stmt.where(sa.or_(time < after_time, sa.and_(time == after_time, id_ < after_id)))
    stmt = stmt.order_by(time.desc(), id_.desc()).limit(page.limit + 1)
    rows = (await conn.execute(stmt)).all()
    items = [entity(r) for r in rows[: page.limit]]
    cursor = encode_cursor(*key(items[-1])) if len(rows) > page.limit else None
    return Page(items, cursor)
