"""Issue 7, item 4, through the real app on PostgreSQL and SQLite: Svix-signed Clerk deliveries
arriving out of order. A ``user.*`` event older than what is stored is dropped, and a delete that
overtakes its create leaves a tombstone, so the user stays deleted (403)."""

from __future__ import annotations

from typing import Any

from tests.conftest import bearer
from tests.e2e.identity.conftest import ClerkApp
from tests.fixtures.fake_clerk_api import clerk_user
from tests.fixtures.svix_signing import clerk_event, svix_headers

URL = "/webhooks/v1/clerk"
T0 = 1_790_000_000_000  # Clerk's milliseconds


async def post_event(
    app: ClerkApp, event_type: str, data: dict[str, Any], *, timestamp_ms: int | None = None
) -> None:
    body = clerk_event(event_type, data, timestamp_ms=timestamp_ms)
    resp = await app.client.post(URL, data=body, headers=svix_headers(app.webhook_secret, body))
    assert resp.status == 200, await resp.text()


async def test_an_older_update_delivered_last_does_not_win(clerk_app: ClerkApp) -> None:
    await post_event(clerk_app, "user.created", clerk_user("user_o", updated_at_ms=T0))
    newer = clerk_user("user_o", email="new@example.com", first_name="New", updated_at_ms=T0 + 2)
    older = clerk_user("user_o", email="old@example.com", first_name="Old", updated_at_ms=T0 + 1)
    await post_event(clerk_app, "user.updated", newer)
    await post_event(clerk_app, "user.updated", older)  # Svix retried it: it arrives last
    assert await clerk_app.run_webhook_jobs() == 3

    user = await clerk_app.user("user_o")
    assert user is not None and (user.first_name, user.email) == ("New", "new@example.com")
    token = clerk_app.minter.valid("user_o")
    profile = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))
    assert profile.status == 200


async def test_a_delete_that_overtakes_its_create_stays_a_delete(clerk_app: ClerkApp) -> None:
    deleted = {"id": "user_x", "deleted": True, "object": "user"}
    await post_event(clerk_app, "user.deleted", deleted, timestamp_ms=T0 + 10)
    await post_event(clerk_app, "user.created", clerk_user("user_x", updated_at_ms=T0))
    assert await clerk_app.run_webhook_jobs() == 2
    await post_event(clerk_app, "user.updated", clerk_user("user_x", updated_at_ms=T0 + 1))
    assert await clerk_app.run_webhook_jobs() == 1

    user = await clerk_app.user("user_x")
    assert user is not None and user.is_deleted and user.email is None
    assert await clerk_app.count("users") == 1
    assert await clerk_app.count("profiles") == 0
    token = clerk_app.minter.valid("user_x", email="x@example.com")  # issued before the delete
    denied = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))
    assert denied.status == 403
    assert (await denied.json())["error"]["code"] == "ACCOUNT_DELETED"
    assert await clerk_app.count("users") == 1  # the request provisioned nothing either
