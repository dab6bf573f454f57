"""Community repositories on the memory state (stars sit with the profiles, as in SQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from adapters.memory.paging import by_id, newest_first
from adapters.memory.registry import REPOSITORIES, MemoryRepository, insert_unless_taken
from application.community.ports import FeedbackRecipient
from application.pagination import Page, PageRequest
from domain.community.feedback import Feedback, FeedbackChannel
from domain.community.newsletter import Subscriber
from domain.community.reports import Report, ReportStatus
from domain.community.stars import Stargazer


@REPOSITORIES.register("stars")
class MemoryStarRepository(MemoryRepository):
    async def add(self, profile_user_id: str, user_id: str, now: datetime) -> bool:
        return insert_unless_taken(self._s.profiles.stars, (profile_user_id, user_id), now)

    async def remove(self, profile_user_id: str, user_id: str) -> bool:
        return self._s.profiles.stars.pop((profile_user_id, user_id), None) is not None

    async def starred_at(self, profile_user_id: str, user_id: str) -> datetime | None:
        return self._s.profiles.stars.get((profile_user_id, user_id))

    async def count(self, profile_user_id: str) -> int:
        return sum(1 for owner, _ in self._s.profiles.stars if owner == profile_user_id)

    async def stargazers(self, profile_user_id: str, page: PageRequest) -> Page[Stargazer]:
        gazers = []
        for (owner, user_id), at in self._s.profiles.stars.items():
            user = self._s.identity.users.get(user_id)
            if owner == profile_user_id and user is not None:
                gazers.append(Stargazer(user_id, user.display_name, user.image_url, at))
        gazers.sort(key=lambda g: (g.starred_at, g.user_id), reverse=True)
        return newest_first(gazers, page, lambda g: (g.starred_at, g.user_id))


@REPOSITORIES.register("reports")
class MemoryReportRepository(MemoryRepository):
    async def add(self, report: Report) -> bool:
        for other in self._s.community.reports.values():
            if other.is_open and (other.reporter_id, other.entity_type, other.entity_id) == (
                report.reporter_id,
                report.entity_type,
                report.entity_id,
            ):
                return False
        self._s.community.reports[report.id] = report
        return True

    async def get(self, report_id: str, *, for_update: bool = False) -> Report | None:
        return self._s.community.reports.get(report_id)

    async def save(self, report: Report) -> None:
        self._s.community.reports[report.id] = report

    async def by_reporter(self, reporter_id: str, page: PageRequest) -> Page[Report]:
        mine = [r for r in self._s.community.reports.values() if r.reporter_id == reporter_id]
        mine.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return newest_first(mine, page, lambda r: (r.created_at, r.id))

    async def queue(self, status: ReportStatus | None, page: PageRequest) -> Page[Report]:
        found = [
            r for r in self._s.community.reports.values() if status is None or r.status is status
        ]
        return by_id(found, page, lambda r: r.id)


@REPOSITORIES.register("feedback")
class MemoryFeedbackRepository(MemoryRepository):
    async def add(self, feedback: Feedback) -> None:
        self._s.community.feedback[feedback.id] = feedback

    async def by_code(self, digest: str, *, for_update: bool = False) -> Feedback | None:
        return next(
            (f for f in self._s.community.feedback.values() if f.code_digest == digest), None
        )

    async def submit(self, feedback: Feedback) -> None:
        stored = self._s.community.feedback.get(feedback.id)
        if stored is not None and stored.submitted_at is None:
            self._s.community.feedback[feedback.id] = replace(
                stored,
                rating=feedback.rating,
                message=feedback.message,
                submitted_at=feedback.submitted_at,
            )

    async def claim_weekly(
        self, user_id: str, week: str, channel: FeedbackChannel, now: datetime
    ) -> bool:
        key = (user_id, week, channel.value)
        return insert_unless_taken(self._s.community.weekly, key, now)

    async def weekly_recipients(
        self, after_user_id: str | None, limit: int
    ) -> list[FeedbackRecipient]:
        live = sorted(
            (u for u in self._s.identity.users.values() if not u.is_deleted), key=lambda u: u.id
        )
        if after_user_id is not None:
            live = [u for u in live if u.id > after_user_id]
        return [
            FeedbackRecipient(u.id, u.email, u.display_name, self._s.settings.by_user.get(u.id, {}))
            for u in live[:limit]
        ]


@REPOSITORIES.register("newsletter")
class MemoryNewsletterRepository(MemoryRepository):
    async def get(self, email: str, *, for_update: bool = False) -> Subscriber | None:
        return self._s.community.subscribers.get(email)

    async def add(self, subscriber: Subscriber) -> bool:
        return insert_unless_taken(self._s.community.subscribers, subscriber.email, subscriber)

    async def save(self, subscriber: Subscriber) -> None:
        self._s.community.subscribers[subscriber.email] = subscriber
