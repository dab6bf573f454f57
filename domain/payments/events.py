"""The immutable audit trail of a payment: one PaymentEvent per change or noteworthy fact."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from domain.ids import new_id
from domain.payments.status import PaymentStatus
from domain.request_context import NO_REQUEST, RequestContext

EventValue = str | int | bool | None


class PaymentEventType(StrEnum):
    CREATED = "CREATED"
    ORDER_CREATED = "ORDER_CREATED"
    ORDER_FAILED = "ORDER_FAILED"
    AUTHORIZED = "AUTHORIZED"
    CAPTURED = "CAPTURED"
    FAILED = "FAILED"
    AUTHORIZATION_LAPSED = "AUTHORIZATION_LAPSED"
    CANCELLED = "CANCELLED"
    REFUND_REQUESTED = "REFUND_REQUESTED"
    REFUND_APPLIED = "REFUND_APPLIED"
    REFUND_FAILED = "REFUND_FAILED"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    FLAGGED = "FLAGGED"
    STALE_FACT_IGNORED = "STALE_FACT_IGNORED"
    GATEWAY_ORDER_UNKNOWN = "GATEWAY_ORDER_UNKNOWN"  # the gateway refused to look the order up


@dataclass(frozen=True)
class EventContext:
    """Who or what caused a change, and from where."""

    actor: str  # a user id, an admin id, or "system"
    source: str  # "checkout", "verify", "webhook", "reconciliation", "admin", "status_check"
    now: datetime
    request: RequestContext = NO_REQUEST


@dataclass(frozen=True)
class PaymentEvent:
    """One immutable row of the trail (from → to is equal when nothing moved, e.g. a flag)."""

    id: str
    payment_id: str
    type: PaymentEventType
    from_status: PaymentStatus | None
    to_status: PaymentStatus
    actor: str
    source: str
    created_at: datetime
    ip: str | None = None
    user_agent: str | None = None
    data: Mapping[str, EventValue] = field(default_factory=lambda: MappingProxyType({}))

    def __deepcopy__(self, memo: dict[int, object]) -> PaymentEvent:
        return self  # immutable all the way down: sharing is safe (and mappingproxy can't copy)

    @property
    def is_transition(self) -> bool:
        return self.from_status is not None and self.from_status != self.to_status

    @classmethod
    def record(
        cls,
        *,
        payment_id: str,
        type: PaymentEventType,
        from_status: PaymentStatus | None,
        to_status: PaymentStatus,
        ctx: EventContext,
        data: Mapping[str, EventValue] | None = None,
    ) -> PaymentEvent:
        return cls(
            id=new_id(),
            payment_id=payment_id,
            type=type,
            from_status=from_status,
            to_status=to_status,
            actor=ctx.actor,
            source=ctx.source,
            created_at=ctx.now,
            ip=ctx.request.ip,
            user_agent=ctx.request.user_agent,
            data=MappingProxyType(dict(data or {})),
        )
