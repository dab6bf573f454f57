"""Which database errors are transient (a new attempt will do) on PostgreSQL and SQLite."""

from __future__ import annotations

import sqlalchemy as sa

# serialization_failure, deadlock_detected, lock_not_available
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
UNIQUE_VIOLATION = "23505"


def sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def is_transient(exc: BaseException) -> bool:
    if sqlstate(exc) in TRANSIENT_SQLSTATES:
        return True
    # SQLite: the busy timeout ran out while another writer held the database.
    return isinstance(exc, sa.exc.OperationalError) and "database is locked" in str(exc)
