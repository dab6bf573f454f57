"""API.md "Credits economy": transfers and organization wallets, through the app on both
databases (the receiver's notification through the in-process worker)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.access.helpers import Actor, actor, join, make_org
from tests.e2e.credits.test_credits_routes import JSON, grant
from tests.e2e.jobs.test_welcome_flow import eventually, jobs_client  # noqa: F401 (fixture)


async def fund(client: Any, token: Any, who: Actor, amount: int) -> None:
    # ADJUSTMENT credits never expire, so they may be transferred.
    resp = await grant(client, token(admin=True), who.user_id, amount, "ADJUSTMENT")
    assert resp.status == 201, await resp.json()


async def post(
    who: Actor, path: str, body: dict[str, Any], key: str | None = None
) -> tuple[int, Any, Any]:
    headers = {**who.headers, **JSON, **({"Idempotency-Key": key} if key else {})}
    resp = await who.client.post(f"/api/v1{path}", json=body, headers=headers)
    return resp.status, await resp.json(), resp.headers


async def balance(who: Actor, path: str = "/credits/balance") -> dict[str, Any]:
    return await who.ok("GET", path)


async def test_user_to_user_transfer_moves_both_wallets_once(app_client, token):
    alice, bob = await actor(app_client, token), await actor(app_client, token)
    await fund(app_client, token, alice, 100)
    body = {"to": {"userId": bob.user_id}, "amount": 30, "note": "for lunch"}
    status, first, _ = await post(alice, "/credits/transfer", body, "t-1")
    assert status == 201, first
    assert first["data"]["balance"] == 70
    assert (await balance(alice))["balance"] == 70
    assert (await balance(bob))["balance"] == 30

    # Same key, same body: the first answer, replayed; nothing moves again.
    status, again, headers = await post(alice, "/credits/transfer", body, "t-1")
    assert status == 201 and again["data"] == first["data"]
    assert headers["Idempotent-Replayed"] == "true"
    assert (await balance(bob))["balance"] == 30
    # Same key, another body: 409.
    status, other, _ = await post(alice, "/credits/transfer", {**body, "amount": 31}, "t-1")
    assert status == 409 and other["error"]["code"] == "DUPLICATE_REQUEST"

    out = (await alice.ok("GET", "/credits/history?type=TRANSFER_OUT"))[0]
    into = (await bob.ok("GET", "/credits/history"))[0]
    assert (out["type"], out["amount"], out["balanceAfter"]) == ("TRANSFER_OUT", -30, 70)
    assert (into["type"], into["amount"], into["balanceAfter"]) == ("TRANSFER_IN", 30, 30)
    assert out["id"] == into["id"] == first["data"]["transactionId"]
    assert out["description"] == "for lunch"


async def test_transfer_refusals(app_client, token):
    alice, bob = await actor(app_client, token), await actor(app_client, token)
    await fund(app_client, token, alice, 10)
    to_bob = {"to": {"userId": bob.user_id}, "amount": 11}

    status, body, _ = await post(alice, "/credits/transfer", to_bob, "big")
    assert status == 402 and body["error"]["code"] == "INSUFFICIENT_CREDITS"
    assert body["error"]["details"]["required"] == 11
    status, body, _ = await post(alice, "/credits/transfer", to_bob)  # key required
    assert status == 400
    status, body, _ = await post(
        alice, "/credits/transfer", {"to": {"userId": alice.user_id}, "amount": 1}, "self"
    )
    assert status == 400 and body["error"]["code"] == "VALIDATION_ERROR"
    status, body, _ = await post(
        alice, "/credits/transfer", {"to": {"userId": "nobody"}, "amount": 1}, "ghost"
    )
    assert status == 404
    status, body, _ = await post(
        alice,
        "/credits/transfer",
        {"to": {"userId": bob.user_id, "organizationId": "x"}, "amount": 1},
        "both",
    )
    assert status == 400
    status, body, _ = await post(
        alice, "/credits/transfer", {**to_bob, "amount": 1, "note": "x" * 201}, "long"
    )
    assert status == 400
    assert (await balance(alice))["balance"] == 10 and (await balance(bob))["balance"] == 0


async def test_members_fund_the_organization_which_pays_members(app_client, token):
    owner, member, outsider = [await actor(app_client, token) for _ in range(3)]
    org = await make_org(owner, f"eco-{uuid.uuid4().hex[:8]}", joinEnabled=True)
    await join(member, org["id"])
    await fund(app_client, token, member, 50)
    await fund(app_client, token, outsider, 50)
    wallet = f"/organization/{org['id']}/credits"

    status, body, _ = await post(
        member, "/credits/transfer", {"to": {"organizationId": org["id"]}, "amount": 40}, "in"
    )
    assert status == 201 and body["data"]["balance"] == 10, body
    status, body, _ = await post(
        outsider, "/credits/transfer", {"to": {"organizationId": org["id"]}, "amount": 1}, "x"
    )
    assert status == 403 and body["error"]["code"] == "FORBIDDEN"

    assert await balance(owner, wallet) == {"balance": 40, "held": 0, "available": 40}
    # org:billing:manage only: a plain member may not see or move the organization's wallet.
    assert (await member.call("GET", wallet))[0] == 403
    status, _, _ = await post(member, f"{wallet}/spend", {"amount": 1, "purpose": "p"}, "s")
    assert status == 403

    status, body, _ = await post(owner, f"{wallet}/spend", {"amount": 5, "purpose": "gpu"}, "s1")
    assert status == 201 and body["data"]["balance"] == 35
    status, again, headers = await post(
        owner, f"{wallet}/spend", {"amount": 5, "purpose": "gpu"}, "s1"
    )
    assert status == 201 and again["data"] == body["data"]
    assert headers["Idempotent-Replayed"] == "true"
    status, body, _ = await post(owner, f"{wallet}/spend", {"amount": 36, "purpose": "p"}, "s2")
    assert status == 402

    pay = {"to": {"userId": member.user_id}, "amount": 15, "note": "prize"}
    status, body, _ = await post(owner, f"{wallet}/transfer", pay, "pay-1")
    assert status == 201 and body["data"]["balance"] == 20
    assert (await balance(member))["balance"] == 25
    status, body, _ = await post(
        owner, f"{wallet}/transfer", {**pay, "to": {"userId": outsider.user_id}}, "pay-2"
    )
    assert status == 404  # only to its members

    history = await owner.ok("GET", f"{wallet}/history")
    assert [(e["type"], e["amount"], e["balanceAfter"]) for e in history] == [
        ("TRANSFER_OUT", -15, 20),
        ("DEDUCTION", -5, 35),
        ("TRANSFER_IN", 40, 40),
    ]
    audit = await owner.ok("GET", f"/organization/{org['id']}/audit")
    assert [e["action"] for e in audit][:3] == [
        "credits.transferred",
        "credits.spent",
        "credits.transferred",
    ]

    # A deleted organization keeps its wallet (the ledger keeps every entry) but nothing moves.
    assert (await owner.call("DELETE", f"/organization/{org['id']}"))[0] in (200, 204)
    status, _, _ = await post(owner, f"{wallet}/spend", {"amount": 1, "purpose": "p"}, "s3")
    assert status == 404
    status, _, _ = await post(
        member, "/credits/transfer", {"to": {"organizationId": org["id"]}, "amount": 1}, "in2"
    )
    assert status == 404
    assert (await owner.call("GET", wallet))[0] == 404


async def test_the_receiver_is_notified(jobs_client, token):  # noqa: F811
    alice, bob = await actor(jobs_client, token), await actor(jobs_client, token)
    await fund(jobs_client, token, alice, 5)
    status, body, _ = await post(
        alice, "/credits/transfer", {"to": {"userId": bob.user_id}, "amount": 5}, "gift"
    )
    assert status == 201

    async def received() -> list[dict[str, Any]]:
        items = await bob.ok("GET", "/notifications")
        return [n for n in items if n["title"] == "Credits received"]

    (notice,) = await eventually(received)
    assert "5 credits" in notice["message"]
    assert notice["metadata"]["transactionId"] == body["data"]["transactionId"]
