"""Settings and notifications through the real app."""

from __future__ import annotations

from entrypoints.http.request_state import CONTAINER
from tests.conftest import bearer

JSON = {"Content-Type": "application/json"}


async def test_settings_get_patch_reset(app_client, token):
    h = {**bearer(token()), **JSON}
    got = await (await app_client.get("/api/v1/settings", headers=h)).json()
    assert got["data"] == {"wantToGetFeedbackMail": True, "wantFeedbackNotifications": True}
    put = await app_client.put("/api/v1/settings", headers=h, json={"wantToGetFeedbackMail": False})
    assert (await put.json())["data"]["wantToGetFeedbackMail"] is False
    bad = await app_client.put("/api/v1/settings", headers=h, json={"darkMode": True})
    assert bad.status == 400
    reset = await (await app_client.post("/api/v1/settings/reset", headers=h)).json()
    assert reset["data"]["wantToGetFeedbackMail"] is True


async def _seed_notifications(app_client, user_token, n):
    """Create notifications the way producers do: through the use case of the outbox topic."""
    from domain.ids import new_id

    me = await (await app_client.get("/api/v1/profile", headers=bearer(user_token))).json()
    container = app_client.server.app[CONTAINER]
    create = container.notifications.create_notification()
    ids = []
    for i in range(n):
        nid = new_id()
        await create(
            nid,
            {"userId": me["data"]["userId"], "type": "MESSAGE", "title": f"t{i}", "message": "m"},
        )
        ids.append(nid)
    return ids


async def test_notifications_flow_and_isolation(app_client, token):
    alice, bob = token(), token()
    ids = await _seed_notifications(app_client, alice, 3)
    h = bearer(alice)
    listed = await (await app_client.get("/api/v1/notifications?limit=2", headers=h)).json()
    assert len(listed["data"]) == 2 and listed["meta"]["nextCursor"]
    assert listed["meta"]["unreadCount"] == 3
    assert listed["data"][0]["type"] == "MESSAGE"  # the producer's type is kept
    rest = await (
        await app_client.get(
            f"/api/v1/notifications?limit=2&cursor={listed['meta']['nextCursor']}", headers=h
        )
    ).json()
    assert len(rest["data"]) == 1

    # Bob cannot touch Alice's rows.
    r = await app_client.post(
        "/api/v1/notifications/mark-read", headers={**bearer(bob), **JSON}, json={"ids": ids}
    )
    assert (await r.json())["data"] == {"updated": 0}
    assert (
        await app_client.delete(f"/api/v1/notifications/{ids[0]}", headers=bearer(bob))
    ).status == 404

    r = await app_client.post(
        "/api/v1/notifications/mark-read", headers={**h, **JSON}, json={"ids": ids[:2]}
    )
    assert (await r.json())["data"] == {"updated": 2}
    count = await (await app_client.get("/api/v1/notifications/unread-count", headers=h)).json()
    assert count["data"] == {"count": 1}
    unread_only = await (await app_client.get("/api/v1/notifications?read=false", headers=h)).json()
    assert [n["id"] for n in unread_only["data"]] == [ids[2]]
    r = await app_client.post(
        "/api/v1/notifications/mark-unread", headers={**h, **JSON}, json={"ids": [ids[0]]}
    )
    assert (await r.json())["data"] == {"updated": 1}
    r = await app_client.post("/api/v1/notifications/mark-all-read", headers=h)
    assert (await r.json())["data"] == {"updated": 2}
    r = await app_client.delete(f"/api/v1/notifications/{ids[0]}", headers=h)
    assert (await r.json())["data"] == {"deleted": 1}
    r = await app_client.delete("/api/v1/notifications/read", headers=h)
    assert (await r.json())["data"] == {"deleted": 2}
    bad = await app_client.post(
        "/api/v1/notifications/mark-read", headers={**h, **JSON}, json={"ids": []}
    )
    assert bad.status == 400
    bad_type = await app_client.get("/api/v1/notifications?type=NOPE", headers=h)
    assert bad_type.status == 400
