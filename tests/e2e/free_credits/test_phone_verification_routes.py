"""Phone verification over HTTP on PostgreSQL and SQLite, codes read from the dev SMS outbox."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from adapters.sms.dev_outbox import read_outbox
from tests.conftest import bearer

NUMBER = "+919876543210"
Client = TestClient[Any, Any]


def last_code(tmp_path: Path, to: str = NUMBER) -> str:
    messages = [m for m in read_outbox(tmp_path / "var" / "outbox") if m["to"] == to]
    return "".join(ch for ch in messages[-1]["body"] if ch.isdigit())[:6]


async def post(client: Client, path: str, token: str, body: object) -> tuple[int, Any, Any]:
    response = await client.post(f"/api/v1/credits/{path}", json=body, headers=bearer(token))
    return response.status, await response.json(), response.headers


async def eligibility(client: Client, token: str) -> dict[str, bool]:
    response = await client.get("/api/v1/credits/eligibility", headers=bearer(token))
    assert response.status == 200
    data: dict[str, bool] = (await response.json())["data"]
    return data


async def test_send_read_the_outbox_verify(
    app_client: Client, token: Callable[..., str], tmp_path: Path
) -> None:
    alice = token()
    assert await eligibility(app_client, alice) == {
        "canClaimFreeCredits": False,
        "hasClaimedFreeCredits": False,
        "phoneVerified": False,
        "hasPhoneNumber": False,
    }
    status, body, _ = await post(app_client, "send-otp", alice, {"phoneNumber": NUMBER})
    assert (status, body) == (
        200,
        {"success": True, "data": {"expiresIn": 300, "resendAfter": 120}},
    )
    code = last_code(tmp_path)
    status, body, _ = await post(app_client, "verify-otp", alice, {"otp": code})
    assert (status, body["data"]) == (200, {"phoneVerified": True})
    assert await eligibility(app_client, alice) == {
        "canClaimFreeCredits": True,
        "hasClaimedFreeCredits": False,
        "phoneVerified": True,
        "hasPhoneNumber": True,
    }


async def test_voice_code_verifies_on_the_voice_route_only(
    app_client: Client, token: Callable[..., str], tmp_path: Path
) -> None:
    alice = token()
    status, _, _ = await post(app_client, "send-voice-otp", alice, {"phoneNumber": NUMBER})
    assert status == 200
    (call,) = read_outbox(tmp_path / "var" / "outbox")
    assert call["channel"] == "voice"
    code = last_code(tmp_path)
    status, body, _ = await post(app_client, "verify-otp", alice, {"otp": code})
    assert status == 400 and body["error"]["details"][0]["reason"] == "no_active_code"
    status, _, _ = await post(app_client, "verify-voice-otp", alice, {"otp": code})
    assert status == 200


async def test_brute_force_burns_the_code(
    app_client: Client, token: Callable[..., str], tmp_path: Path
) -> None:
    alice = token()
    await post(app_client, "send-otp", alice, {"phoneNumber": NUMBER})
    code = last_code(tmp_path)
    outcomes = []
    for i in range(1, 6):
        guess = f"{(int(code) + i) % 1_000_000:06d}"
        status, body, _ = await post(app_client, "verify-otp", alice, {"otp": guess})
        assert status == 400 and body["error"]["code"] == "VALIDATION_ERROR"
        outcomes.append(body["error"]["details"][0]["reason"])
    assert outcomes == ["incorrect"] * 4 + ["burned"]
    status, body, _ = await post(app_client, "verify-otp", alice, {"otp": code})
    assert status == 400 and body["error"]["details"][0]["reason"] == "no_active_code"
    assert not (await eligibility(app_client, alice))["phoneVerified"]


async def test_another_users_number_is_a_conflict(
    app_client: Client, token: Callable[..., str], tmp_path: Path
) -> None:
    alice, bob = token(), token()
    await post(app_client, "send-otp", alice, {"phoneNumber": NUMBER})
    # Being verified by alice: locked for bob.
    status, body, _ = await post(app_client, "send-otp", bob, {"phoneNumber": NUMBER})
    assert (status, body["error"]["code"]) == (409, "CONFLICT")
    await post(app_client, "verify-otp", alice, {"otp": last_code(tmp_path)})
    # Verified by alice: taken for bob, on either channel.
    status, body, _ = await post(app_client, "send-voice-otp", bob, {"phoneNumber": NUMBER})
    assert (status, body["error"]["code"]) == (409, "CONFLICT")
    assert "another account" in body["error"]["message"]


async def test_resend_spacing_answers_429_with_retry_after(
    app_client: Client, token: Callable[..., str]
) -> None:
    alice = token()
    status, _, _ = await post(app_client, "send-otp", alice, {"phoneNumber": NUMBER})
    assert status == 200
    status, body, headers = await post(app_client, "send-otp", alice, {"phoneNumber": NUMBER})
    assert (status, body["error"]["code"]) == (429, "RATE_LIMITED")
    assert 1 <= int(headers["Retry-After"]) <= 120
    assert body["error"]["details"]["retryAfter"] == int(headers["Retry-After"])


async def test_bad_input_is_a_validation_error(
    app_client: Client, token: Callable[..., str]
) -> None:
    alice = token()
    for bad in ({"phoneNumber": "9876543210"}, {"phoneNumber": "+1234"}, {}, {"phone": NUMBER}):
        status, body, _ = await post(app_client, "send-otp", alice, bad)
        assert (status, body["error"]["code"]) == (400, "VALIDATION_ERROR"), bad
    for bad_otp in ({"otp": "12345"}, {"otp": 123456}, {"otp": "12a456"}):
        status, body, _ = await post(app_client, "verify-otp", alice, bad_otp)
        assert (status, body["error"]["code"]) == (400, "VALIDATION_ERROR"), bad_otp


async def test_routes_need_a_signed_in_caller(app_client: Client) -> None:
    response = await app_client.post("/api/v1/credits/send-otp", json={"phoneNumber": NUMBER})
    assert response.status == 401
    response = await app_client.get("/api/v1/credits/eligibility")
    assert response.status == 401
