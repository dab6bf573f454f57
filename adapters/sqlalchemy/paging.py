"""Keyset pages of a statement, with the cursors of ``application.pagination`` (the SQL twin of
``adapters.memory.paging``)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from application.pagination import Page, PageRequest, SortKey, encode_cursor

T = TypeVar("T")


async def read_page(
    conn: AsyncConnection,
    stmt: sa.Select[Any],
    page: PageRequest,
    show: Callable[[Any], T | None],
    *,
    id: sa.ColumnElement[Any],
    by: sa.ColumnElement[Any] | None = None,
    ascending: bool = False,
) -> Page[T]:
    """The page of ``stmt`` after ``page``'s cursor, ordered by ``(by, id)`` (by ``id`` alone
    when ``by`` is None), newest first unless ``ascending``; ``show`` makes each row an item (a
    row it answers None for is left out, its place still counted). The next cursor is the last
    row's key, present only when another row follows."""
    order = [id] if by is None else [by, id]
    after = _after(page, by is not None)
    if after is not None:
        later = operator.gt if ascending else operator.lt
        if by is None:
            stmt = stmt.where(later(id, after[1]))
        else:
            stmt = stmt.where(
                sa.or_(later(by, after[0]), sa.and_(by == after[0], later(id, after[1])))
            )
    ordered = stmt.order_by(*(c if ascending else c.desc() for c in order))
    rows = (await conn.execute(ordered.limit(page.limit + 1))).all()
    shown = rows[: page.limit]
    cursor = None
    if len(rows) > page.limit:
        last = shown[-1]._mapping
        cursor = encode_cursor("" if by is None else last[by], last[id])
    return Page([item for r in shown if (item := show(r)) is not None], cursor)


def _after(page: PageRequest, timed: bool) -> tuple[SortKey, str] | None:
    if timed:
        return page.after_time()
    after_id = page.after_id()
    return None if after_id is None else ("", after_id)
