"""Identity."""

from __future__ import annotations

from collections.abc import Collection

from adapters.memory.registry import REPOSITORIES, MemoryRepository
from domain.identity.user import User


@REPOSITORIES.register("users")
class MemoryUserRepository(MemoryRepository):
    async def get(self, user_id: str) -> User | None:
        return self._s.identity.users.get(user_id)

    async def inactive_among(self, user_ids: Collection[str]) -> set[str]:
        users = self._s.identity.users
        return {u for u in user_ids if u not in users or users[u].is_deleted}

    async def get_by_subject(self, subject: str, *, for_update: bool = False) -> User | None:
        return next((u for u in self._s.identity.users.values() if u.subject == subject), None)

    async def add(self, user: User) -> bool:
        if await self.get_by_subject(user.subject) is not None:
            return False
        self._s.identity.users[user.id] = user
        return True

    async def save(self, user: User) -> None:
        self._s.identity.users[user.id] = user

    async def live_by_email(self, email: str) -> list[User]:
        wanted = email.lower()
        live = [
            u
            for u in self._s.identity.users.values()
            if u.deleted_at is None and u.email is not None and u.email.lower() == wanted
        ]
        return sorted(live, key=lambda u: (u.created_at, u.id))

    async def get_deleted_by_email(self, email: str) -> User | None:
        wanted = email.lower()
        deleted = [
            u
            for u in self._s.identity.users.values()
            if u.deleted_at is not None and u.email is not None and u.email.lower() == wanted
        ]
        return max(deleted, key=lambda u: (u.deleted_at, u.id), default=None)
