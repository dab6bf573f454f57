"""A failing statement's error — and so every log record that carries it (``http.unhandled``,
job failures) — names the SQL but never its parameters (e-mails, IPs, phone numbers...)."""

from __future__ import annotations

import logging
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.engine import build_engine


async def test_a_failing_statement_logs_no_parameter_values(database_url, caplog):
    email = f"leak-{uuid.uuid4().hex}@example.com"
    ip = "203.0.113.77"
    engine = build_engine(database_url, echo=True)  # echo too: it logs parameters unless hidden
    try:
        with caplog.at_level(logging.INFO):
            async with engine.connect() as conn:
                with pytest.raises(DBAPIError) as failed:
                    await conn.execute(
                        sa.text("INSERT INTO no_such_table (email, ip) VALUES (:email, :ip)"),
                        {"email": email, "ip": ip},
                    )
            logging.getLogger("fairarena.test").error("db.failed", exc_info=failed.value)
    finally:
        await engine.dispose()
    logged = caplog.text
    assert "no_such_table" in logged  # the statement is still there to debug with
    assert email not in logged and ip not in logged
    assert email not in str(failed.value) and ip not in str(failed.value)
