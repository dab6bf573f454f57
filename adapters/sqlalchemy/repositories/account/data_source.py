"""``UserDataSource`` on SQL: the registered sections, each streamed from its own query."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.repositories.account.export_sections import SECTIONS, ExportSection
from application.account.ports import ExportRow

#: Rows fetched per round trip while streaming a section.
STREAM_BATCH_ROWS = 500


class SqlUserDataSource:
    def __init__(self, engine: AsyncEngine, sections: Sequence[ExportSection] = SECTIONS):
        self._engine = engine
        self._sections = {s.name: s for s in sections}

    def sections(self) -> list[str]:
        return list(self._sections)

    async def rows(self, section: str, user_id: str) -> AsyncIterator[ExportRow]:
        spec = self._sections[section]
        stmt = spec.select(user_id).execution_options(yield_per=STREAM_BATCH_ROWS)
        async with self._engine.connect() as conn:
            result = await conn.stream(stmt)
            async for row in result:
                yield {_camel(k): _plain(v) for k, v in row._mapping.items() if k not in spec.omit}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None  # stored response bodies and the like: not personal data
    return value
