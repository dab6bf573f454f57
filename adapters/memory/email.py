"""An e-mail sender that keeps messages in memory (use-case tests)."""

from __future__ import annotations

from application.ports.messaging import EmailMessage
from domain.ids import new_id


class MemoryEmailSender:
    """Records sent messages; dedupes on ``idempotency_key`` like the real providers."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self._ids_by_key: dict[str, str] = {}

    async def send(self, message: EmailMessage) -> str:
        key = message.idempotency_key
        if key is not None and key in self._ids_by_key:
            return self._ids_by_key[key]
        message_id = new_id()
        self.sent.append(message)
        if key is not None:
            self._ids_by_key[key] = message_id
        return message_id
