"""The first step of every provider webhook, written once: store the verified delivery in the
inbox (unique per sender and delivery id) and queue its processing through the outbox, in one
transaction. A replayed delivery id stores nothing and queues nothing (the call answers False).

Each provider names its inbox ``source`` and the ``InboxCommand`` its job runs
(``ReceiveProviderWebhook`` for Clerk, ``ReceiveGithubWebhook`` for GitHub, ``RazorpayIntake``
behind ``ReceiveRazorpayWebhook``).
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from application.ports.clock import Clock
from application.ports.inbox import ReceivedWebhook, WebhookInbox
from application.ports.outbox import Outbox
from application.ports.outbox_commands import InboxCommand
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.ids import new_id

MAX_EVENT_TYPE_LENGTH = 100


class WebhookIntakeUnitOfWork(UnitOfWork, Protocol):
    inbox: WebhookInbox
    outbox: Outbox


class ReceiveWebhook:
    """Store a verified delivery and queue its processing; ``False`` for a replayed delivery id."""

    source: ClassVar[str]
    command: ClassVar[type[InboxCommand]]

    def __init__(self, uow: UnitOfWorkFactory[WebhookIntakeUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, *, delivery_id: str, event_type: str | None, body: str) -> bool:
        webhook = ReceivedWebhook(
            id=new_id(),
            source=self.source,
            event_id=delivery_id,
            event_type=(event_type or "unknown")[:MAX_EVENT_TYPE_LENGTH],
            body=body,
            received_at=self._clock.now(),
        )
        async with self._uow() as uow:
            if not await uow.inbox.store(webhook):
                return False
            await uow.outbox.add(self.command(webhook.id, dedupe_key=self.dedupe_key(delivery_id)))
            await uow.commit()
        return True

    def dedupe_key(self, delivery_id: str) -> str:
        """The outbox row's identity for the delivery's job."""
        return f"webhook:{self.source}:{delivery_id}"
