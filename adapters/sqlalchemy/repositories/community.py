"""Community repositories: stars, reports, feedback, newsletter subscribers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa

from adapters.sqlalchemy.paging import read_page
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.repositories.profiles import count_stars, people_of_profile
from adapters.sqlalchemy.statements import (
    entity_of,
    entity_row,
    first_entity,
    insert_ignoring_conflict,
)
from adapters.sqlalchemy.tables.community import (
    feedback,
    feedback_weekly,
    newsletter_subscribers,
    reports,
)
from adapters.sqlalchemy.tables.identity import person_name_columns, users
from adapters.sqlalchemy.tables.profiles import profile_stars
from adapters.sqlalchemy.tables.settings import user_settings
from application.community.ports import FeedbackRecipient
from application.pagination import Page, PageRequest, encode_cursor
from domain.community.feedback import Feedback, FeedbackChannel
from domain.community.newsletter import Subscriber, SubscriberStatus
from domain.community.reports import EntityType, Report, ReportReason, ReportStatus
from domain.community.stars import Stargazer
from domain.identity.user import person_name

T = TypeVar("T")


@REPOSITORIES.register("stars")
class SqlStarRepository(SqlRepository):
    async def add(self, profile_user_id: str, user_id: str, now: datetime) -> bool:
        row = {"profile_user_id": profile_user_id, "user_id": user_id, "created_at": now}
        return await insert_ignoring_conflict(self._conn, profile_stars, row)

    async def remove(self, profile_user_id: str, user_id: str) -> bool:
        result = await self._conn.execute(
            sa.delete(profile_stars).where(
                profile_stars.c.profile_user_id == profile_user_id,
                profile_stars.c.user_id == user_id,
            )
        )
        return bool(result.rowcount)

    async def starred_at(self, profile_user_id: str, user_id: str) -> datetime | None:
        stmt = sa.select(profile_stars.c.created_at).where(
            profile_stars.c.profile_user_id == profile_user_id, profile_stars.c.user_id == user_id
        )
        value: datetime | None = (await self._conn.execute(stmt)).scalar_one_or_none()
        return value

    async def count(self, profile_user_id: str) -> int:
        return await count_stars(self._conn, profile_user_id)

    async def stargazers(self, profile_user_id: str, page: PageRequest) -> Page[Stargazer]:
        s = profile_stars.c
        return await people_of_profile(
            self._conn, profile_user_id, s.user_id, s.created_at, page, _stargazer
        )


def _stargazer(r: Any) -> Stargazer:
    name = person_name(r.first_name, r.last_name, r.username)
    return Stargazer(r.user_id, name, r.image_url, r.created_at)


@REPOSITORIES.register("reports")
class SqlReportRepository(SqlRepository):
    async def add(self, report: Report) -> bool:
        # Only the partial unique index (one open report per reporter and entity) may conflict.
        return await insert_ignoring_conflict(self._conn, reports, _report_row(report))

    async def get(self, report_id: str, *, for_update: bool = False) -> Report | None:
        stmt = sa.select(reports).where(reports.c.id == report_id)
        return await first_entity(self._conn, stmt, _report, lock=for_update)

    async def save(self, report: Report) -> None:
        await self._conn.execute(
            sa.update(reports)
            .where(reports.c.id == report.id)
            .values(
                status=report.status.value,
                resolution=report.resolution,
                moderator_id=report.moderator_id,
                updated_at=report.updated_at,
            )
        )

    async def by_reporter(self, reporter_id: str, page: PageRequest) -> Page[Report]:
        stmt = sa.select(reports).where(reports.c.reporter_id == reporter_id)
        return await read_page(
            self._conn, stmt, page, _report, by=reports.c.created_at, id=reports.c.id
        )

    async def queue(self, status: ReportStatus | None, page: PageRequest) -> Page[Report]:
        stmt = sa.select(reports)
        if status is not None:
            stmt = stmt.where(reports.c.status == status.value)
        after = page.after_id()
        if after is not None:
            stmt = stmt.where(reports.c.id > after)
        rows = (await self._conn.execute(stmt.order_by(reports.c.id).limit(page.limit + 1))).all()
        items = [_report(r) for r in rows[: page.limit]]
        more = len(rows) > page.limit
        return Page(items, encode_cursor("", items[-1].id) if more else None)


def _feedback(row: Any) -> Feedback:
    channel = FeedbackChannel(row.channel) if row.channel else None
    return entity_of(Feedback, row, channel=channel)


def _subscriber(row: Any) -> Subscriber:
    return entity_of(Subscriber, row, status=SubscriberStatus(row.status))


def _report_row(report: Report) -> dict[str, Any]:
    return entity_row(
        report,
        entity_type=report.entity_type.value,
        reason=report.reason.value,
        status=report.status.value,
    )


def _report(row: Any) -> Report:
    return entity_of(
        Report,
        row,
        entity_type=EntityType(row.entity_type),
        reason=ReportReason(row.reason),
        status=ReportStatus(row.status),
    )


@REPOSITORIES.register("feedback")
class SqlFeedbackRepository(SqlRepository):
    async def add(self, item: Feedback) -> None:
        channel = item.channel.value if item.channel else None
        await self._conn.execute(sa.insert(feedback).values(**entity_row(item, channel=channel)))

    async def by_code(self, digest: str, *, for_update: bool = False) -> Feedback | None:
        stmt = sa.select(feedback).where(feedback.c.code_digest == digest)
        return await first_entity(self._conn, stmt, _feedback, lock=for_update)

    async def submit(self, item: Feedback) -> None:
        await self._conn.execute(
            sa.update(feedback)
            .where(feedback.c.id == item.id, feedback.c.submitted_at.is_(None))
            .values(rating=item.rating, message=item.message, submitted_at=item.submitted_at)
        )

    async def claim_weekly(
        self, user_id: str, week: str, channel: FeedbackChannel, now: datetime
    ) -> bool:
        row = {"user_id": user_id, "week": week, "channel": channel.value, "sent_at": now}
        return await insert_ignoring_conflict(self._conn, feedback_weekly, row)

    async def weekly_recipients(
        self, after_user_id: str | None, limit: int
    ) -> list[FeedbackRecipient]:
        u = users.c
        stmt = (
            sa.select(u.id, u.email, *person_name_columns, user_settings.c.settings)
            .outerjoin(user_settings, user_settings.c.user_id == u.id)
            .where(u.deleted_at.is_(None))
        )
        if after_user_id is not None:
            stmt = stmt.where(u.id > after_user_id)
        rows = (await self._conn.execute(stmt.order_by(u.id).limit(limit))).all()
        return [
            FeedbackRecipient(
                r.id,
                r.email,
                " ".join(p for p in (r.first_name, r.last_name) if p) or r.username,
                dict(r.settings or {}),
            )
            for r in rows
        ]


@REPOSITORIES.register("newsletter")
class SqlNewsletterRepository(SqlRepository):
    async def get(self, email: str, *, for_update: bool = False) -> Subscriber | None:
        stmt = sa.select(newsletter_subscribers).where(newsletter_subscribers.c.email == email)
        return await first_entity(self._conn, stmt, _subscriber, lock=for_update)

    async def add(self, subscriber: Subscriber) -> bool:
        row = entity_row(subscriber, status=subscriber.status.value)
        return await insert_ignoring_conflict(self._conn, newsletter_subscribers, row)

    async def save(self, subscriber: Subscriber) -> None:
        values = entity_row(subscriber, omit=("email",), status=subscriber.status.value)
        await self._conn.execute(
            sa.update(newsletter_subscribers)
            .where(newsletter_subscribers.c.email == subscriber.email)
            .values(**values)
        )
