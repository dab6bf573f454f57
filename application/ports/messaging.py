"""Ports for outgoing e-mail and SMS/voice messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str
    # Providers that support it (Resend) dedupe on this key, so a retried job never mails twice.
    idempotency_key: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    # Extra mail headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def rendered(
        cls,
        to: str,
        template: str,
        email: RenderedEmail,
        *,
        idempotency_key: str,
        headers: Mapping[str, str] | None = None,
    ) -> EmailMessage:
        """``email`` (``template`` rendered) to ``to``, tagged with the template's name."""
        return cls(
            to=to,
            subject=email.subject,
            text=email.text,
            html=email.html,
            idempotency_key=idempotency_key,
            tags={"template": template},
            headers=headers or {},
        )


class EmailSender(Protocol):
    """Delivers one e-mail; returns the provider's message id. Raises on failure (jobs retry)."""

    async def send(self, message: EmailMessage) -> str: ...


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class EmailTemplates(Protocol):
    """Renders a named template (plain-text and HTML parts) with a context."""

    def render(self, template: str, context: Mapping[str, object]) -> RenderedEmail: ...


class MessageDeliveryFailed(Exception):
    """The provider refused the message or did not answer in time; nothing is known to be sent."""


class SmsSender(Protocol):
    """Delivers a text message or a voice call that reads a message out.

    Both return the provider's id for the message/call and raise ``MessageDeliveryFailed`` when the
    provider refuses or cannot be reached. Implementations never log the body: it carries codes.
    """

    async def send_sms(self, to: str, body: str) -> str: ...

    async def place_voice_call(self, to: str, message: str) -> str: ...
