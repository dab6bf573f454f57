"""Feedback: general (signed in) and code-based (the links of the weekly e-mail/reminder).

A code is a bearer secret in a link; only its digest is stored, so the table alone cannot be
used to answer for anyone. Code-based feedback rows are not linked to a user.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FeedbackChannel(StrEnum):
    """How a weekly code reached the user (each is sent at most once per user and ISO week)."""

    EMAIL = "email"
    NOTIFICATION = "notification"


@dataclass(frozen=True)
class Feedback:
    id: str
    created_at: datetime
    user_id: str | None = None  # general feedback: its author; code-based: None
    code_digest: str | None = None
    channel: FeedbackChannel | None = None
    rating: int | None = None
    message: str | None = None
    page: str | None = None
    submitted_at: datetime | None = None

    @property
    def is_used(self) -> bool:
        return self.submitted_at is not None


def new_feedback_code() -> str:
    return secrets.token_urlsafe(18)


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def iso_week(now: datetime) -> str:
    """``2026-W18``: the slot the weekly job runs once in (ISO year and week)."""
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"
