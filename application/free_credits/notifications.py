"""Notifications and e-mails queued (outbox, same transaction) when a phone is verified or the
free credits are claimed. They name the masked number at most, never a code."""

from __future__ import annotations

from application.ports.outbox import OutboxMessage
from domain.free_credits.phone_number import PhoneNumber
from domain.identity.user import User
from domain.notifications.notification import NotificationType

CREATE_NOTIFICATION = "notification.create"
SEND_EMAIL = "email.send"


def _greeting(user: User) -> str:
    return user.first_name or user.display_name or "there"


def phone_verified_email(user: User, phone: PhoneNumber) -> OutboxMessage | None:
    if not user.email:
        return None
    return OutboxMessage(
        topic=SEND_EMAIL,
        dedupe_key=f"phone-verified-email:{user.id}",
        payload={
            "to": user.email,
            "template": "phone-number-added",
            "context": {"name": _greeting(user), "phone_number": phone.masked},
        },
    )


def free_credits_email(user: User, *, credits: int, balance: int) -> OutboxMessage | None:
    if not user.email:
        return None
    return OutboxMessage(
        topic=SEND_EMAIL,
        dedupe_key=f"free-credits-email:{user.id}",
        payload={
            "to": user.email,
            "template": "free-credits-claimed",
            "context": {"name": _greeting(user), "credits": credits, "balance": balance},
        },
    )


def phone_verified(user_id: str, phone: PhoneNumber) -> OutboxMessage:
    return OutboxMessage(
        topic=CREATE_NOTIFICATION,
        dedupe_key=f"phone-verified:{user_id}",
        payload={
            "userId": user_id,
            "type": NotificationType.SYSTEM.value,
            "title": "Phone number verified",
            "message": f"{phone.masked} is verified. You can now claim your free credits.",
            "actionUrl": "/credits",
            "actionLabel": "Claim credits",
        },
    )


def free_credits_claimed(
    user_id: str, *, credits: int, balance: int, transaction_id: str
) -> OutboxMessage:
    return OutboxMessage(
        topic=CREATE_NOTIFICATION,
        dedupe_key=f"free-credits-claimed:{user_id}",
        payload={
            "userId": user_id,
            "type": NotificationType.ACHIEVEMENT.value,
            "title": "Welcome bonus credits",
            "message": f"{credits} free credits were added to your wallet.",
            "actionUrl": "/credits",
            "actionLabel": "View credits",
            "metadata": {
                "type": "credit_claim_success",
                "creditsAdded": credits,
                "newBalance": balance,
                "transactionId": transaction_id,
            },
        },
    )
