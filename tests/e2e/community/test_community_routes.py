"""Every route of API.md "Community" through the real app, on PostgreSQL and SQLite."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from adapters.sqlalchemy.tables.outbox import outbox
from entrypoints.http.request_state import CONTAINER
from tests.conftest import bearer

JSON = {"Content-Type": "application/json"}


async def me(client: Any, tok: str) -> str:
    body = await (await client.get("/api/v1/profile", headers=bearer(tok))).json()
    return str(body["data"]["userId"])


async def outbox_payloads(client: Any, topic: str) -> list[dict[str, Any]]:
    engine = client.server.app[CONTAINER].infrastructure.engine()
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.payload).where(outbox.c.topic == topic).order_by(outbox.c.id)
        )
        return [dict(r.payload) for r in rows]


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


async def test_stars_are_synchronous_idempotent_and_public(app_client, token):
    owner, fan = token(name="Owner One"), token(name="Fan Two")
    owner_id, fan_id = await me(app_client, owner), await me(app_client, fan)
    h = bearer(fan)
    for _ in range(2):  # idempotent
        r = await app_client.post(f"/api/v1/stars/{owner_id}", headers=h)
        assert r.status == 200
        assert (await r.json())["data"] == {"hasStarred": True, "starCount": 1}
    status = await (await app_client.get(f"/api/v1/stars/{owner_id}/status", headers=h)).json()
    assert status["data"]["hasStarred"] and status["data"]["starredAt"].endswith("Z")
    view = await (await app_client.get(f"/api/v1/profile/view/{owner_id}", headers=h)).json()
    assert view["data"]["starCount"] == 1 and view["data"]["hasStarred"] is True
    listed = await (await app_client.get(f"/api/v1/stars/{owner_id}")).json()  # public
    assert [g["userId"] for g in listed["data"]] == [fan_id]
    assert listed["meta"]["nextCursor"] is None
    # One STAR notification per starrer per day, however often they star again.
    await app_client.delete(f"/api/v1/stars/{owner_id}", headers=h)
    r = await app_client.post(f"/api/v1/stars/{owner_id}", headers=h)
    assert (await r.json())["data"]["starCount"] == 1
    notices = [
        p for p in await outbox_payloads(app_client, "notification.create") if p["type"] == "STAR"
    ]
    assert [p["userId"] for p in notices] == [owner_id]
    r = await app_client.delete(f"/api/v1/stars/{owner_id}", headers=h)
    assert (await r.json())["data"] == {"hasStarred": False, "starCount": 0}
    r = await app_client.delete(f"/api/v1/stars/{owner_id}", headers=h)
    assert r.status == 200
    # Own profile 400, unknown 404, private 404, rate limit 10/min.
    assert (await app_client.post(f"/api/v1/stars/{fan_id}", headers=h)).status == 400
    assert (await app_client.post(f"/api/v1/stars/{uuid.uuid4()}", headers=h)).status == 404
    await app_client.put(
        "/api/v1/profile",
        headers={**bearer(owner), **JSON},
        json={"firstName": "O", "isPublic": False},
    )
    assert (await app_client.post(f"/api/v1/stars/{owner_id}", headers=h)).status == 404
    assert (await app_client.get(f"/api/v1/stars/{owner_id}")).status == 404
    statuses = [
        (await app_client.delete(f"/api/v1/stars/{owner_id}", headers=h)).status for _ in range(10)
    ]
    assert statuses.count(429) >= 1
    limited = await app_client.delete(f"/api/v1/stars/{owner_id}", headers=h)
    assert limited.status == 429 and "Retry-After" in limited.headers


async def test_reports_moderation_and_outcome_notice(app_client, token):
    reporter, target, admin = token(), token(), token(admin=True)
    target_id = await me(app_client, target)
    h = {**bearer(reporter), **JSON}
    body = {"entityType": "profile", "entityId": target_id, "reason": "spam", "details": "ads"}
    r = await app_client.post("/api/v1/reports", headers=h, json=body)
    assert r.status == 201, await r.text()
    created = (await r.json())["data"]
    assert created["status"] == "QUEUED"
    assert (await app_client.post("/api/v1/reports", headers=h, json=body)).status == 409
    missing = {**body, "entityType": "organization", "entityId": str(uuid.uuid4())}
    assert (await app_client.post("/api/v1/reports", headers=h, json=missing)).status == 404
    bad = {**body, "reason": "boring"}
    assert (await app_client.post("/api/v1/reports", headers=h, json=bad)).status == 400
    # A private organization the reporter is not in: 404, like an absent one.
    slug = f"org-{uuid.uuid4().hex[:8]}"
    org = await app_client.post(
        "/api/v1/organization",
        headers={**bearer(target), **JSON},
        json={"name": "Hidden", "slug": slug, "isPublic": False},
    )
    if org.status == 201:
        org_id = (await org.json())["data"]["id"]
        hidden = {**body, "entityType": "organization", "entityId": org_id}
        assert (await app_client.post("/api/v1/reports", headers=h, json=hidden)).status == 404
    mine = await (await app_client.get("/api/v1/reports", headers=bearer(reporter))).json()
    assert [x["id"] for x in mine["data"]] == [created["id"]]

    assert (await app_client.get("/api/v1/admin/reports", headers=bearer(reporter))).status == 403
    queue = await (
        await app_client.get("/api/v1/admin/reports?status=QUEUED", headers=bearer(admin))
    ).json()
    assert created["id"] in [x["id"] for x in queue["data"]]
    url = f"/api/v1/admin/reports/{created['id']}"
    ah = {**bearer(admin), **JSON}
    r = await app_client.patch(url, headers=ah, json={"status": "IN_REVIEW"})
    assert (await r.json())["data"]["status"] == "IN_REVIEW"
    r = await app_client.patch(url, headers=ah, json={"status": "DISMISSED", "resolution": "ok"})
    assert (await r.json())["data"]["status"] == "DISMISSED"
    r = await app_client.patch(url, headers=ah, json={"status": "IN_REVIEW"})
    assert r.status == 409 and (await r.json())["error"]["code"] == "CONFLICT"
    r = await app_client.patch(
        f"/api/v1/admin/reports/{uuid.uuid4()}", headers=ah, json={"status": "IN_REVIEW"}
    )
    assert r.status == 404
    notices = await outbox_payloads(app_client, "notification.create")
    assert any(p.get("metadata", {}).get("reportId") == created["id"] for p in notices)
    # Closed: the reporter may report the same entity again.
    assert (await app_client.post("/api/v1/reports", headers=h, json=body)).status == 201


async def test_weekly_feedback_job_twice_mails_once_and_one_click_unsubscribes(app_client, token):
    alice, bob = token(name="Alice A"), token()
    alice_id, bob_id = await me(app_client, alice), await me(app_client, bob)
    await app_client.put(
        "/api/v1/settings",
        headers={**bearer(bob), **JSON},
        json={"wantToGetFeedbackMail": False},
    )
    job = app_client.server.app[CONTAINER].community.send_weekly_feedback
    first, second = await job()(), await job()()
    assert first.emails >= 1 and second.emails == 0 and second.notifications == 0
    mails = [p for p in await outbox_payloads(app_client, "email.send")
             if p["template"] == "weekly-feedback"]  # fmt: skip
    by_user = {p["to"] for p in mails}
    assert len(by_user) == len(mails)  # one e-mail per user
    reminders = [p for p in await outbox_payloads(app_client, "notification.create")
                 if p["type"] == "REMINDER"]  # fmt: skip
    assert {alice_id, bob_id} <= {p["userId"] for p in reminders}
    [alice_mail] = [p for p in mails if p["context"]["name"] == "Alice A"]
    assert alice_mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert all(p["context"]["name"] != "there" or p["to"] for p in mails)

    # Code-based feedback from the link.
    code = alice_mail["context"]["feedback_url"].rsplit("/", 1)[1]
    shown = await (await app_client.get(f"/api/v1/feedback/{code}")).json()
    assert shown["data"]["isUsed"] is False
    r = await app_client.post(f"/api/v1/feedback/{code}", headers=JSON, json={"rating": 4.5})
    assert r.status == 400  # an integer rating
    r = await app_client.post(f"/api/v1/feedback/{code}", headers=JSON, json={"rating": 5})
    assert r.status == 200
    r = await app_client.post(f"/api/v1/feedback/{code}", headers=JSON, json={"rating": 1})
    assert r.status == 429 and "Retry-After" in r.headers  # one attempt per code per minute
    assert (await app_client.get("/api/v1/feedback/nope")).status == 404

    # RFC 8058 one-click: a form POST to the List-Unsubscribe URL turns the setting off.
    link = alice_mail["headers"]["List-Unsubscribe"].strip("<>")
    path = urlsplit(link).path + "?" + urlsplit(link).query
    r = await app_client.post(
        path,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status == 200, await r.text()
    settings = await (await app_client.get("/api/v1/settings", headers=bearer(alice))).json()
    assert settings["data"]["wantToGetFeedbackMail"] is False
    r = await app_client.post(path.replace("token=", "token=x"))
    assert r.status == 400


async def test_coded_feedback_once_and_general_feedback(app_client, token):
    alice = token()
    await me(app_client, alice)
    job = app_client.server.app[CONTAINER].community.send_weekly_feedback
    await job()()
    [mail, *_] = [p for p in await outbox_payloads(app_client, "email.send")
                  if p["template"] == "weekly-feedback"]  # fmt: skip
    code = mail["context"]["feedback_url"].rsplit("/", 1)[1]
    r = await app_client.post(f"/api/v1/feedback/{code}", headers=JSON, json={"rating": 5})
    assert r.status == 200
    shown = await (await app_client.get(f"/api/v1/feedback/{code}")).json()
    assert shown["data"]["isUsed"] is True and shown["data"]["rating"] == 5
    r = await app_client.post(
        "/api/v1/feedback", headers={**bearer(alice), **JSON}, json={"rating": 3, "page": "/x"}
    )
    assert r.status == 201
    r = await app_client.post("/api/v1/feedback", headers=JSON, json={"rating": 3})
    assert r.status == 401


async def test_newsletter_double_opt_in_without_enumeration(app_client):
    address = f"reader-{uuid.uuid4().hex[:6]}@example.com"
    answers = []
    for email in (address, address, f"other-{uuid.uuid4().hex[:6]}@example.com"):
        r = await app_client.post(
            "/api/v1/newsletter/subscribe", headers=JSON, json={"email": email}
        )
        assert r.status == 202
        answers.append((await r.json())["data"])
    assert answers[0] == answers[1] == answers[2]
    r = await app_client.post(
        "/api/v1/newsletter/subscribe", headers=JSON, json={"email": "x@mailinator.com"}
    )
    assert r.status == 400
    mails = [p for p in await outbox_payloads(app_client, "email.send")
             if p["template"] == "newsletter-confirm" and p["to"] == address]  # fmt: skip
    assert len(mails) == 1 and "List-Unsubscribe" in mails[0]["headers"]
    confirm = token_of(mails[0]["context"]["confirm_url"])
    r = await app_client.get(f"/api/v1/newsletter/confirm?token={confirm}")
    assert (await r.json())["data"] == {"status": "SUBSCRIBED"}
    assert (await app_client.get("/api/v1/newsletter/confirm?token=forged.x")).status == 400
    # By address: the same answer for known and unknown; the owner is mailed the link.
    for email in (address, "nobody@example.com"):
        r = await app_client.post(
            "/api/v1/newsletter/unsubscribe", headers=JSON, json={"email": email}
        )
        assert r.status == 200
    unsubscribe = token_of(mails[0]["context"]["unsubscribe_url"])
    r = await app_client.post(
        f"/api/v1/newsletter/unsubscribe?token={unsubscribe}",
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status == 200
    r = await app_client.get(f"/api/v1/newsletter/unsubscribe?token={unsubscribe}")
    assert r.status == 200
    # A forged link, or one made for another purpose, gets the same answer (API.md: always 200).
    for forged in ("forged.x", confirm):  # not a link at all; a link for another purpose
        r = await app_client.get(f"/api/v1/newsletter/unsubscribe?token={forged}")
        assert r.status == 200
    # An old confirmation link does not undo the unsubscribe.
    r = await app_client.get(f"/api/v1/newsletter/confirm?token={confirm}")
    assert (await r.json())["data"] == {"status": "UNSUBSCRIBED"}


async def test_platform_invites_three_then_lockout(app_client, token):
    h = {**bearer(token(name="Inviter Ivy")), **JSON}
    r = await app_client.post("/api/v1/platform/invite", headers=h, json={"email": "a@yopmail.com"})
    assert r.status == 400
    for i in range(3):
        r = await app_client.post(
            "/api/v1/platform/invite", headers=h, json={"email": f"friend{i}@example.com"}
        )
        assert r.status == 202
    r = await app_client.post("/api/v1/platform/invite", headers=h, json={"email": "f@example.com"})
    assert r.status == 429
    assert 1700 <= int(r.headers["Retry-After"]) <= 1800
    mails = [p for p in await outbox_payloads(app_client, "email.send")
             if p["template"] == "platform-invite"]  # fmt: skip
    assert len(mails) == 3 and mails[0]["context"]["inviter_name"] == "Inviter Ivy"
    assert not await outbox_payloads(app_client, "newsletter.subscribe")


async def test_twenty_concurrent_stars_by_one_user_store_one(pg_client, token):
    owner, fan = token(), token()
    owner_id = await me(pg_client, owner)
    await me(pg_client, fan)
    results = await asyncio.gather(
        *(pg_client.post(f"/api/v1/stars/{owner_id}", headers=bearer(fan)) for _ in range(20))
    )
    assert sum(r.status == 200 for r in results) == 10  # 10/minute, the rest 429
    assert all(r.status in (200, 429) for r in results)
    status = await (
        await pg_client.get(f"/api/v1/stars/{owner_id}/status", headers=bearer(fan))
    ).json()
    assert status["data"]["starCount"] == 1
    notices = [p for p in await outbox_payloads(pg_client, "notification.create")
               if p["type"] == "STAR"]  # fmt: skip
    assert len(notices) == 1
