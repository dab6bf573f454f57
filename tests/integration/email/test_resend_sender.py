"""The Resend adapter against a local fake that speaks Resend's protocol."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.email.errors import EmailDeliveryFailed, EmailRejected
from adapters.email.resend_sender import ResendEmailSender
from application.jobs.errors import PermanentJobFailure, TransientJobFailure
from application.ports.messaging import EmailMessage
from tests.fixtures.fake_resend import FakeResend

SENDER = "FairArena <no-reply@fairarena.example>"


@pytest.fixture
async def resend() -> AsyncIterator[FakeResend]:
    fake = FakeResend(api_key="re_good")
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def sender(resend: FakeResend) -> AsyncIterator[ResendEmailSender]:
    adapter = ResendEmailSender(
        api_key="re_good",
        sender=SENDER,
        base_url=resend.url,
        timeout=aiohttp.ClientTimeout(total=2),
    )
    yield adapter
    await adapter.close()


def message(key: str | None = "outbox/1", subject: str = "Welcome") -> EmailMessage:
    return EmailMessage(
        to="asha@example.com",
        subject=subject,
        text="Hi\n",
        html="<p>Hi</p>",
        idempotency_key=key,
        tags={"template": "payment-success", "kind": "a.b"},
    )


async def test_send_posts_the_message_and_returns_resends_id(
    resend: FakeResend, sender: ResendEmailSender
) -> None:
    email_id = await sender.send(message())
    [sent] = resend.sent
    assert sent["id"] == email_id
    assert sent["from"] == SENDER and sent["to"] == ["asha@example.com"]
    assert sent["subject"] == "Welcome" and sent["text"] == "Hi\n"
    assert sent["html"] == "<p>Hi</p>"
    # Tag values may hold only letters, digits, _ and -: the rest is replaced.
    assert sent["tags"] == [
        {"name": "template", "value": "payment-success"},
        {"name": "kind", "value": "a_b"},
    ]
    headers = resend.requests[0]["headers"]
    assert headers["Authorization"] == "Bearer re_good"
    assert headers["Idempotency-Key"] == "outbox/1"
    assert headers["Content-Type"].startswith("application/json")


async def test_a_retried_send_with_the_same_key_delivers_once(
    resend: FakeResend, sender: ResendEmailSender
) -> None:
    first = await sender.send(message("outbox/7"))
    second = await sender.send(message("outbox/7"))
    assert first == second
    assert len(resend.sent) == 1 and len(resend.requests) == 2


async def test_no_key_means_no_header(resend: FakeResend, sender: ResendEmailSender) -> None:
    await sender.send(message(key=None))
    assert "Idempotency-Key" not in resend.requests[0]["headers"]


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (429, "rate_limit_exceeded"),
        (429, "daily_quota_exceeded"),
        (500, "internal_server_error"),
        (503, "application_error"),
        (409, "concurrent_idempotent_requests"),
    ],
)
async def test_transient_answers_raise_a_retryable_error(
    resend: FakeResend, sender: ResendEmailSender, status: int, name: str
) -> None:
    resend.fail_next(status, name, headers={"Retry-After": "3"})
    with pytest.raises(EmailDeliveryFailed) as caught:
        await sender.send(message())
    assert isinstance(caught.value, TransientJobFailure)
    assert caught.value.status == status and caught.value.retry_after == 3.0
    assert resend.sent == []
    await sender.send(message())  # the retry goes through
    assert len(resend.sent) == 1


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (400, "validation_error"),
        (422, "invalid_from_address"),
        (404, "not_found"),
        (409, "invalid_idempotent_request"),
        (451, "security_error"),
    ],
)
async def test_other_client_errors_are_permanent(
    resend: FakeResend, sender: ResendEmailSender, status: int, name: str
) -> None:
    resend.fail_next(status, name)
    with pytest.raises(EmailRejected) as caught:
        await sender.send(message())
    assert isinstance(caught.value, PermanentJobFailure)
    assert caught.value.status == status and caught.value.name == name


async def test_a_wrong_api_key_is_permanent(resend: FakeResend) -> None:
    adapter = ResendEmailSender(api_key="re_bad", sender=SENDER, base_url=resend.url)
    try:
        with pytest.raises(EmailRejected) as caught:
            await adapter.send(message())
    finally:
        await adapter.close()
    assert caught.value.status == 403 and caught.value.name == "invalid_api_key"


async def test_a_bad_sender_address_is_rejected_by_the_provider(resend: FakeResend) -> None:
    adapter = ResendEmailSender(api_key="re_good", sender="not an address", base_url=resend.url)
    try:
        with pytest.raises(EmailRejected, match="invalid_from_address"):
            await adapter.send(message())
    finally:
        await adapter.close()


async def test_same_key_with_another_body_is_a_permanent_conflict(
    resend: FakeResend, sender: ResendEmailSender
) -> None:
    await sender.send(message("outbox/9", subject="One"))
    with pytest.raises(EmailRejected) as caught:
        await sender.send(message("outbox/9", subject="Two"))
    assert caught.value.status == 409


async def test_a_slow_provider_times_out_as_retryable(resend: FakeResend) -> None:
    resend.delay = 1.0
    adapter = ResendEmailSender(
        api_key="re_good",
        sender=SENDER,
        base_url=resend.url,
        timeout=aiohttp.ClientTimeout(total=0.2),
    )
    try:
        with pytest.raises(EmailDeliveryFailed, match="Timeout"):
            await adapter.send(message())
    finally:
        await adapter.close()


async def test_an_unreachable_provider_is_retryable() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = ResendEmailSender(
        api_key="re_good", sender=SENDER, base_url=f"http://127.0.0.1:{port}"
    )
    try:
        with pytest.raises(EmailDeliveryFailed, match="unreachable"):
            await adapter.send(message())
    finally:
        await adapter.close()


async def test_a_success_without_an_id_is_retryable(
    resend: FakeResend, sender: ResendEmailSender
) -> None:
    resend.fail_next(200, "weird")  # 200 with an error body instead of {"id": ...}
    with pytest.raises(EmailDeliveryFailed):
        await sender.send(message())


async def test_the_body_is_json_resend_can_parse(
    resend: FakeResend, sender: ResendEmailSender
) -> None:
    await sender.send(message())
    body = json.loads(resend.requests[0]["body"])
    assert set(body) == {"from", "to", "subject", "html", "text", "tags"}
