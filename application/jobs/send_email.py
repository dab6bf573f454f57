"""The ``email.send`` handler: render a template and send it, once per outbox message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.jobs.errors import PermanentJobFailure
from application.ports.messaging import EmailMessage, EmailSender, EmailTemplates


class InvalidEmailPayload(PermanentJobFailure):
    """The outbox payload lacks ``to`` or ``template``, or ``context`` is not an object."""


def idempotency_key(message_id: str) -> str:
    """The provider's idempotency key for an outbox message: a retry never mails twice."""
    return f"outbox/{message_id}"


class SendEmail:
    """Payload ``{"to": str, "template": str, "context": {...}}``.

    The provider dedupes on the outbox id (Resend's ``Idempotency-Key``; the dev adapter does the
    same), so a redelivered message does not send a second e-mail.
    """

    def __init__(self, templates: EmailTemplates, sender: EmailSender) -> None:
        self._templates = templates
        self._sender = sender

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        to, template = payload.get("to"), payload.get("template")
        context = payload.get("context", {})
        if not isinstance(to, str) or not to or not isinstance(template, str) or not template:
            raise InvalidEmailPayload(f"email.send {message_id}: 'to' and 'template' are required")
        if not isinstance(context, Mapping):
            raise InvalidEmailPayload(f"email.send {message_id}: 'context' must be an object")
        rendered = self._templates.render(template, context)
        await self._sender.send(
            EmailMessage(
                to=to,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                idempotency_key=idempotency_key(message_id),
                tags={"template": template},
            )
        )
