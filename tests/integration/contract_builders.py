"""Rows the repository contracts need first (SQL enforces their foreign keys)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.memory.access import MemoryScopeReads
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.sqlalchemy.repositories.access.chain_reader import SqlScopeReads
from domain.identity.user import User
from domain.ids import new_id

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def a_user(subject: str = "s", name: str = "F") -> User:
    return User(new_id(), subject, f"{subject}@example.com", name, None, None, None, NOW, NOW)


def scope_reads(uow_factory: Any) -> Any:
    """The outside-a-transaction scope reader over the same storage as ``uow_factory``."""
    if isinstance(uow_factory, InMemoryUnitOfWorkFactory):
        return MemoryScopeReads(uow_factory.store)
    return SqlScopeReads(uow_factory.engine)
