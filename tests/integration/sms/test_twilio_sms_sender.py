from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from adapters.sms.twilio import TwilioConfig, TwilioSmsSender
from application.ports.messaging import MessageDeliveryFailed
from tests.fixtures.fake_twilio import FakeTwilio

FROM = "+15005550006"


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as fake:
        yield fake


def config_for(fake: FakeTwilio, **overrides: object) -> TwilioConfig:
    base = TwilioConfig(
        account_sid=fake.account_sid,
        auth_token=fake.auth_token,
        from_number=FROM,
        base_url=fake.base_url,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


async def test_sms_is_created_with_basic_auth_and_returns_the_message_sid(
    twilio: FakeTwilio,
) -> None:
    sender = TwilioSmsSender(config_for(twilio))
    sid = await sender.send_sms("+919876543210", "Your code is 123456")
    assert sid.startswith("SM") and len(sid) == 34
    assert twilio.messages == [
        {
            **twilio.messages[0],
            "sid": sid,
            "to": "+919876543210",
            "from": FROM,
            "body": "Your code is 123456",
        }
    ]
    assert twilio.calls == []


async def test_voice_call_carries_twiml_that_says_the_message(twilio: FakeTwilio) -> None:
    sender = TwilioSmsSender(config_for(twilio))
    sid = await sender.place_voice_call("+14155550123", "Your code is 1, 2, 3 & <done>")
    assert sid.startswith("CA")
    (call,) = twilio.calls
    assert call["to"] == "+14155550123" and call["from"] == FROM
    assert call["twiml"] == (
        '<Response><Say loop="2">Your code is 1, 2, 3 &amp; &lt;done&gt;</Say></Response>'
    )


async def test_wrong_credentials_are_a_delivery_failure(twilio: FakeTwilio) -> None:
    sender = TwilioSmsSender(config_for(twilio, auth_token="wrong"))
    with pytest.raises(MessageDeliveryFailed, match="20003"):
        await sender.send_sms("+919876543210", "Your code is 123456")
    assert twilio.messages == []


async def test_a_refused_number_is_a_delivery_failure_without_the_body(twilio: FakeTwilio) -> None:
    sender = TwilioSmsSender(config_for(twilio))
    with pytest.raises(MessageDeliveryFailed) as caught:
        await sender.send_sms("+15005550001", "Your code is 123456")
    assert "21211" in str(caught.value)
    assert "123456" not in str(caught.value)


async def test_a_provider_outage_is_a_delivery_failure(twilio: FakeTwilio) -> None:
    twilio.fail_with = (503, 20500, "Internal Server Error")
    sender = TwilioSmsSender(config_for(twilio))
    with pytest.raises(MessageDeliveryFailed, match="503"):
        await sender.place_voice_call("+919876543210", "code")


async def test_a_slow_provider_times_out_and_is_not_retried(twilio: FakeTwilio) -> None:
    twilio.delay_s = 1.0
    sender = TwilioSmsSender(config_for(twilio, timeout_s=0.2))
    with pytest.raises(MessageDeliveryFailed, match="unreachable"):
        await sender.send_sms("+919876543210", "code")


async def test_an_unreachable_provider_is_a_delivery_failure() -> None:
    config = TwilioConfig("AC" + "1" * 32, "token", FROM, base_url="http://127.0.0.1:9")
    sender = TwilioSmsSender(config)
    with pytest.raises(MessageDeliveryFailed, match="unreachable"):
        await sender.send_sms("+919876543210", "code")


async def test_an_injected_session_is_used_and_left_open(twilio: FakeTwilio) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        sender = TwilioSmsSender(config_for(twilio), session=session)
        await sender.send_sms("+919876543210", "one")
        await sender.place_voice_call("+919876543210", "two")
        assert not session.closed
    assert len(twilio.messages) == 1 and len(twilio.calls) == 1
