"""An account's life after deletion: 90 days to recover, one warning near the end, then erasure.

Day 0 is the deletion. Between day 80 and day 90 one warning e-mail goes out; past day 90 the
personal data is erased (ledger entries, payments and their events stay, for accounting).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from domain.identity.user import RECOVERY_WINDOW, User

WARNING_FROM = timedelta(days=80)
ERASED_SUBJECT_PREFIX = "erased:"


class Stage(StrEnum):
    RECOVERABLE = "recoverable"  # day 0..80
    WARN = "warn"  # day 80..90: one warning
    ERASE = "erase"  # past day 90


def stage(deleted_at: datetime, now: datetime) -> Stage:
    age = now - deleted_at
    if age > RECOVERY_WINDOW:
        return Stage.ERASE
    if age >= WARNING_FROM:
        return Stage.WARN
    return Stage.RECOVERABLE


def erased(user: User, now: datetime) -> User:
    """The user row after erasure: the opaque id stays (ledger, payments and the audit trail name
    it), nothing personal does; the subject becomes ``erased:<id>``, so the identity can never
    sign in to this row again (a new sign-in provisions a new, empty account)."""
    return replace(
        user,
        subject=f"{ERASED_SUBJECT_PREFIX}{user.id}",
        email=None,
        first_name=None,
        last_name=None,
        image_url=None,
        username=None,
        updated_at=now,
    )


#: What an erased user's free text (support tickets and their replies) becomes.
ERASED_TEXT = "[erased]"


def erased_address(user_id: str) -> str:
    """Stands in for an erased requester's e-mail address (never deliverable: ``.invalid``)."""
    return f"erased-{user_id}@erased.invalid"


def is_erased(user: User) -> bool:
    return user.subject.startswith(ERASED_SUBJECT_PREFIX)


def recover_by(deleted_at: datetime) -> datetime:
    return deleted_at + RECOVERY_WINDOW


def days_left(deleted_at: datetime, now: datetime) -> int:
    """Whole days until erasure, at least 1 while the account can still be recovered."""
    remaining = (recover_by(deleted_at) - now).total_seconds() / 86400
    return max(1, math.ceil(remaining))


@dataclass(frozen=True)
class CleanupWindows:
    """The cut-offs of one cleanup run at ``now``."""

    now: datetime
    activity_retention: timedelta
    notification_retention: timedelta

    @property
    def activity_before(self) -> datetime:
        return self.now - self.activity_retention

    @property
    def notifications_before(self) -> datetime:
        return self.now - self.notification_retention

    @property
    def warn_deleted_between(self) -> tuple[datetime, datetime]:
        """Deleted in (now - 90 days, now - 80 days]: in the warning window."""
        return self.now - RECOVERY_WINDOW, self.now - WARNING_FROM

    @property
    def erase_deleted_before(self) -> datetime:
        return self.now - RECOVERY_WINDOW
