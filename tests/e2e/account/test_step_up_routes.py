"""Step-up verification over HTTP: codes, cooldown, lockout, the token and where it is required."""

from __future__ import annotations

import asyncio
from typing import Any

from application.pagination import PageRequest
from tests.conftest import bearer
from tests.e2e.account.helpers import BASE, call, latest_code, queued, step_up
from tests.e2e.invitations.helpers import container_of, person

SENSITIVE = [
    ("GET", f"{BASE}/logs"),
    ("POST", f"{BASE}/export-data"),
    ("DELETE", f"{BASE}/account"),
]


async def test_sensitive_routes_need_the_step_up(app_client: Any, token: Any) -> None:
    ada = await person(app_client, token, "ada@example.com")
    for method, path in SENSITIVE:
        status, body, _ = await call(ada, method, path)
        assert status == 403 and body["error"]["code"] == "VERIFICATION_REQUIRED", path
        status, body, _ = await call(ada, method, path, token="forged.123.abc")
        assert status == 403 and body["error"]["code"] == "VERIFICATION_REQUIRED", path
    assert await ada.ok("GET", f"{BASE}/status") == {"verified": False, "expiresAt": None}


async def test_a_code_opens_the_sensitive_routes_by_header_or_cookie(
    app_client: Any, token: Any
) -> None:
    ada = await person(app_client, token, "ada@example.com")
    sent = await ada.ok("POST", f"{BASE}/send-otp")
    assert sent["sent"] is True
    [email] = [
        m
        for m in await queued(app_client, "email.send")
        if m.payload["template"] == "account-verification-code"
    ]
    assert "code" not in email.payload["context"]  # only sealed in the outbox
    code = await latest_code(app_client, "ada@example.com")
    resp = await app_client.post(
        f"/api/v1{BASE}/verify-otp", json={"otp": code}, headers=ada.headers
    )
    assert resp.status == 200
    data = (await resp.json())["data"]
    assert data["expiresIn"] == 900 and data["verificationToken"]
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    # By header.
    status, body, _ = await call(ada, "GET", f"{BASE}/logs", token=data["verificationToken"])
    assert status == 200
    actions = [e["action"] for e in body["data"]]
    assert actions[:2] == ["verification.succeeded", "verification.code_sent"]
    assert body["data"][0]["ip"] and body["data"][0]["userAgent"]
    # By cookie (the session cookie rides along, as a browser sends it).
    resp = await app_client.get(
        f"/api/v1{BASE}/status",
        headers=ada.headers,
        cookies={"account-settings-token": data["verificationToken"]},
    )
    assert (await resp.json())["data"]["verified"] is True
    # The code is single-use.
    status, body, _ = await call(ada, "POST", f"{BASE}/verify-otp", json={"otp": code})
    assert status == 400 and body["error"]["details"][0]["reason"] == "no_active_code"


async def test_the_token_is_bound_to_its_user(app_client: Any, token: Any) -> None:
    ada = await person(app_client, token, "ada@example.com")
    bob = await person(app_client, token, "bob@example.com")
    ada_token = await step_up(ada, "ada@example.com")
    status, body, _ = await call(bob, "GET", f"{BASE}/logs", token=ada_token)
    assert status == 403 and body["error"]["code"] == "VERIFICATION_REQUIRED"


async def test_cooldown_answers_429_with_retry_after(app_client: Any, token: Any) -> None:
    ada = await person(app_client, token, "ada@example.com")
    await ada.ok("POST", f"{BASE}/send-otp")
    status, body, resp = await call(ada, "POST", f"{BASE}/send-otp")
    assert status == 429 and body["error"]["code"] == "RATE_LIMITED"
    assert 50 <= int(resp.headers["Retry-After"]) <= 60


async def test_five_wrong_codes_lock_verification(app_client: Any, token: Any) -> None:
    ada = await person(app_client, token, "ada@example.com")
    await ada.ok("POST", f"{BASE}/send-otp")
    code = await latest_code(app_client, "ada@example.com")
    wrong = "000000" if code != "000000" else "111111"
    remaining = []
    for _ in range(4):
        status, body, _ = await call(ada, "POST", f"{BASE}/verify-otp", json={"otp": wrong})
        assert status == 400
        remaining.append(body["error"]["details"][0]["attemptsRemaining"])
    assert remaining == [4, 3, 2, 1]
    status, body, resp = await call(ada, "POST", f"{BASE}/verify-otp", json={"otp": wrong})
    assert status == 429 and 1700 <= int(resp.headers["Retry-After"]) <= 1800
    # Locked: even the right code is refused now (and it was burned with the lockout).
    status, body, _ = await call(ada, "POST", f"{BASE}/verify-otp", json={"otp": code})
    assert status == 429


async def test_concurrent_guesses_never_exceed_five_comparisons(pg_client: Any, token: Any) -> None:
    ada = await person(pg_client, token, "ada@example.com")
    await ada.ok("POST", f"{BASE}/send-otp")
    code = await latest_code(pg_client, "ada@example.com")
    wrong = [f"{(int(code) + i) % 1_000_000:06d}" for i in range(1, 31)]
    results = await asyncio.gather(
        *(
            pg_client.post(
                f"/api/v1{BASE}/verify-otp", json={"otp": guess}, headers=bearer(ada.token)
            )
            for guess in wrong
        )
    )
    statuses = sorted(r.status for r in results)
    assert set(statuses) <= {400, 429} and statuses.count(400) <= 4, statuses
    # Only five guesses were compared (each compared guess is logged); then the lockout holds.
    container = container_of(pg_client)
    async with container.infrastructure.uow()() as uow:
        page = await uow.activity.list_for_user(ada.user_id, PageRequest(limit=100))
    compared = [
        e for e in page.items if e.action.startswith("verification.") and "code" not in e.action
    ]
    assert len(compared) == 5, [e.action for e in compared]
    resp = await pg_client.post(
        f"/api/v1{BASE}/verify-otp", json={"otp": code}, headers=bearer(ada.token)
    )
    assert resp.status == 429


async def test_a_malformed_code_is_a_400_not_a_500(app_client: Any, token: Any) -> None:
    ada = await person(app_client, token, "ada@example.com")
    status, body, _ = await call(ada, "POST", f"{BASE}/verify-otp", json={"otp": ""})
    assert status == 400 and body["error"]["code"] == "VALIDATION_ERROR"
    status, body, _ = await call(ada, "POST", f"{BASE}/verify-otp", json={"otp": "x" * 50})
    assert status == 400
