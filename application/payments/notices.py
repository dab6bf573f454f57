"""Payment e-mails and notifications, written to the outbox in the transaction of the change.

Dedupe keys make each notice happen once per payment (or refund) even if the change is replayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.ports.outbox_commands import CreateNotification, OutboxCommand, SendEmail
from domain.notifications.notification import NotificationType
from domain.payments.payment import Payment
from domain.payments.refund import Refund


@dataclass(frozen=True)
class Recipient:
    email: str | None
    name: str


def _email(key: str, to: Recipient, template: str, context: dict[str, Any]) -> list[SendEmail]:
    if not to.email:
        return []
    return [
        SendEmail(
            to=to.email,
            template=template,
            context={"name": to.name, **context},
            dedupe_key=f"{key}:email",
        )
    ]


def _notification(
    key: str,
    user_id: str,
    type: NotificationType,
    title: str,
    message: str,
    action_url: str,
    metadata: dict[str, Any],
) -> CreateNotification:
    return CreateNotification(
        user_id=user_id,
        type=type,
        title=title,
        message=message,
        action_url=action_url,
        metadata=metadata,
        dedupe_key=f"{key}:notification",
    )


def payment_succeeded(payment: Payment, email: Recipient, balance: int) -> list[OutboxCommand]:
    key = f"payment-success:{payment.id}"
    context = {
        "amount_paise": payment.amount,
        "currency": payment.currency,
        "plan_name": payment.plan_name,
        "credits_added": payment.credits,
        "balance": balance,
        "payment_id": payment.id,
    }
    return [
        *_email(key, email, "payment-success", context),
        _notification(
            key,
            payment.user_id,
            NotificationType.ALERT,
            "Payment successful",
            f"{payment.credits} credits were added to your wallet.",
            "/dashboard/credits",
            {"paymentId": payment.id},
        ),
    ]


def payment_failed(payment: Payment, email: Recipient) -> list[OutboxCommand]:
    # one notice per failure episode: the key includes when it failed
    stamp = payment.failed_at.isoformat() if payment.failed_at else ""
    key = f"payment-failed:{payment.id}:{stamp}"
    reason = payment.failure_reason or "the payment was declined"
    context = {
        "amount_paise": payment.amount,
        "currency": payment.currency,
        "plan_name": payment.plan_name,
        "reason": reason,
        "payment_id": payment.id,
    }
    return [
        *_email(key, email, "payment-failed", context),
        _notification(
            key,
            payment.user_id,
            NotificationType.ALERT,
            "Payment failed",
            f"Your payment for the {payment.plan_name} plan did not go through.",
            "/dashboard/credits",
            {"paymentId": payment.id},
        ),
    ]


def refund_initiated(
    payment: Payment, refund: Refund, email: Recipient, clawed: int
) -> list[OutboxCommand]:
    key = f"refund-initiated:{refund.id}"
    context = {
        "amount_paise": refund.amount,
        "currency": payment.currency,
        "payment_id": payment.id,
        "credits_deducted": clawed,
    }
    return [
        *_email(key, email, "refund-initiated", context),
        _notification(
            key,
            payment.user_id,
            NotificationType.ALERT,
            "Refund initiated",
            "Your refund is on its way; banks usually take 5-7 working days.",
            "/dashboard/billing",
            {"paymentId": payment.id, "refundId": refund.id},
        ),
    ]


def refund_failed(payment: Payment, refund: Refund, email: Recipient) -> list[OutboxCommand]:
    key = f"refund-failed:{refund.id}"
    context = {
        "amount_paise": refund.amount,
        "currency": payment.currency,
        "payment_id": payment.id,
        "reason": refund.failure_reason or "unknown",
    }
    return [
        *_email(key, email, "refund-failed", context),
        _notification(
            key,
            payment.user_id,
            NotificationType.ALERT,
            "Refund failed",
            "Your refund could not be processed; our team will contact you.",
            "/support",
            {"paymentId": payment.id, "refundId": refund.id},
        ),
    ]
