"""The email.send handler renders the template and sends it once per outbox message."""

from __future__ import annotations

import pytest

from adapters.email.errors import MissingTemplateVariable, UnknownEmailTemplate
from adapters.memory.email import MemoryEmailSender
from application.jobs.errors import PermanentJobFailure
from application.jobs.send_email import InvalidEmailPayload, SendEmailHandler
from entrypoints.containers import Container


@pytest.fixture
def send(memory_container: Container) -> SendEmailHandler:
    handler: SendEmailHandler = memory_container.jobs.send_email()
    return handler


def sent(container: Container) -> MemoryEmailSender:
    sender: MemoryEmailSender = container.infrastructure.email_sender()
    return sender


async def test_renders_and_sends_with_the_outbox_id_as_idempotency_key(
    memory_container: Container, send: SendEmailHandler
) -> None:
    await send(
        "msg-1", {"to": "asha@example.com", "template": "welcome", "context": {"name": "Asha"}}
    )
    [email] = sent(memory_container).sent
    assert email.to == "asha@example.com"
    assert email.subject == "Welcome to FairArena, Asha!"
    assert "Hi Asha," in email.text and "Hi Asha," in email.html
    assert email.idempotency_key == "outbox/msg-1"
    assert email.tags == {"template": "welcome"}


async def test_the_same_message_twice_sends_one_email(
    memory_container: Container, send: SendEmailHandler
) -> None:
    payload = {"to": "asha@example.com", "template": "welcome", "context": {"name": "Asha"}}
    await send("msg-2", payload)
    await send("msg-2", payload)
    assert len(sent(memory_container).sent) == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"template": "welcome", "context": {"name": "A"}},
        {"to": "a@example.com", "context": {"name": "A"}},
        {"to": "", "template": "welcome"},
        {"to": "a@example.com", "template": "welcome", "context": ["not", "an", "object"]},
    ],
)
async def test_a_malformed_payload_is_a_permanent_failure(
    send: SendEmailHandler, payload: dict[str, object]
) -> None:
    with pytest.raises(InvalidEmailPayload):
        await send("msg-3", payload)


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"to": "a@example.com", "template": "nope", "context": {}}, UnknownEmailTemplate),
        (
            {"to": "a@example.com", "template": "payment-success", "context": {"name": "A"}},
            MissingTemplateVariable,
        ),
    ],
)
async def test_template_mistakes_are_permanent_and_send_nothing(
    memory_container: Container,
    send: SendEmailHandler,
    payload: dict[str, object],
    error: type[Exception],
) -> None:
    with pytest.raises(error) as caught:
        await send("msg-4", payload)
    assert isinstance(caught.value, PermanentJobFailure)
    assert sent(memory_container).sent == []
