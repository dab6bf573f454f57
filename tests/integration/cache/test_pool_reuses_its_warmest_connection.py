"""The pool hands out the connection returned last (ADR 0079): at a low request rate the
connections in use stay warm (no idle ping, statements prepared) while the rest idle."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.engine import build_engine


async def test_the_connection_returned_last_is_handed_out_first(pg_url: str):
    engine = build_engine(pg_url, pool_size=3, max_overflow=0, ping_after_idle_seconds=30)
    pid = sa.text("SELECT pg_backend_pid()")
    try:
        first, second = await engine.connect(), await engine.connect()
        first_pid = (await first.execute(pid)).scalar_one()
        second_pid = (await second.execute(pid)).scalar_one()
        await first.close()
        await second.close()  # returned last
        for _ in range(3):
            async with engine.connect() as conn:
                assert (await conn.execute(pid)).scalar_one() == second_pid != first_pid
    finally:
        await engine.dispose()
