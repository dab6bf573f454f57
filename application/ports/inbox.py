"""Received webhooks, stored before they are processed (deduplicated by the sender's id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class ReceivedWebhook:
    id: str
    source: str  # "clerk", "razorpay", "github"
    event_id: str  # the sender's delivery id (svix-id, X-Razorpay-Event-Id, ...)
    event_type: str
    body: str  # raw body as received (already signature-verified)
    received_at: datetime
    processed_at: datetime | None = None


class WebhookInbox(Protocol):
    async def store(self, webhook: ReceivedWebhook) -> bool:
        """Store it; False when (source, event_id) was already stored (a replay)."""
        ...

    async def get(self, webhook_id: str) -> ReceivedWebhook | None: ...

    async def mark_processed(self, webhook_id: str, now: datetime) -> None: ...
