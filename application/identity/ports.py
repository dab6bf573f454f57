"""Persistence of users."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from domain.identity.user import User


class UserRepository(Protocol):
    async def get(self, user_id: str) -> User | None: ...

    async def get_by_subject(self, subject: str, *, for_update: bool = False) -> User | None:
        """``for_update`` locks the row until the transaction ends (identity-provider events
        for one user are then applied one at a time, so the older never wins)."""
        ...

    async def add(self, user: User) -> bool:
        """Insert; False if the subject already exists (a concurrent first request won)."""
        ...

    async def save(self, user: User) -> None: ...

    async def inactive_among(self, user_ids: Collection[str]) -> set[str]:
        """Those of ``user_ids`` that are deleted or unknown (one query: the realtime
        connections of a process re-check their users together, every heartbeat)."""
        ...

    async def live_by_email(self, email: str) -> list[User]:
        """The users (not deleted) with this e-mail, any case; usually one, oldest first."""
        ...

    async def get_deleted_by_email(self, email: str) -> User | None:
        """The most recently soft-deleted user with this e-mail (any case), locked for update."""
        ...
