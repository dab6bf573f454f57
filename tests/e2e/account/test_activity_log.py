"""The activity log over HTTP: changes made in other contexts land in it, in their own
transaction, with the request's address and user agent; paginated, newest first."""

from __future__ import annotations

from typing import Any

from tests.e2e.account.helpers import BASE, call, step_up
from tests.e2e.invitations.helpers import person


async def test_other_contexts_changes_are_logged_with_their_request(
    app_client: Any, token: Any
) -> None:
    ada = await person(app_client, token, "ada@example.com", name="Ada Lovelace")
    headers = {**ada.headers, "User-Agent": "ada-browser/1.0"}
    resp = await app_client.put(
        "/api/v1/settings", json={"wantToGetFeedbackMail": False}, headers=headers
    )
    assert resp.status == 200
    resp = await app_client.post("/api/v1/settings/reset", headers=headers)
    assert resp.status == 200
    resp = await app_client.put(
        "/api/v1/profile", json={"firstName": "Ada", "bio": "Analyst"}, headers=headers
    )
    assert resp.status == 200, await resp.text()
    verification = await step_up(ada, "ada@example.com")

    status, body, _ = await call(ada, "GET", f"{BASE}/logs?limit=2", token=verification)
    assert status == 200 and len(body["data"]) == 2 and body["meta"]["nextCursor"]
    seen = list(body["data"])
    cursor = body["meta"]["nextCursor"]
    while cursor:
        status, body, _ = await call(
            ada, "GET", f"{BASE}/logs?limit=2&cursor={cursor}", token=verification
        )
        seen += body["data"]
        cursor = body["meta"]["nextCursor"]
    actions = [e["action"] for e in seen]
    assert actions == [
        "verification.succeeded",
        "verification.code_sent",
        "profile.updated",
        "settings.reset",
        "settings.updated",
    ]
    updated = seen[-1]
    assert updated["metadata"] == {"changed": ["wantToGetFeedbackMail"]}
    assert updated["userAgent"] == "ada-browser/1.0" and updated["ip"] == "127.0.0.1"
    assert [e["level"] for e in seen[:2]] == ["CRITICAL", "WARN"]
    # Reading the log is logged too (once per first page).
    status, body, _ = await call(ada, "GET", f"{BASE}/logs", token=verification)
    assert body["data"][0]["action"] == "activity.read"
    status, body, _ = await call(ada, "GET", f"{BASE}/logs?cursor=bad", token=verification)
    assert status == 400
