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


@dataclass(frozen=True)
class _Notice:
    """One notice about a payment: the e-mail (when the user has an address) and the in-app
    alert, both deduplicated under ``key``."""

    key: str
    template: str
    title: str
    message: str
    action_url: str

    def commands(
        self,
        payment: Payment,
        to: Recipient,
        context: dict[str, Any],
        refund: Refund | None = None,
    ) -> list[OutboxCommand]:
        commands: list[OutboxCommand] = []
        if to.email:
            commands.append(
                SendEmail(
                    to=to.email,
                    template=self.template,
                    context={"name": to.name, **context, "payment_id": payment.id},
                    dedupe_key=f"{self.key}:email",
                )
            )
        metadata = {"paymentId": payment.id} | ({} if refund is None else {"refundId": refund.id})
        commands.append(
            CreateNotification(
                user_id=payment.user_id,
                type=NotificationType.ALERT,
                title=self.title,
                message=self.message,
                action_url=self.action_url,
                metadata=metadata,
                dedupe_key=f"{self.key}:notification",
            )
        )
        return commands


def payment_succeeded(payment: Payment, email: Recipient, balance: int) -> list[OutboxCommand]:
    notice = _Notice(
        f"payment-success:{payment.id}",
        "payment-success",
        "Payment successful",
        f"{payment.credits} credits were added to your wallet.",
        "/dashboard/credits",
    )
    context = {
        "amount_paise": payment.amount,
        "currency": payment.currency,
        "plan_name": payment.plan_name,
        "credits_added": payment.credits,
        "balance": balance,
    }
    return notice.commands(payment, email, context)


def payment_failed(payment: Payment, email: Recipient) -> list[OutboxCommand]:
    # one notice per failure episode: the key includes when it failed
    stamp = payment.failed_at.isoformat() if payment.failed_at else ""
    notice = _Notice(
        f"payment-failed:{payment.id}:{stamp}",
        "payment-failed",
        "Payment failed",
        f"Your payment for the {payment.plan_name} plan did not go through.",
        "/dashboard/credits",
    )
    context = {
        "amount_paise": payment.amount,
        "currency": payment.currency,
        "plan_name": payment.plan_name,
        "reason": payment.failure_reason or "the payment was declined",
    }
    return notice.commands(payment, email, context)


def refund_initiated(
    payment: Payment, refund: Refund, email: Recipient, clawed: int
) -> list[OutboxCommand]:
    notice = _Notice(
        f"refund-initiated:{refund.id}",
        "refund-initiated",
        "Refund initiated",
        "Your refund is on its way; banks usually take 5-7 working days.",
        "/dashboard/billing",
    )
    context = {
        "amount_paise": refund.amount,
        "currency": payment.currency,
        "credits_deducted": clawed,
    }
    return notice.commands(payment, email, context, refund)


def refund_failed(payment: Payment, refund: Refund, email: Recipient) -> list[OutboxCommand]:
    notice = _Notice(
        f"refund-failed:{refund.id}",
        "refund-failed",
        "Refund failed",
        "Your refund could not be processed; our team will contact you.",
        "/support",
    )
    context = {
        "amount_paise": refund.amount,
        "currency": payment.currency,
        "reason": refund.failure_reason or "unknown",
    }
    return notice.commands(payment, email, context, refund)
