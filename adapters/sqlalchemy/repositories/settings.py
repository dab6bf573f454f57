from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import upsert
from adapters.sqlalchemy.tables.settings import user_settings


@REPOSITORIES.register("settings")
class SqlSettingsRepository(SqlRepository):
    async def get(self, user_id: str) -> Mapping[str, object] | None:
        stmt = sa.select(user_settings.c.settings).where(user_settings.c.user_id == user_id)
        value = (await self._conn.execute(stmt)).scalar_one_or_none()
        return dict(value) if value is not None else None

    async def put(self, user_id: str, settings: Mapping[str, bool], now: datetime) -> None:
        await upsert(
            self._conn,
            user_settings,
            {"user_id": user_id, "settings": dict(settings), "updated_at": now},
            keys=("user_id",),
            update=("settings", "updated_at"),
        )
