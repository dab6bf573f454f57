"""Persistence of user settings documents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol


class SettingsRepository(Protocol):
    async def get(self, user_id: str) -> Mapping[str, object] | None: ...

    async def put(self, user_id: str, settings: Mapping[str, bool], now: datetime) -> None: ...
