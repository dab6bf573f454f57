"""The e-mails producers actually queue render with the real templates.

A context that misses a variable would be a permanent failure on the worker (the e-mail is never
sent), so the payloads built by the producers are rendered here, not hand-written contexts.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.email.jinja_templates import JinjaEmailTemplates
from application.identity.provisioning import welcome_email
from application.payments import notices
from application.ports.outbox_commands import OutboxCommand, SendEmail
from domain.identity.user import User
from domain.payments.payment import Payment, PaymentStatus
from domain.payments.refund import Refund, RefundStatus

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
PAYMENT = Payment(
    id="pay_1",
    user_id="u1",
    plan_id="plan_pro",
    plan_name="Pro",
    credits=600,
    amount=49_900,
    currency="INR",
    receipt="r1",
    status=PaymentStatus.COMPLETED,
    created_at=NOW,
    updated_at=NOW,
    failed_at=NOW,
    failure_reason="card declined",
)
REFUND = Refund(
    id="ref_1",
    payment_id="pay_1",
    amount=49_900,
    status=RefundStatus.FAILED,
    reason="asked",
    requested_by="admin",
    created_at=NOW,
    failure_reason="bank rejected",
)
TO = notices.Recipient("a@example.com", "Asha")
USER = User(
    id="u1",
    subject="s1",
    email="asha@example.com",
    first_name="Asha",
    last_name=None,
    image_url=None,
    username=None,
    created_at=NOW,
    updated_at=NOW,
)


def emails(commands: list[OutboxCommand | None]) -> list[SendEmail]:
    return [c for c in commands if isinstance(c, SendEmail)]


PRODUCED = {
    "welcome": lambda: [welcome_email(USER)],
    "payment-success": lambda: notices.payment_succeeded(PAYMENT, TO, 800),
    "payment-failed": lambda: notices.payment_failed(PAYMENT, TO),
    "refund-initiated": lambda: notices.refund_initiated(PAYMENT, REFUND, TO, 600),
    "refund-failed": lambda: notices.refund_failed(PAYMENT, REFUND, TO),
}


@pytest.mark.parametrize("template", sorted(PRODUCED))
def test_what_the_producer_queues_renders(template: str) -> None:
    [command] = emails(PRODUCED[template]())
    payload = command.to_payload()
    assert payload["template"] == template
    rendered = JinjaEmailTemplates().render(template, payload["context"])
    assert rendered.subject and rendered.text and rendered.html


def test_without_a_name_the_greeting_is_generic() -> None:
    rendered = JinjaEmailTemplates().render(
        "refund-completed", {"amount_paise": 100, "currency": "INR", "payment_id": "p"}
    )
    assert rendered.text.startswith("Hello,") and "<p>Hello,</p>" in rendered.html
