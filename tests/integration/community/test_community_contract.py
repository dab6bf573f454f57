"""Community repositories on every adapter (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.pagination import PageRequest, decode_cursor
from application.ports.clock import SystemClock
from domain.community.feedback import Feedback, FeedbackChannel
from domain.community.newsletter import Subscriber, SubscriberStatus
from domain.community.reports import EntityType, Report, ReportReason, ReportStatus
from domain.ids import new_id
from tests.integration.contract_builders import NOW, a_user


async def test_stars_once_per_pair_counted_and_listed_newest_first(contract_uow):
    owner, a, b = a_user("o"), a_user("a", "Ann"), a_user("b", "Bo")
    async with contract_uow() as u:
        for user in (owner, a, b):
            await u.users.add(user)
        assert await u.stars.add(owner.id, a.id, NOW)
        assert not await u.stars.add(owner.id, a.id, NOW + timedelta(1))
        assert await u.stars.add(owner.id, b.id, NOW + timedelta(seconds=5))
        await u.commit()
    async with contract_uow() as u:
        assert await u.stars.count(owner.id) == 2
        assert await u.stars.starred_at(owner.id, a.id) == NOW
        first = await u.stars.stargazers(owner.id, PageRequest(limit=1))
        assert [g.user_id for g in first.items] == [b.id] and first.items[0].name == "Bo"
        assert first.next_cursor is not None
        rest = await u.stars.stargazers(
            owner.id, PageRequest(limit=1, after=decode_cursor(first.next_cursor))
        )
        assert [g.user_id for g in rest.items] == [a.id] and rest.next_cursor is None
        assert await u.stars.remove(owner.id, a.id)
        assert not await u.stars.remove(owner.id, a.id)
        assert await u.stars.count(owner.id) == 1


def a_report(reporter: str, status: ReportStatus = ReportStatus.QUEUED, at=NOW) -> Report:
    return Report(
        new_id(), reporter, EntityType.TEAM, "team-1", ReportReason.SPAM, "d", status, at, at
    )


async def test_one_open_report_per_reporter_and_entity(contract_uow):
    me, other = a_user("me"), a_user("other")
    async with contract_uow() as u:
        await u.users.add(me)
        await u.users.add(other)
        first = a_report(me.id)
        assert await u.reports.add(first)
        assert not await u.reports.add(a_report(me.id))
        assert await u.reports.add(a_report(other.id))
        await u.commit()
    async with contract_uow() as u:
        stored = await u.reports.get(first.id, for_update=True)
        assert stored == first
        closed = stored.moderate(ReportStatus.DISMISSED, "fine", other.id, NOW + timedelta(1))
        await u.reports.save(closed)
        await u.commit()
    async with contract_uow() as u:
        assert await u.reports.get(first.id) == closed
        again = a_report(me.id, at=NOW + timedelta(2))
        assert await u.reports.add(again)  # the first is closed
        await u.commit()
    async with contract_uow() as u:
        mine = await u.reports.by_reporter(me.id, PageRequest())
        assert [r.id for r in mine.items] == [again.id, first.id]
        queued = await u.reports.queue(ReportStatus.QUEUED, PageRequest(limit=1))
        assert len(queued.items) == 1 and queued.next_cursor is not None
        rest = await u.reports.queue(
            ReportStatus.QUEUED, PageRequest(after=decode_cursor(queued.next_cursor))
        )
        assert len(rest.items) == 1 and rest.items[0].id > queued.items[0].id
        dismissed = await u.reports.queue(ReportStatus.DISMISSED, PageRequest())
        assert [r.id for r in dismissed.items] == [first.id]


async def test_feedback_codes_and_weekly_claims(contract_uow):
    live, gone = a_user("live"), replace(a_user("gone"), deleted_at=NOW)
    async with contract_uow() as u:
        await u.users.add(live)
        await u.users.add(gone)
        await u.settings.put(live.id, {"wantToGetFeedbackMail": False}, NOW)
        coded = Feedback(new_id(), NOW, code_digest="d" * 64, channel=FeedbackChannel.EMAIL)
        await u.feedback.add(coded)
        await u.feedback.add(Feedback(new_id(), NOW, user_id=live.id, rating=4, submitted_at=NOW))
        assert await u.feedback.claim_weekly(live.id, "2026-W48", FeedbackChannel.EMAIL, NOW)
        assert not await u.feedback.claim_weekly(live.id, "2026-W48", FeedbackChannel.EMAIL, NOW)
        assert await u.feedback.claim_weekly(live.id, "2026-W48", FeedbackChannel.NOTIFICATION, NOW)
        assert await u.feedback.claim_weekly(live.id, "2026-W49", FeedbackChannel.EMAIL, NOW)
        await u.commit()
    async with contract_uow() as u:
        assert await u.feedback.by_code("d" * 64, for_update=True) == coded
        assert await u.feedback.by_code("e" * 64) is None
        answered = replace(coded, rating=5, message="m", submitted_at=NOW)
        await u.feedback.submit(answered)
        await u.feedback.submit(replace(coded, rating=1, submitted_at=NOW))  # once only
        await u.commit()
    async with contract_uow() as u:
        assert await u.feedback.by_code("d" * 64) == answered
        recipients = await u.feedback.weekly_recipients(None, 10)
        assert [r.user_id for r in recipients] == [live.id]  # deleted users skipped
        assert recipients[0].settings == {"wantToGetFeedbackMail": False}
        assert await u.feedback.weekly_recipients(live.id, 10) == []


async def test_newsletter_subscribers(contract_uow):
    sub, _ = Subscriber.new("a@example.com", NOW).requested(NOW)
    async with contract_uow() as u:
        assert await u.newsletter.get("a@example.com") is None
        assert await u.newsletter.add(sub)
        assert not await u.newsletter.add(sub)
        await u.commit()
    async with contract_uow() as u:
        assert await u.newsletter.get("a@example.com", for_update=True) == sub
        done = sub.confirmed(NOW, NOW + timedelta(1))
        await u.newsletter.save(done)
        await u.commit()
    async with contract_uow() as u:
        stored = await u.newsletter.get("a@example.com")
        assert stored == done and stored.status is SubscriberStatus.SUBSCRIBED


async def test_reports_are_moderated_but_never_deleted_on_postgres(pg_url):
    engine = build_engine(pg_url)
    factory = SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    me, moderator = a_user("me"), a_user("mod")
    try:
        async with factory() as u:
            await u.users.add(me)
            await u.users.add(moderator)
            report = a_report(me.id)
            await u.reports.add(report)
            await u.commit()
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError, match="append-only"):
                await conn.execute(sa.text("DELETE FROM reports"))
        async with factory() as u:  # moderation is an UPDATE, which stays allowed
            stored = await u.reports.get(report.id, for_update=True)
            assert stored is not None
            await u.reports.save(
                stored.moderate(ReportStatus.DISMISSED, "fine", moderator.id, NOW + timedelta(1))
            )
            await u.commit()
        async with factory() as u:
            kept = await u.reports.get(report.id)
        assert kept is not None and kept.status is ReportStatus.DISMISSED
    finally:
        await engine.dispose()
