"""Inbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from adapters.memory.registry import REPOSITORIES, MemoryRepository
from application.ports.inbox import ReceivedWebhook


@REPOSITORIES.register("inbox")
class MemoryWebhookInbox(MemoryRepository):
    async def store(self, webhook: ReceivedWebhook) -> bool:
        if any(
            w.source == webhook.source and w.event_id == webhook.event_id
            for w in self._s.inbox.values()
        ):
            return False
        self._s.inbox[webhook.id] = webhook
        return True

    async def get(self, webhook_id: str) -> ReceivedWebhook | None:
        return self._s.inbox.get(webhook_id)

    async def mark_processed(self, webhook_id: str, now: datetime) -> None:
        self._s.inbox[webhook_id] = replace(self._s.inbox[webhook_id], processed_at=now)
