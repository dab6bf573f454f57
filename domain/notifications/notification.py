"""In-app notifications."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

RETENTION = timedelta(days=30)


class NotificationType(enum.StrEnum):
    SYSTEM = "SYSTEM"
    MENTION = "MENTION"
    INVITATION = "INVITATION"
    ACHIEVEMENT = "ACHIEVEMENT"
    UPDATE = "UPDATE"
    REMINDER = "REMINDER"
    ALERT = "ALERT"
    MESSAGE = "MESSAGE"
    FOLLOW = "FOLLOW"
    STAR = "STAR"
    COMMENT = "COMMENT"
    ANNOUNCEMENT = "ANNOUNCEMENT"


@dataclass(frozen=True)
class Notification:
    id: str
    user_id: str
    type: NotificationType
    title: str
    message: str
    created_at: datetime
    description: str = ""
    action_url: str | None = None
    action_label: str | None = None
    metadata: Mapping[str, object] = field(default_factory=dict)
    read_at: datetime | None = None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self, now: datetime) -> Notification:
        return self if self.is_read else replace(self, read_at=now)

    def mark_unread(self) -> Notification:
        return replace(self, read_at=None)


def retention_cutoff(now: datetime) -> datetime:
    return now - RETENTION
