"""`fairarena migrate --sql` (Alembic's offline mode) renders a script that builds the same
schema as migrating online.

Operators who review or apply migrations as SQL (a DBA's change window, a locked-down database)
render the chain offline. Nothing else runs that path: the seed of revision 0003 once stopped it
("no literal value renderer" for untyped and JSON columns). Here the rendered script is applied to
an empty PostgreSQL database, which must then match the tables' MetaData and hold the seeded
plans; the rendered downgrade must leave nothing behind but Alembic's empty version table."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from click.testing import CliRunner

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.migrate import downgrade, downgrade_script, upgrade
from entrypoints.cli.main import main
from tests.fixtures.databases import PG_HOST, PG_PORT, PG_USER, pg_url
from tests.integration.schema.test_migrations_build_the_tables import _differences


def _printed_upgrade() -> str:
    """What `fairarena migrate --sql base` prints (offline: nothing is connected to)."""
    result = CliRunner().invoke(
        main, ["migrate", "--sql", "base"], env={"DATABASE_URL": pg_url("nowhere")}
    )
    assert result.exit_code == 0, result.output
    return result.stdout


async def _connect(database: str) -> asyncpg.Connection:
    return await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=database)


async def _left_behind(conn: asyncpg.Connection) -> list[tuple[str]]:
    """The tables and functions in the public schema."""
    rows = await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        " UNION ALL SELECT proname FROM pg_proc"
        " JOIN pg_namespace n ON n.oid = pronamespace WHERE n.nspname = 'public'"
    )
    return [tuple(row) for row in rows]


@pytest.fixture
async def empty_database() -> AsyncIterator[str]:
    name = f"fa_offline_{uuid.uuid4().hex[:12]}"
    admin = await _connect("postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_the_rendered_scripts_build_the_declared_schema_and_remove_it(
    empty_database: str,
) -> None:
    conn = await _connect(empty_database)
    try:
        await conn.execute(_printed_upgrade())
        plans = await conn.fetch("SELECT plan_id, features FROM plans ORDER BY amount")
        assert [(p["plan_id"], p["features"]) for p in plans] == [
            ("plan_starter", '["100 credits", "Never expire"]'),
            ("plan_pro", '["600 credits", "20% bonus", "Never expire"]'),
            ("plan_enterprise", '["3,000 credits", "50% bonus", "Priority support"]'),
        ]
        engine = build_engine(pg_url(empty_database))
        try:
            async with engine.connect() as connection:
                assert await connection.run_sync(_differences) == []
        finally:
            await engine.dispose()

        await conn.execute(downgrade_script(pg_url("nowhere")))
        left = await _left_behind(conn)
        # Alembic keeps its (now empty) version table at base, offline as online.
        assert left == [("alembic_version",)]
        assert await conn.fetchval("SELECT count(*) FROM alembic_version") == 0
    finally:
        await conn.close()


async def test_migrating_online_down_to_base_and_up_again_rebuilds_the_schema(
    empty_database: str,
) -> None:
    url = pg_url(empty_database)
    await asyncio.to_thread(upgrade, url)
    await asyncio.to_thread(downgrade, url, "base")
    conn = await _connect(empty_database)
    try:
        left = await _left_behind(conn)
        assert left == [("alembic_version",)]
    finally:
        await conn.close()
    await asyncio.to_thread(upgrade, url)
    engine = build_engine(url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


def test_an_unknown_revision_is_a_sentence_not_a_traceback() -> None:
    result = CliRunner().invoke(
        main, ["migrate", "--sql", "nope"], env={"DATABASE_URL": pg_url("nowhere")}
    )
    assert result.exit_code == 1
    assert "Error: Can't locate revision identified by 'nope'" in result.output
    assert "Traceback" not in result.output
