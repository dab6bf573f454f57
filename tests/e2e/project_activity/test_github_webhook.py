"""``POST /webhooks/v1/github`` and project activity through the real app, jobs in process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.e2e.access.helpers import actor, make_org, make_project, make_team
from tests.fixtures.github_signing import SECRET, push, signed

Client = TestClient[Any, Any]
HOOK = "/webhooks/v1/github"


@pytest.fixture
async def client(
    test_settings: Callable[..., Settings], database_url: str
) -> AsyncIterator[Client]:
    settings = test_settings(
        database_url=database_url, jobs_in_process=True, github_webhook_secret=SECRET
    )
    c: Client = TestClient(TestServer(create_app(Container(config=settings))))
    await c.start_server()
    yield c
    await c.close()


async def deliver(client: Client, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    resp = await client.post(HOOK, data=body, headers=headers)
    return resp.status, await resp.json()


async def activity_of(owner: Any, project_id: str, n: int, timeout: float = 15.0) -> list[Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        items: list[Any] = await owner.ok("GET", f"/project/{project_id}/activity")
        if len(items) >= n or asyncio.get_running_loop().time() > deadline:
            return items
        await asyncio.sleep(0.1)


async def test_a_push_to_a_linked_repository_becomes_activity_once(
    client: Client, token: Callable[..., str]
) -> None:
    owner, outsider = await actor(client, token), await actor(client, token)
    org = await make_org(owner, "acme")
    team = await make_team(owner, org["id"], "core")
    project = await make_project(owner, team["id"], "arena", visibility="PRIVATE")
    assert project["repositoryUrl"] is None
    linked = await owner.ok(
        "PATCH", f"/project/{project['id']}", {"repositoryUrl": "https://github.com/Acme/Arena.git"}
    )
    assert linked["repositoryUrl"] == "https://github.com/acme/arena"
    bad, _ = await owner.call("PATCH", f"/project/{project['id']}", {"repositoryUrl": "ftp://x"})
    assert bad == 400

    body, headers = signed("push", push("Acme/Arena", commits=3))
    assert await deliver(client, body, headers) == (
        200,
        {"success": True, "data": {"received": True, "duplicate": False}},
    )
    status, replay = await deliver(client, body, headers)  # GitHub's "redeliver"
    assert status == 200 and replay["data"]["duplicate"] is True
    other_body, other_headers = signed("push", push("Someone/Else"))
    assert (await deliver(client, other_body, other_headers))[0] == 200

    items = await activity_of(owner, project["id"], 1)
    await asyncio.sleep(0.5)  # a replay (or the unlinked push) would have landed by now
    items = await activity_of(owner, project["id"], 1)
    assert len(items) == 1
    entry = items[0]
    assert (entry["kind"], entry["repository"], entry["ref"], entry["pusher"]) == (
        "github.push",
        "Acme/Arena",
        "refs/heads/main",
        "ravi",
    )
    assert entry["commitCount"] == 3 and entry["headCommit"]["message"] == "Commit 2"

    hidden, _ = await outsider.call("GET", f"/project/{project['id']}/activity")
    assert hidden == 404

    unlinked = await owner.ok("PATCH", f"/project/{project['id']}", {"repositoryUrl": None})
    assert unlinked["repositoryUrl"] is None


async def test_signatures_and_headers_are_checked_before_anything_is_stored(
    client: Client,
) -> None:
    body, headers = signed("push", push())
    forged = {**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64}
    status, answer = await deliver(client, body, forged)
    assert status == 403 and answer["error"]["code"] == "INVALID_SIGNATURE"
    unsigned = {k: v for k, v in headers.items() if k != "X-Hub-Signature-256"}
    assert (await deliver(client, body, unsigned))[0] == 403
    wrong_secret_body, wrong_secret = signed("push", push(), secret="other")
    assert (await deliver(client, wrong_secret_body, wrong_secret))[0] == 403
    tampered = body.replace(b"Acme", b"Evil")
    assert (await deliver(client, tampered, headers))[0] == 403
    no_delivery = {k: v for k, v in headers.items() if k != "X-GitHub-Delivery"}
    assert (await deliver(client, body, no_delivery))[0] == 400
    ping_body, ping_headers = signed("ping", {"zen": "Keep it logically awesome.", "hook_id": 42})
    status, pong = await deliver(client, ping_body, ping_headers)
    assert status == 200 and pong["data"]["received"] is True


async def test_without_a_secret_the_webhook_is_unavailable(
    test_settings: Callable[..., Settings], database_url: str
) -> None:
    c: Client = TestClient(
        TestServer(create_app(Container(config=test_settings(database_url=database_url))))
    )
    await c.start_server()
    try:
        body, headers = signed("ping", {"zen": "z"})
        assert (await deliver(c, body, headers))[0] == 503
    finally:
        await c.close()
