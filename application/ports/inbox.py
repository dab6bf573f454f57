"""Received webhooks, stored before they are processed (deduplicated by the sender's id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.bounded_text import bounded_key


@dataclass(frozen=True)
class ReceivedWebhook:
    id: str
    source: str  # "clerk", "razorpay", "github"
    event_id: str  # the sender's delivery id (svix-id, X-Razorpay-Event-Id, ...)
    event_type: str
    body: str  # raw body as received (already signature-verified)
    received_at: datetime
    processed_at: datetime | None = None

    def __post_init__(self) -> None:
        # Senders choose their ids' length: a long id is hashed (never cut), so two deliveries
        # sharing a prefix stay two and a replay still finds the first.
        object.__setattr__(self, "event_id", bounded_key(self.event_id))


class WebhookInbox(Protocol):
    async def store(self, webhook: ReceivedWebhook) -> bool:
        """Store it; False when (source, event_id) was already stored (a replay)."""
        ...

    async def get(self, webhook_id: str) -> ReceivedWebhook | None: ...

    async def mark_processed(self, webhook_id: str, now: datetime) -> None: ...
