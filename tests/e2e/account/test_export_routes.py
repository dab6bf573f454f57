"""The data export over HTTP: 202 once per 24 h, built by the job, downloaded by its owner only
through the signed link, streamed as one JSON document."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.e2e.account.helpers import BASE, call, queued, step_up
from tests.e2e.invitations.helpers import container_of, person


async def _link(client: Any, export_id: str) -> str:
    for message in await queued(client, "email.send"):
        if message.payload["template"] == "data-export":
            url = str(message.payload["context"]["download_url"])
            if export_id in url:
                return url
    raise AssertionError("no export e-mail queued")


async def test_export_is_built_and_downloaded_by_its_owner_only(
    app_client: Any, token: Any
) -> None:
    ada = await person(app_client, token, "ada@example.com", name="Ada Lovelace")
    bob = await person(app_client, token, "bob@example.com")
    await ada.ok("PUT", "/settings", {"wantToGetFeedbackMail": False})
    verification = await step_up(ada, "ada@example.com")
    status, body, _ = await call(ada, "POST", f"{BASE}/export-data", token=verification)
    assert status == 202 and body["data"]["status"] == "PENDING", body
    export_id = body["data"]["id"]
    status, body, resp = await call(ada, "POST", f"{BASE}/export-data", token=verification)
    assert status == 429 and int(resp.headers["Retry-After"]) > 86000

    ready = await container_of(app_client).account.build_export().handle(export_id)
    assert ready.status.value == "READY" and ready.size_bytes > 0
    link = await _link(app_client, export_id)
    parts = urlsplit(link)
    path = parts.path.removeprefix("/api/v1")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    notifications = [m.payload["title"] for m in await queued(app_client, "notification.create")]
    assert "Data export ready" in notifications

    resp = await app_client.get(f"/api/v1{path}", params=query, headers=ada.headers)
    assert resp.status == 200
    assert "attachment" in resp.headers["Content-Disposition"]
    document = json.loads(await resp.read())
    assert document["userId"] == ada.user_id
    sections = document["sections"]
    assert sections["account"][0]["email"] == "ada@example.com"
    assert sections["settings"][0]["settings"]["wantToGetFeedbackMail"] is False
    actions = {e["action"] for e in sections["activityLog"]}
    assert {"verification.succeeded", "export.requested"} <= actions
    assert sections["exports"][0]["id"] == export_id

    # Not the owner: not found. A tampered link: forbidden. No session: 401.
    resp = await app_client.get(f"/api/v1{path}", params=query, headers=bob.headers)
    assert resp.status == 404
    tampered = {**query, "signature": "0" * 64}
    resp = await app_client.get(f"/api/v1{path}", params=tampered, headers=ada.headers)
    assert resp.status == 403
    later = {**query, "expires": str(int(query["expires"]) + 1)}
    resp = await app_client.get(f"/api/v1{path}", params=later, headers=ada.headers)
    assert resp.status == 403
    resp = await app_client.get(f"/api/v1{path}", params=query)
    assert resp.status == 401
    resp = await app_client.get(f"/api/v1{path}", headers=ada.headers)
    assert resp.status == 400  # the signature is required


async def test_concurrent_requests_make_one_export(pg_client: Any, token: Any) -> None:
    ada = await person(pg_client, token, "ada@example.com")
    verification = await step_up(ada, "ada@example.com")
    headers = {**ada.headers, "X-Verification-Token": verification}
    results = await asyncio.gather(
        *(pg_client.post(f"/api/v1{BASE}/export-data", headers=headers) for _ in range(12))
    )
    statuses = sorted(r.status for r in results)
    assert statuses == [202] + [429] * 11, statuses
    container = container_of(pg_client)
    async with container.infrastructure.uow()() as uow:
        latest = await uow.exports.latest_for_user(ada.user_id)
    assert latest is not None
    builds = await queued(pg_client, "account.build_export")
    assert [m.payload["exportId"] for m in builds] == [latest.id]
