"""The ``SendEmail`` handler: render a template and send it, once per outbox message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from application.invitations.code_sealer import CodeSealer, SealBroken
from application.jobs.errors import PermanentJobFailure
from application.ports.messaging import EmailMessage, EmailSender, EmailTemplates
from application.ports.outbox_commands import MalformedCommand, SendEmail, sealed_binding


class InvalidEmailPayload(PermanentJobFailure):
    """The outbox payload lacks ``to`` or ``template``, or ``context`` is not an object."""


def idempotency_key(message_id: str) -> str:
    """The provider's idempotency key for an outbox message: a retry never mails twice."""
    return f"outbox/{message_id}"


@dataclass(frozen=True, eq=False)
class SendEmailHandler:
    """Runs ``SendEmail`` commands.

    The provider dedupes on the outbox id (Resend's ``Idempotency-Key``; the dev adapter does the
    same), so a redelivered message does not send a second e-mail.
    """

    templates: EmailTemplates
    sender: EmailSender
    sealer: CodeSealer | None = None

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        try:
            command = SendEmail.from_payload(payload)
        except MalformedCommand as exc:
            raise InvalidEmailPayload(f"{SendEmail.TOPIC} {message_id}: {exc}") from None
        await self.handle(message_id, command)

    async def handle(self, message_id: str, command: SendEmail) -> None:
        template = command.template
        rendered = self.templates.render(template, self._context(command))
        await self.sender.send(
            EmailMessage.rendered(
                command.to,
                template,
                rendered,
                idempotency_key=idempotency_key(message_id),
                headers=command.headers,
            )
        )

    def _context(self, command: SendEmail) -> Mapping[str, Any]:
        if not command.sealed:
            return command.context
        if self.sealer is None:
            raise InvalidEmailPayload(f"{command.template}: sealed values but no sealer")
        binding = sealed_binding(command.to, command.template)
        try:
            opened = {
                name: self.sealer.unseal(value, bound_to=binding)
                for name, value in command.sealed.items()
            }
        except SealBroken as exc:
            raise InvalidEmailPayload(f"{command.template}: {exc}") from None
        return {**command.context, **opened}
