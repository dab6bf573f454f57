"""Rows the repository contracts need first (SQL enforces their foreign keys)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.identity.user import User
from domain.ids import new_id

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def a_user(subject: str = "s", name: str = "F") -> User:
    return User(new_id(), subject, f"{subject}@example.com", name, None, None, None, NOW, NOW)
