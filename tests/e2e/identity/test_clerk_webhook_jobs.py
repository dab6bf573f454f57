"""The Clerk webhook processed by the in-process Dramatiq worker that ``serve`` runs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import bearer
from tests.e2e.identity.conftest import ClerkApp
from tests.e2e.identity.test_clerk_webhook import post_event
from tests.fixtures.fake_clerk_api import clerk_user

JOBS = {"jobs_in_process": True, "worker_threads": 1}


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 20.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while not (result := await check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not within the timeout")
        await asyncio.sleep(0.1)
    return result


@pytest.fixture
def clerk_overrides(tmp_path: Path) -> dict[str, Any]:
    return {**JOBS, "dev_email_path": tmp_path / "emails.jsonl"}


async def test_created_then_deleted_through_the_real_worker(
    clerk_app: ClerkApp, tmp_path: Path
) -> None:
    data = clerk_user("user_job", email="job@example.com", first_name="Jo")
    assert (await post_event(clerk_app, "user.created", data)).status == 200

    user = await eventually(lambda: clerk_app.user("user_job"))
    assert user.email == "job@example.com"
    outbox = tmp_path / "emails.jsonl"

    async def welcome() -> list[dict[str, Any]]:
        if not outbox.exists():
            return []
        return [json.loads(line) for line in outbox.read_text().splitlines()]

    [email] = await eventually(welcome)
    assert email["to"] == "job@example.com"

    token = clerk_app.minter.valid("user_job")
    assert (await clerk_app.client.get("/api/v1/profile", headers=bearer(token))).status == 200
    assert (await post_event(clerk_app, "user.deleted", {"id": "user_job"})).status == 200

    async def forbidden() -> bool:
        resp = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))
        return resp.status == 403

    assert await eventually(forbidden)
