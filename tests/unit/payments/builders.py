"""Small builders for payment domain tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.payments.events import EventContext
from domain.payments.payment import Payment
from domain.payments.plan import Plan
from domain.request_context import RequestContext

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def ctx(minutes: int = 0, *, source: str = "test", actor: str = "system") -> EventContext:
    return EventContext(
        actor=actor,
        source=source,
        now=T0 + timedelta(minutes=minutes),
        request=RequestContext(ip="203.0.113.7", user_agent="pytest"),
    )


def plan(**overrides: object) -> Plan:
    values: dict[str, object] = {
        "plan_id": "plan_pro",
        "name": "Pro",
        "amount": 49_900,
        "currency": "INR",
        "credits": 600,
        "description": "",
        "features": (),
        "is_active": True,
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(overrides)
    return Plan(**values)  # type: ignore[arg-type]


def pending(**plan_overrides: object) -> Payment:
    change = Payment.open(
        payment_id="pay-1",
        user_id="user-1",
        plan=plan(**plan_overrides),
        receipt="rcpt_1",
        ctx=ctx(),
    )
    return change.payment.attach_order("order_ABC", ctx()).payment
