"""Deletion and recovery over HTTP: delete -> 403 ACCOUNT_DELETED with recovery details ->
recover -> active again; the only Owner of an organization is refused; both deletion paths
(the route and Clerk's user.deleted) are the same use case."""

from __future__ import annotations

from typing import Any

from tests.conftest import bearer
from tests.e2e.access.helpers import make_org
from tests.e2e.account.helpers import BASE, call, queued, step_up
from tests.e2e.invitations.helpers import person, travel


async def test_delete_then_403_then_recover(app_client: Any, token: Any) -> None:
    ada = await person(app_client, token, "ada@example.com", name="Ada Lovelace")
    verification = await step_up(ada, "ada@example.com")
    status, body, resp = await call(ada, "DELETE", f"{BASE}/account", token=verification)
    assert status == 200 and body["data"]["deleted"] is True, body
    recover_by = body["data"]["recoverBy"]
    assert "Max-Age=0" in resp.headers["Set-Cookie"]

    status, body = await ada.call("GET", "/profile")
    assert status == 403 and body["error"]["code"] == "ACCOUNT_DELETED"
    assert body["error"]["details"] == {"recoverable": True, "recoverBy": recover_by}
    templates = [m.payload["template"] for m in await queued(app_client, "email.send")]
    assert "account-deleted" in templates

    resp = await app_client.post(f"/api/v1{BASE}/recover", headers=bearer(ada.token))
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["data"] == {"recovered": True, "userId": ada.user_id}
    assert (await ada.ok("GET", "/profile"))["userId"] == ada.user_id
    verification = await step_up(ada, "ada@example.com", after_cooldown=True)
    status, body, _ = await call(ada, "GET", f"{BASE}/logs", token=verification)
    actions = [e["action"] for e in body["data"]]
    assert {"account.deleted", "account.recovered"} <= set(actions)
    templates = [m.payload["template"] for m in await queued(app_client, "email.send")]
    assert "account-recovery" in templates

    # Recovering a live account, or without a session, is refused.
    resp = await app_client.post(f"/api/v1{BASE}/recover", headers=bearer(ada.token))
    assert resp.status == 409
    resp = await app_client.post(f"/api/v1{BASE}/recover")
    assert resp.status == 401
    # With the session cookie, a cross-site form post (no JSON) is refused (ADR 0009).
    resp = await app_client.post(
        f"/api/v1{BASE}/recover", cookies={"__session": ada.token}, data="x=1"
    )
    assert resp.status == 415


async def test_recovery_closes_after_90_days(app_client: Any, token: Any) -> None:
    ada = await person(app_client, token, "ada@example.com")
    verification = await step_up(ada, "ada@example.com")
    status, _, _ = await call(ada, "DELETE", f"{BASE}/account", token=verification)
    assert status == 200
    travel(app_client, 91)
    status, body = await ada.call("GET", "/profile")
    assert status == 403 and body["error"]["code"] == "ACCOUNT_DELETED"
    resp = await app_client.post(f"/api/v1{BASE}/recover", headers=bearer(ada.token))
    assert resp.status == 410 and (await resp.json())["error"]["code"] == "GONE"


async def test_the_only_owner_is_refused_with_the_organizations(
    app_client: Any, token: Any
) -> None:
    ada = await person(app_client, token, "ada@example.com")
    org = await make_org(ada, "ada-org")
    verification = await step_up(ada, "ada@example.com")
    status, body, _ = await call(ada, "DELETE", f"{BASE}/account", token=verification)
    assert status == 409 and body["error"]["code"] == "CONFLICT"
    assert body["error"]["details"]["organizations"] == [
        {"id": org["id"], "slug": "ada-org", "name": "Org ada-org"}
    ]
    assert (await ada.ok("GET", "/profile"))["userId"] == ada.user_id  # still active
