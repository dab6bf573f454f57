"""The weekly feedback job (Sundays 00:00 UTC) and the one-click unsubscribe from its e-mail.

For each live user, in batches (one transaction each): with ``wantToGetFeedbackMail`` a new code
and an e-mail with RFC 8058 one-click unsubscribe headers; with ``wantFeedbackNotifications``
another code and a REMINDER notification. Each (user, ISO week, channel) is claimed in the same
transaction as the code and the outbox row, so running the job twice in a week — the CLI after
the scheduler, two schedulers — sends nothing twice. Deleted users are never read.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.community.links import (
    FEEDBACK_MAIL_UNSUBSCRIBE,
    CommunityLinks,
    unsubscribable_email,
)
from application.community.ports import FeedbackRecipient
from application.community.unit_of_work import FeedbackUnitOfWork
from application.ports.clock import Clock
from application.ports.outbox_commands import CreateNotification
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.community.feedback import (
    Feedback,
    FeedbackChannel,
    code_digest,
    iso_week,
    new_feedback_code,
)
from domain.ids import new_id
from domain.notifications.notification import NotificationType
from domain.settings.user_settings import apply_patch, merged

#: Users per transaction (the original mailed batches of 100).
WEEKLY_FEEDBACK_BATCH = 100
_SETTING = {
    FeedbackChannel.EMAIL: "wantToGetFeedbackMail",
    FeedbackChannel.NOTIFICATION: "wantFeedbackNotifications",
}


@dataclass(frozen=True)
class WeeklyFeedbackResult:
    week: str
    users: int
    emails: int
    notifications: int

    def counts(self) -> dict[str, int]:
        return {"users": self.users, "emails": self.emails, "notifications": self.notifications}


@dataclass(frozen=True, eq=False)
class SendWeeklyFeedback:
    uow: UnitOfWorkFactory[FeedbackUnitOfWork]
    clock: Clock
    links: CommunityLinks
    batch_size: int = WEEKLY_FEEDBACK_BATCH

    async def __call__(self) -> WeeklyFeedbackResult:
        now = self.clock.now()
        week = iso_week(now)
        users = emails = notifications = 0
        after: str | None = None
        while True:
            async with self.uow() as uow:
                batch = await uow.feedback.weekly_recipients(after, self.batch_size)
                for recipient in batch:
                    sent = await self._offer(uow, recipient, week)
                    emails += FeedbackChannel.EMAIL in sent
                    notifications += FeedbackChannel.NOTIFICATION in sent
                await uow.commit()
            users += len(batch)
            if len(batch) < self.batch_size:
                return WeeklyFeedbackResult(week, users, emails, notifications)
            after = batch[-1].user_id

    async def _offer(
        self, uow: FeedbackUnitOfWork, recipient: FeedbackRecipient, week: str
    ) -> set[FeedbackChannel]:
        now = self.clock.now()
        settings = merged(recipient.settings)
        sent: set[FeedbackChannel] = set()
        for channel, setting in _SETTING.items():
            if not settings[setting]:
                continue
            email = recipient.email if channel is FeedbackChannel.EMAIL else None
            if channel is FeedbackChannel.EMAIL and not email:
                continue
            if not await uow.feedback.claim_weekly(recipient.user_id, week, channel, now):
                continue
            code = new_feedback_code()
            await uow.feedback.add(
                Feedback(new_id(), now, code_digest=code_digest(code), channel=channel)
            )
            link = self.links.feedback_page(code)
            key = f"community.weekly-feedback:{recipient.user_id}:{week}:{channel.value}"
            if email:  # the e-mail channel, to an address the recipient has
                unsubscribe = self.links.feedback_mail_unsubscribe(recipient.user_id, now)
                await uow.outbox.add(
                    unsubscribable_email(
                        email,
                        "weekly-feedback",
                        unsubscribe,
                        {"name": recipient.name or "there", "feedback_url": link},
                        dedupe_key=key,
                    )
                )
            else:
                await uow.outbox.add(
                    CreateNotification(
                        user_id=recipient.user_id,
                        type=NotificationType.REMINDER,
                        title="How was your week on FairArena?",
                        message="Tell us in one minute: your feedback shapes what we build next.",
                        action_url=link,
                        action_label="Share Your Feedback",
                        metadata={"type": "weekly-feedback", "week": week},
                        dedupe_key=key,
                    )
                )
            sent.add(channel)
        return sent


@dataclass(frozen=True, eq=False)
class UnsubscribeFeedbackMail:
    """The one-click link of the weekly e-mail: turns ``wantToGetFeedbackMail`` off."""

    uow: UnitOfWorkFactory[FeedbackUnitOfWork]
    clock: Clock
    links: CommunityLinks

    async def __call__(self, token: str) -> None:
        now = self.clock.now()
        user_id = self.links.verify(FEEDBACK_MAIL_UNSUBSCRIBE, token, now).subject
        async with self.uow() as uow:
            current = merged(await uow.settings.get(user_id) or {})
            if current["wantToGetFeedbackMail"]:
                updated = apply_patch(current, {"wantToGetFeedbackMail": False})
                await uow.settings.put(user_id, updated, now)
                await uow.commit()
