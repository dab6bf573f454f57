"""Razorpay webhooks: verified and stored on receipt (answered fast), processed by a job.

The stored event is only a hint: the job re-fetches the order from the gateway and hands the
facts to the settlement, so repeated, late and out-of-order deliveries all end the same way.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from application.payments.settlement import PaymentSettlement
from application.payments.signatures import is_valid_webhook_signature
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.ports.clock import Clock
from application.ports.outbox_commands import SettleFromRazorpayWebhook
from application.ports.payment_gateway import PaymentGateway
from application.ports.unit_of_work import UnitOfWorkFactory
from application.webhook_intake import MAX_EVENT_TYPE_LENGTH, ReceiveWebhook
from domain.errors import ValidationFailed
from domain.payments.errors import InvalidWebhookSignature
from domain.payments.events import EventContext
from domain.request_context import NO_REQUEST, RequestContext

log = logging.getLogger(__name__)

SOURCE = "razorpay"
HANDLED_EVENTS = frozenset(
    {
        "payment.authorized",
        "payment.captured",
        "payment.failed",
        "order.paid",
        "refund.created",
        "refund.processed",
        "refund.failed",
    }
)


class RazorpayIntake(ReceiveWebhook):
    """Store a verified Razorpay event and queue ``SettleFromRazorpayWebhook``."""

    source = SOURCE
    command = SettleFromRazorpayWebhook

    def dedupe_key(self, delivery_id: str) -> str:
        return f"razorpay-webhook:{delivery_id}"  # the key its outbox rows have always had


@dataclass(frozen=True, eq=False)
class ReceiveRazorpayWebhook:
    """Verify the signature over the raw bytes, store once per event id, enqueue via the outbox."""

    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    clock: Clock
    _: KW_ONLY
    secret: str = field(repr=False)

    async def __call__(
        self, raw_body: bytes, *, signature: str | None, event_id: str | None, meta: RequestContext
    ) -> bool:
        """True when stored now, False for a replay (already stored)."""
        if not is_valid_webhook_signature(
            raw_body=raw_body, signature=signature, secret=self.secret
        ):
            log.warning("razorpay webhook: bad signature from %s", meta.ip)
            raise InvalidWebhookSignature("Invalid webhook signature")
        try:
            text = raw_body.decode("utf-8")
            document = json.loads(text)
            event_type = str(document["event"])[:MAX_EVENT_TYPE_LENGTH]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise ValidationFailed("webhook body is not a Razorpay event") from None
        # Razorpay sends the id in a header; without one, identical bodies are the same event.
        # (ReceivedWebhook and outbox commands bound a long id by hashing it, never by cutting it.)
        event_key = (event_id or "").strip() or "sha256:" + hashlib.sha256(raw_body).hexdigest()
        stored = await RazorpayIntake(self.uow, self.clock)(
            delivery_id=event_key, event_type=event_type, body=text
        )
        log.info(
            "razorpay webhook %s %s from %s ua=%s: %s",
            event_type,
            event_key,
            meta.ip,
            meta.user_agent,
            "fresh" if stored else "duplicate",
        )
        return stored


@dataclass(frozen=True, eq=False)
class ProcessRazorpayWebhook:
    """Outbox handler: find our payment for the event's order and settle it from the gateway."""

    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    gateway: PaymentGateway
    settlement: PaymentSettlement
    clock: Clock

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        await self.handle(SettleFromRazorpayWebhook.from_payload(payload))

    async def handle(self, command: SettleFromRazorpayWebhook) -> None:
        webhook_id = command.webhook_id
        async with self.uow() as uow:
            webhook = await uow.inbox.get(webhook_id)
        if webhook is None or webhook.processed_at is not None:
            return
        if webhook.event_type in HANDLED_EVENTS:
            order_id = await self._order_id(json.loads(webhook.body))
            payment = None
            if order_id:
                async with self.uow() as uow:
                    payment = await uow.payments.get_by_order(order_id)
            if payment is not None:
                ctx = EventContext(
                    request=NO_REQUEST, actor="razorpay", source="webhook", now=self.clock.now()
                )
                await self.settlement.sync(payment.id, ctx)
            else:
                log.info(
                    "razorpay webhook %s: no payment of ours for order %s",
                    webhook.event_id,
                    order_id,
                )
        async with self.uow() as uow:
            await uow.inbox.mark_processed(webhook.id, self.clock.now())
            await uow.commit()

    async def _order_id(self, document: Mapping[str, Any]) -> str | None:
        entities = document.get("payload") or {}
        payment = _entity(entities, "payment")
        if payment.get("order_id"):
            return str(payment["order_id"])
        order = _entity(entities, "order")
        if order.get("id"):
            return str(order["id"])
        refund = _entity(entities, "refund")
        if refund.get("payment_id"):  # a refund event without its payment: ask the gateway
            fetched = await self.gateway.fetch_payment(str(refund["payment_id"]))
            return fetched.order_id
        return None


def _entity(entities: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    wrapper = entities.get(name)
    if isinstance(wrapper, Mapping) and isinstance(wrapper.get("entity"), Mapping):
        return wrapper["entity"]  # type: ignore[no-any-return]
    return {}
