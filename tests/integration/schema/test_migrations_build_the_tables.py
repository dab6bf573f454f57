"""The migration chain builds the schema the tables declare: a fresh database migrated to head
and the tables' MetaData compare equal (Alembic's autogenerate comparison finds nothing to do).

Nothing else ties the two together: the repositories use the tables, production uses the
migrations, so a column added to one and forgotten in the other would only show in production."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.tables import metadata


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, metadata))


async def test_a_database_migrated_to_head_has_the_declared_schema(database_url: str) -> None:
    engine = build_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []
