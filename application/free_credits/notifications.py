"""Notifications and e-mails queued (outbox, same transaction) when a phone is verified or the
free credits are claimed. They name the masked number at most, never a code."""

from __future__ import annotations

from application.ports.outbox_commands import CreateNotification, SendEmail
from domain.free_credits.phone_number import PhoneNumber
from domain.identity.user import User
from domain.notifications.notification import NotificationType


def phone_verified_email(user: User, phone: PhoneNumber) -> SendEmail | None:
    if not user.email:
        return None
    return SendEmail(
        to=user.email,
        template="phone-number-added",
        context={"name": user.greeted_as("there"), "phone_number": phone.masked},
        dedupe_key=f"phone-verified-email:{user.id}",
    )


def free_credits_email(user: User, *, credits: int, balance: int) -> SendEmail | None:
    if not user.email:
        return None
    return SendEmail(
        to=user.email,
        template="free-credits-claimed",
        context={"name": user.greeted_as("there"), "credits": credits, "balance": balance},
        dedupe_key=f"free-credits-email:{user.id}",
    )


def phone_verified(user_id: str, phone: PhoneNumber) -> CreateNotification:
    return CreateNotification(
        user_id=user_id,
        type=NotificationType.SYSTEM,
        title="Phone number verified",
        message=f"{phone.masked} is verified. You can now claim your free credits.",
        action_url="/credits",
        action_label="Claim credits",
        dedupe_key=f"phone-verified:{user_id}",
    )


def free_credits_claimed(
    user_id: str, *, credits: int, balance: int, transaction_id: str
) -> CreateNotification:
    return CreateNotification(
        user_id=user_id,
        type=NotificationType.ACHIEVEMENT,
        title="Welcome bonus credits",
        message=f"{credits} free credits were added to your wallet.",
        action_url="/credits",
        action_label="View credits",
        metadata={
            "type": "credit_claim_success",
            "creditsAdded": credits,
            "newBalance": balance,
            "transactionId": transaction_id,
        },
        dedupe_key=f"free-credits-claimed:{user_id}",
    )
