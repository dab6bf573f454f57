"""The code is sent to the phone and nowhere else: not to the logs, not to the outbox table."""

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from adapters.sms.dev_outbox import read_outbox
from adapters.sqlalchemy.engine import build_engine
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer

NUMBER = "+919876543210"


@pytest.fixture
async def client(
    test_settings: Callable[..., Settings], sqlite_url: str
) -> AsyncIterator[TestClient[Any, Any]]:
    settings = test_settings(database_url=sqlite_url)
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    yield client
    await client.close()


async def test_no_code_in_logs_or_database(
    client: TestClient[Any, Any],
    token: Callable[..., str],
    tmp_path: Path,
    sqlite_url: str,
    capfd: pytest.CaptureFixture[str],
) -> None:
    alice = bearer(token())
    sent = await client.post(
        "/api/v1/credits/send-otp", json={"phoneNumber": NUMBER}, headers=alice
    )
    assert sent.status == 200
    (message,) = read_outbox(tmp_path / "var" / "outbox")
    code = message["body"][:6]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert (
        await client.post("/api/v1/credits/verify-otp", json={"otp": wrong}, headers=alice)
    ).status == 400
    assert (
        await client.post("/api/v1/credits/verify-otp", json={"otp": code}, headers=alice)
    ).status == 200
    logs = capfd.readouterr()
    assert "/api/v1/credits/verify-otp" in logs.out  # the access log was captured
    assert code not in logs.out + logs.err
    engine = build_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            for table in ("phone_otps", "outbox", "audit_log", "phone_verifications"):
                rows = (await conn.execute(sa.text(f"SELECT * FROM {table}"))).all()
                assert code not in repr(rows), table
    finally:
        await engine.dispose()
