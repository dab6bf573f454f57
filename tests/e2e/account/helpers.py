"""Helpers for the account e2e tests: reading a step-up code the way the e-mail job does (unsealed
from its outbox message), verifying, and running jobs the app would run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from application.ports.outbox_commands import sealed_binding
from domain.account.step_up import DEFAULT_POLICY
from tests.e2e.access.helpers import Actor
from tests.e2e.invitations.helpers import container_of

BASE = "/account-settings"


async def queued(client: Any, topic: str) -> list[Any]:
    container = container_of(client)
    async with container.infrastructure.uow()() as uow:
        pending = await uow.outbox.claim_pending(10_000, datetime.now(UTC))
    return [m for m in pending if m.topic == topic]


async def latest_code(client: Any, email: str) -> str:
    sealer = container_of(client).core.code_sealer()
    template = "account-verification-code"
    codes = [
        m
        for m in await queued(client, "email.send")
        if m.payload["template"] == template and m.payload["to"] == email
    ]
    assert codes, f"no verification code queued for {email}"
    sealed = codes[-1].payload["sealed"]["code"]
    return str(sealer.unseal(sealed, bound_to=sealed_binding(email, template)))


async def step_up(actor: Actor, email: str, *, after_cooldown: bool = False) -> str:
    """Send a code, read it, verify it: the verification token. ``after_cooldown``: as if the
    60-second cooldown since the last code had passed (the limiter's window is cleared)."""
    if after_cooldown:
        limiter = container_of(actor.client).infrastructure.attempt_limiter()
        await limiter.clear(DEFAULT_POLICY.cooldown, actor.user_id)
    await actor.ok("POST", f"{BASE}/send-otp")
    code = await latest_code(actor.client, email)
    data = await actor.ok("POST", f"{BASE}/verify-otp", {"otp": code})
    return str(data["verificationToken"])


async def call(
    actor: Actor, method: str, path: str, token: str | None = None, json: Any = None
) -> tuple[int, Any, Any]:
    headers = dict(actor.headers)
    if token is not None:
        headers["X-Verification-Token"] = token
    resp = await actor.client.request(method, f"/api/v1{path}", json=json, headers=headers)
    body = await resp.json() if resp.content_type == "application/json" else await resp.read()
    return resp.status, body, resp
