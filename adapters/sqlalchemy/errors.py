"""Driver errors turned into the port-level errors the repositories document."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from application.ports.storage_errors import DuplicateKey

_UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


def is_unique_violation(exc: IntegrityError) -> bool:
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code == _UNIQUE_VIOLATION or "UNIQUE constraint failed" in str(orig)


@contextmanager
def duplicates_refused(what: str) -> Iterator[None]:
    """A unique violation inside the block becomes ``DuplicateKey(what)``; other integrity
    errors (foreign keys, checks) pass unchanged. On PostgreSQL the transaction is aborted
    either way: the caller's unit of work rolls back."""
    try:
        yield
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise DuplicateKey(what) from exc
        raise
