"""In-app notifications queued (outbox, same transaction) when a phone is verified or the
free credits are claimed. They name the masked number at most, never a code."""

from __future__ import annotations

from application.ports.outbox import OutboxMessage
from domain.notifications.notification import NotificationType
from domain.phone_verification.phone_number import PhoneNumber

CREATE_NOTIFICATION = "notification.create"


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
