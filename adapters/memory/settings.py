"""Settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.memory.registry import REPOSITORIES, MemoryRepository


@REPOSITORIES.register("settings")
class MemorySettingsRepository(MemoryRepository):
    async def get(self, user_id: str) -> dict[str, bool] | None:
        return self._s.settings.by_user.get(user_id)

    async def put(self, user_id: str, settings: Any, now: datetime) -> None:
        self._s.settings.by_user[user_id] = dict(settings)
