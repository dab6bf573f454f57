"""The ``SendEmail`` handler: render a template and send it, once per outbox message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.jobs.errors import PermanentJobFailure
from application.ports.messaging import EmailMessage, EmailSender, EmailTemplates
from application.ports.outbox_commands import MalformedCommand, SendEmail


class InvalidEmailPayload(PermanentJobFailure):
    """The outbox payload lacks ``to`` or ``template``, or ``context`` is not an object."""


def idempotency_key(message_id: str) -> str:
    """The provider's idempotency key for an outbox message: a retry never mails twice."""
    return f"outbox/{message_id}"


class SendEmailHandler:
    """Runs ``SendEmail`` commands.

    The provider dedupes on the outbox id (Resend's ``Idempotency-Key``; the dev adapter does the
    same), so a redelivered message does not send a second e-mail.
    """

    def __init__(self, templates: EmailTemplates, sender: EmailSender) -> None:
        self._templates = templates
        self._sender = sender

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        try:
            command = SendEmail.from_payload(payload)
        except MalformedCommand as exc:
            raise InvalidEmailPayload(f"{SendEmail.TOPIC} {message_id}: {exc}") from None
        await self.handle(message_id, command)

    async def handle(self, message_id: str, command: SendEmail) -> None:
        template = command.template
        rendered = self._templates.render(template, command.context)
        await self._sender.send(
            EmailMessage(
                to=command.to,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                idempotency_key=idempotency_key(message_id),
                tags={"template": template},
                headers=command.headers,
            )
        )
