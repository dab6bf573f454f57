"""Every payment notice renders with the real e-mail templates (a missing variable is a bug)."""

from __future__ import annotations

from dataclasses import replace

from adapters.email.jinja_templates import JinjaEmailTemplates
from application.payments import notices
from application.ports.outbox_commands import CreateNotification, SendEmail
from domain.payments.refund import Refund, RefundStatus
from tests.unit.payments.builders import T0, ctx, pending


def test_each_notice_renders_and_is_deduplicated_per_payment_or_refund() -> None:
    templates = JinjaEmailTemplates(frontend_url="http://localhost:5173")
    paid = (
        pending()
        .capture(
            gateway_payment_id="pay_1", amount=49_900, currency="INR", method="upi", ctx=ctx(1)
        )
        .payment
    )
    failed = pending().fail("pay_0", "card declined", ctx(1)).payment
    refund = Refund(
        id="r1",
        payment_id=paid.id,
        amount=100,
        status=RefundStatus.APPLIED,
        reason="x",
        requested_by="admin",
        created_at=T0,
    )
    to = notices.Recipient("buyer@example.com", "Asha")
    messages = [
        *notices.payment_succeeded(paid, to, 600),
        *notices.payment_failed(failed, to),
        *notices.refund_initiated(paid, refund, to, 1),
        *notices.refund_failed(paid, replace(refund, failure_reason="bank said no"), to),
    ]
    emails = [m for m in messages if isinstance(m, SendEmail)]
    assert len(emails) == 4 and len({m.dedupe_key for m in messages}) == len(messages)
    for message in emails:
        payload = message.to_payload()
        rendered = templates.render(payload["template"], payload["context"])
        assert "Hi Asha" in rendered.text and "Hi Asha" in rendered.html
        assert payload["context"]["payment_id"] in rendered.text
    assert isinstance(
        notices.payment_succeeded(paid, notices.Recipient(None, "x"), 1)[0], CreateNotification
    )
