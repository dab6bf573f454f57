"""SMS_PROVIDER=twilio end to end: the app talks to a local fake Twilio over HTTP."""

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer
from tests.fixtures.fake_twilio import FakeTwilio

NUMBER = "+919876543210"


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as fake:
        yield fake


@pytest.fixture
async def client(
    test_settings: Callable[..., Settings], sqlite_url: str, twilio: FakeTwilio
) -> AsyncIterator[TestClient[Any, Any]]:
    settings = test_settings(
        database_url=sqlite_url,
        sms_provider="twilio",
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_from="+15005550006",
        twilio_base_url=twilio.base_url,
    )
    test_client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(Container(config=settings)))
    )
    await test_client.start_server()
    yield test_client
    await test_client.close()


async def test_sms_and_voice_codes_go_through_twilio(
    client: TestClient[Any, Any], twilio: FakeTwilio, token: Callable[..., str]
) -> None:
    alice = bearer(token())
    response = await client.post(
        "/api/v1/credits/send-otp", json={"phoneNumber": NUMBER}, headers=alice
    )
    assert response.status == 200
    (message,) = twilio.messages
    assert message["to"] == NUMBER and message["from"] == "+15005550006"
    sms_code = message["body"][:6]
    response = await client.post(
        "/api/v1/credits/send-voice-otp", json={"phoneNumber": NUMBER}, headers=alice
    )
    assert response.status == 200
    (call,) = twilio.calls
    said = re.search(r"<Say[^>]*>(.*)</Say>", call["twiml"])
    assert said is not None
    voice_code = "".join(ch for ch in said.group(1) if ch.isdigit())
    assert len(voice_code) == 6 and ", ".join(voice_code) in said.group(1)
    response = await client.post(
        "/api/v1/credits/verify-voice-otp", json={"otp": voice_code}, headers=alice
    )
    assert response.status == 200
    # Verified: the SMS code is moot now.
    response = await client.post(
        "/api/v1/credits/verify-otp", json={"otp": sms_code}, headers=alice
    )
    assert response.status == 409


async def test_a_twilio_refusal_is_503_and_costs_no_quota(
    client: TestClient[Any, Any], twilio: FakeTwilio, token: Callable[..., str]
) -> None:
    alice = bearer(token())
    twilio.fail_with = (400, 21211, f"The 'To' number {NUMBER} is not a valid phone number.")
    response = await client.post(
        "/api/v1/credits/send-otp", json={"phoneNumber": NUMBER}, headers=alice
    )
    body = await response.json()
    assert (response.status, body["error"]["code"]) == (503, "SERVICE_UNAVAILABLE")
    # No spacing wait and no lock left behind: the retry goes straight through.
    response = await client.post(
        "/api/v1/credits/send-otp", json={"phoneNumber": NUMBER}, headers=alice
    )
    assert response.status == 200
    assert len(twilio.messages) == 1
