"""A new user gets a welcome notification and a welcome e-mail, through the outbox and the
in-process Dramatiq worker that ``serve`` runs when no broker is configured."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer


@pytest.fixture
async def jobs_client(
    test_settings: Callable[..., Settings], database_url: str, tmp_path: Path
) -> AsyncIterator[TestClient[Any, Any]]:
    settings = test_settings(
        database_url=database_url, jobs_in_process=True, dev_email_path=tmp_path / "emails.jsonl"
    )
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not within the timeout")
        await asyncio.sleep(0.1)


def emails(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


async def test_a_new_user_gets_a_welcome_notification_and_email(
    jobs_client: TestClient[Any, Any], token: Callable[..., str], tmp_path: Path
) -> None:
    headers = bearer(token("asha@example.com", name="Asha"))
    assert (await jobs_client.get("/api/v1/profile", headers=headers)).status == 200

    async def welcome_notification() -> list[dict[str, Any]]:
        body = await (await jobs_client.get("/api/v1/notifications", headers=headers)).json()
        return list(body["data"])

    [notification] = await eventually(welcome_notification)
    assert notification["title"] == "Welcome to FairArena"

    outbox = tmp_path / "emails.jsonl"
    [email] = await eventually(lambda: asyncio.sleep(0, emails(outbox)))
    assert email["to"] == "asha@example.com"
    assert email["subject"].startswith("Welcome to FairArena")
    assert "<!DOCTYPE html>" in email["html"] and "Hi " in email["text"]

    # More requests by the same user produce no second welcome.
    for _ in range(3):
        await jobs_client.get("/api/v1/profile", headers=headers)
    await asyncio.sleep(1.5)
    assert len(await welcome_notification()) == 1
    assert len(emails(outbox)) == 1
