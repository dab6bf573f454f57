"""Ports of the community context: its repositories, a per-key attempt limiter and the list of
disposable e-mail domains."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.pagination import Page, PageRequest
from domain.community.feedback import Feedback, FeedbackChannel
from domain.community.newsletter import Subscriber
from domain.community.reports import Report, ReportStatus
from domain.community.stars import Stargazer


class StarRepository(Protocol):
    async def add(self, profile_user_id: str, user_id: str, now: datetime) -> bool:
        """Star once: True when this call added it (a concurrent or repeated star adds nothing)."""
        ...

    async def remove(self, profile_user_id: str, user_id: str) -> bool: ...

    async def starred_at(self, profile_user_id: str, user_id: str) -> datetime | None: ...

    async def count(self, profile_user_id: str) -> int: ...

    async def stargazers(self, profile_user_id: str, page: PageRequest) -> Page[Stargazer]:
        """Newest first, with each starrer's name and avatar."""
        ...


class ReportRepository(Protocol):
    async def add(self, report: Report) -> bool:
        """Insert; False when the reporter already has an open report on that entity (the
        database enforces one, so two concurrent reports cannot both be stored)."""
        ...

    async def get(self, report_id: str, *, for_update: bool = False) -> Report | None: ...

    async def save(self, report: Report) -> None:
        """Store a moderated report's status, resolution and moderator (never a delete)."""
        ...

    async def by_reporter(self, reporter_id: str, page: PageRequest) -> Page[Report]:
        """Newest first."""
        ...

    async def queue(self, status: ReportStatus | None, page: PageRequest) -> Page[Report]:
        """The moderation queue, oldest first (by id: ids are time-ordered)."""
        ...


@dataclass(frozen=True)
class FeedbackRecipient:
    """A live user the weekly job may write to, with their stored settings (defaults unmerged)."""

    user_id: str
    email: str | None
    name: str | None
    settings: Mapping[str, object]


class FeedbackRepository(Protocol):
    async def add(self, feedback: Feedback) -> None: ...

    async def by_code(self, digest: str, *, for_update: bool = False) -> Feedback | None: ...

    async def submit(self, feedback: Feedback) -> None:
        """Store the rating, message and ``submitted_at`` of a code-based feedback."""
        ...

    async def claim_weekly(
        self, user_id: str, week: str, channel: FeedbackChannel, now: datetime
    ) -> bool:
        """Record that ``user_id`` gets ``week``'s code on ``channel``; False if they already
        did (the weekly job runs twice, or two schedulers race): nothing is sent twice."""
        ...

    async def weekly_recipients(
        self, after_user_id: str | None, limit: int
    ) -> list[FeedbackRecipient]:
        """Live (not deleted) users by id after ``after_user_id``: one batch of the weekly job."""
        ...


class NewsletterRepository(Protocol):
    async def get(self, email: str, *, for_update: bool = False) -> Subscriber | None: ...

    async def add(self, subscriber: Subscriber) -> bool:
        """Insert; False if the address is already stored (a concurrent request won)."""
        ...

    async def save(self, subscriber: Subscriber) -> None: ...


class DisposableDomains(Container[str], Protocol):
    """Domains of disposable e-mail providers (a maintained list)."""
