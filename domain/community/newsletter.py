"""Newsletter subscribers: double opt-in (PENDING → SUBSCRIBED), unsubscribe at any time."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

#: A confirmation e-mail is sent again for a PENDING address at most this often (the same
#: answer is given either way; this only stops a form from mailing someone in a loop).
RESEND_CONFIRMATION_AFTER = timedelta(minutes=10)


class SubscriberStatus(StrEnum):
    PENDING = "PENDING"
    SUBSCRIBED = "SUBSCRIBED"
    UNSUBSCRIBED = "UNSUBSCRIBED"


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class Subscriber:
    email: str
    status: SubscriberStatus
    created_at: datetime
    updated_at: datetime
    confirmation_sent_at: datetime | None = None
    confirmed_at: datetime | None = None
    unsubscribed_at: datetime | None = None

    @classmethod
    def new(cls, email: str, now: datetime) -> Subscriber:
        return cls(normalise_email(email), SubscriberStatus.PENDING, now, now)

    def requested(self, now: datetime) -> tuple[Subscriber, bool]:
        """A subscribe request: the subscriber after it and whether to send a confirmation."""
        if self.status is SubscriberStatus.SUBSCRIBED:
            return self, False
        if (
            self.status is SubscriberStatus.PENDING
            and self.confirmation_sent_at is not None
            and now - self.confirmation_sent_at < RESEND_CONFIRMATION_AFTER
        ):
            return self, False
        pending = replace(
            self, status=SubscriberStatus.PENDING, confirmation_sent_at=now, updated_at=now
        )
        return pending, True

    def confirmed(self, link_issued_at: datetime, now: datetime) -> Subscriber:
        """Confirm from a link issued at ``link_issued_at``: only the newest request counts, so
        an old link cannot undo an unsubscribe that came after it."""
        if self.status is not SubscriberStatus.PENDING:
            return self
        sent = self.confirmation_sent_at
        if sent is not None and link_issued_at < sent - timedelta(seconds=1):
            return self
        return replace(self, status=SubscriberStatus.SUBSCRIBED, confirmed_at=now, updated_at=now)

    def unsubscribed(self, now: datetime) -> Subscriber:
        if self.status is SubscriberStatus.UNSUBSCRIBED:
            return self
        return replace(
            self, status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now
        )
