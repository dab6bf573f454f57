"""POST /webhooks/v1/clerk through the real app: verify, store, process by job, replay, delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import bearer
from tests.e2e.identity.conftest import ClerkApp
from tests.fixtures.fake_clerk_api import clerk_user
from tests.fixtures.svix_signing import clerk_event, new_webhook_secret, svix_headers

URL = "/webhooks/v1/clerk"


async def post_event(
    app: ClerkApp, event_type: str, data: dict[str, Any], *, message_id: str | None = None
) -> Any:
    body = clerk_event(event_type, data)
    headers = svix_headers(app.webhook_secret, body, message_id=message_id)
    return await app.client.post(URL, data=body, headers=headers)


async def test_user_created_is_stored_answered_then_provisioned_by_the_job(
    clerk_app: ClerkApp,
) -> None:
    resp = await post_event(
        clerk_app, "user.created", clerk_user("user_wh", email="wh@example.com"), message_id="m1"
    )

    assert resp.status == 200
    assert (await resp.json()) == {"success": True, "data": {"received": True, "duplicate": False}}
    assert await clerk_app.user("user_wh") is None  # answered before processing
    assert await clerk_app.run_webhook_jobs() == 1

    user = await clerk_app.user("user_wh")
    assert user is not None
    assert (user.email, user.first_name, user.last_name) == ("wh@example.com", "Alice", "Liddell")
    assert (user.username, user.image_url) == ("alice", "https://img.clerk.com/alice.png")
    # The user's first request finds the webhook-provisioned account; no directory call.
    token = clerk_app.minter.valid("user_wh")
    profile = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))
    assert (await profile.json())["data"]["userId"] == user.id
    assert clerk_app.clerk_api.requests == []


async def test_a_replayed_svix_id_is_200_and_has_no_second_effect(clerk_app: ClerkApp) -> None:
    first = await post_event(clerk_app, "user.created", clerk_user("user_r"), message_id="dup")
    await clerk_app.run_webhook_jobs()
    replay = await post_event(
        clerk_app, "user.created", clerk_user("user_r", first_name="Again"), message_id="dup"
    )

    assert first.status == 200 and replay.status == 200
    assert (await replay.json())["data"]["duplicate"] is True
    assert await clerk_app.run_webhook_jobs() == 0
    assert await clerk_app.count("webhook_inbox") == 1
    assert await clerk_app.count("users") == 1
    user = await clerk_app.user("user_r")
    assert user is not None and user.first_name == "Alice"


async def test_user_updated_refreshes_the_user(clerk_app: ClerkApp) -> None:
    await post_event(clerk_app, "user.created", clerk_user("user_u"))
    await clerk_app.run_webhook_jobs()

    data = clerk_user("user_u", email="new@example.com", first_name="Una", username="una")
    resp = await post_event(clerk_app, "user.updated", data)
    await clerk_app.run_webhook_jobs()

    assert resp.status == 200
    user = await clerk_app.user("user_u")
    assert user is not None
    assert (user.email, user.first_name, user.username) == ("new@example.com", "Una", "una")


async def test_the_webhook_fills_in_a_user_provisioned_without_email(clerk_app: ClerkApp) -> None:
    token = clerk_app.minter.valid("user_late")
    assert (await clerk_app.client.get("/api/v1/profile", headers=bearer(token))).status == 200
    before = await clerk_app.user("user_late")
    assert before is not None and before.email is None  # the directory did not know it yet

    await post_event(clerk_app, "user.created", clerk_user("user_late", email="late@example.com"))
    await clerk_app.run_webhook_jobs()

    after = await clerk_app.user("user_late")
    assert after is not None and after.id == before.id and after.email == "late@example.com"


async def test_user_deleted_soft_deletes_and_the_token_then_gets_403(clerk_app: ClerkApp) -> None:
    token = clerk_app.minter.valid("user_d", email="d@example.com")
    assert (await clerk_app.client.get("/api/v1/profile", headers=bearer(token))).status == 200

    resp = await post_event(clerk_app, "user.deleted", {"id": "user_d", "deleted": True})
    await clerk_app.run_webhook_jobs()

    assert resp.status == 200
    user = await clerk_app.user("user_d")
    assert user is not None and user.deleted_at is not None  # soft: the row is kept
    denied = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))
    assert denied.status == 403
    assert (await denied.json())["error"]["code"] == "ACCOUNT_DELETED"
    assert await clerk_app.count("audit_log") >= 1


async def test_other_event_types_are_stored_and_ignored(clerk_app: ClerkApp) -> None:
    resp = await post_event(clerk_app, "session.created", {"id": "sess_1", "user_id": "user_x"})
    await clerk_app.run_webhook_jobs()

    assert resp.status == 200
    assert await clerk_app.count("webhook_inbox") == 1
    assert await clerk_app.count("users") == 0


def _unsigned(app: ClerkApp, body: bytes) -> dict[str, str]:
    return {"content-type": "application/json"}


def _other_secret(app: ClerkApp, body: bytes) -> dict[str, str]:
    return svix_headers(new_webhook_secret(), body)


def _old(app: ClerkApp, body: bytes) -> dict[str, str]:
    return svix_headers(app.webhook_secret, body, timestamp=datetime.now(UTC) - timedelta(hours=1))


def _tampered(app: ClerkApp, body: bytes) -> dict[str, str]:
    return svix_headers(app.webhook_secret, body.replace(b"alice@", b"other@"))


@pytest.mark.parametrize("headers_for", [_unsigned, _other_secret, _old, _tampered])
async def test_unsigned_forged_or_stale_deliveries_are_403_and_store_nothing(
    clerk_app: ClerkApp, headers_for: Any
) -> None:
    body = clerk_event("user.created", clerk_user("user_evil"))

    resp = await clerk_app.client.post(URL, data=body, headers=headers_for(clerk_app, body))

    assert resp.status == 403
    payload = await resp.json()
    assert payload["success"] is False and payload["error"]["code"] == "INVALID_SIGNATURE"
    assert await clerk_app.count("webhook_inbox") == 0
    assert await clerk_app.count("outbox") == 0


async def test_without_a_webhook_secret_the_route_is_503_and_stores_nothing(app_client) -> None:  # type: ignore[no-untyped-def]
    body = clerk_event("user.created", clerk_user("user_x"))
    resp = await app_client.post(URL, data=body, headers=svix_headers(new_webhook_secret(), body))

    assert resp.status == 503
    assert (await resp.json())["error"]["code"] == "SERVICE_UNAVAILABLE"


@pytest.mark.parametrize("clerk_overrides", [{"maintenance_mode": True}])
async def test_webhooks_are_still_stored_during_maintenance(clerk_app: ClerkApp) -> None:
    token = clerk_app.minter.valid("user_m", email="m@example.com")
    blocked = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))
    assert blocked.status == 503

    resp = await post_event(clerk_app, "user.created", clerk_user("user_m"))

    assert resp.status == 200
    assert await clerk_app.count("webhook_inbox") == 1


async def test_signing_up_again_within_90_days_recovers_the_account(clerk_app: ClerkApp) -> None:
    old = clerk_app.minter.valid("user_before", email="back@example.com", name="Bea Back")
    saved = await clerk_app.client.put(
        "/api/v1/profile", headers=bearer(old), json={"firstName": "Bea", "bio": "kept"}
    )
    assert saved.status == 200
    user_id = (await saved.json())["data"]["userId"]
    await post_event(clerk_app, "user.deleted", {"id": "user_before", "deleted": True})
    await clerk_app.run_webhook_jobs()
    assert (await clerk_app.client.get("/api/v1/profile", headers=bearer(old))).status == 403

    new = clerk_app.minter.valid("user_after", email="back@example.com")
    resp = await clerk_app.client.get("/api/v1/profile", headers=bearer(new))

    assert resp.status == 200
    data = (await resp.json())["data"]
    assert data["userId"] == user_id and data["bio"] == "kept"
    assert await clerk_app.count("users WHERE deleted_at IS NULL") == 1
    grave = await clerk_app.user("user_before")  # the old identity stays deleted (a tombstone)
    assert grave is not None and grave.is_deleted and grave.id != user_id
    assert (await clerk_app.client.get("/api/v1/profile", headers=bearer(old))).status == 403


async def test_a_svix_id_of_255_characters_is_stored_and_processed(clerk_app: ClerkApp) -> None:
    """The outbox key derived from the delivery id (``webhook:clerk:<id>``) must fit too."""
    body = clerk_event("user.created", clerk_user("user_longid"))
    headers = svix_headers(clerk_app.webhook_secret, body, message_id="msg_" + "z" * 251)
    resp = await clerk_app.client.post(URL, data=body, headers=headers)
    assert resp.status == 200, await resp.text()
    replay = await clerk_app.client.post(URL, data=body, headers=headers)
    assert (await replay.json())["data"]["duplicate"] is True
    assert await clerk_app.run_webhook_jobs() == 1
    assert await clerk_app.user("user_longid") is not None
