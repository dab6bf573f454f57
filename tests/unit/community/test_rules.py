"""Community rules: the report state machine (every pair), disposable domains, signed links and
the newsletter's opt-in states."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.disposable_email.blocklist import PackagedDisposableDomains
from domain.community.errors import ExpiredLink, IllegalReportTransition, InvalidLink
from domain.community.feedback import iso_week
from domain.community.newsletter import Subscriber, SubscriberStatus
from domain.community.reports import (
    OPEN_STATUSES,
    EntityType,
    Report,
    ReportReason,
    ReportStatus,
    check_transition,
)
from domain.community.signed_links import LinkSigner
from domain.email_domains import is_disposable

NOW = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)
S = ReportStatus
ALLOWED = {
    (S.QUEUED, S.IN_REVIEW), (S.QUEUED, S.ESCALATED), (S.QUEUED, S.RESOLVED),
    (S.QUEUED, S.DISMISSED), (S.IN_REVIEW, S.ESCALATED), (S.IN_REVIEW, S.RESOLVED),
    (S.IN_REVIEW, S.DISMISSED), (S.ESCALATED, S.IN_REVIEW), (S.ESCALATED, S.RESOLVED),
    (S.ESCALATED, S.DISMISSED),
}  # fmt: skip


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_report_transition(current: ReportStatus, target: ReportStatus) -> None:
    report = Report("r", "u", EntityType.TEAM, "t", ReportReason.SPAM, None, current, NOW, NOW)
    if (current, target) in ALLOWED:
        moved = report.moderate(target, "why", "admin", NOW + timedelta(1))
        assert moved.status is target and moved.moderator_id == "admin"
        assert moved.resolution == "why" and moved.created_at == NOW
    else:
        with pytest.raises(IllegalReportTransition):
            check_transition(current, target)
        with pytest.raises(IllegalReportTransition):
            report.moderate(target, None, "admin", NOW)


def test_open_statuses_are_the_non_final_ones() -> None:
    assert frozenset({S.QUEUED, S.IN_REVIEW, S.ESCALATED}) == OPEN_STATUSES


def test_disposable_domains_from_the_package_including_subdomains() -> None:
    domains = PackagedDisposableDomains()
    assert len(domains) > 1000
    assert is_disposable("a@mailinator.com", domains)
    assert is_disposable("a@Sub.Mailinator.COM", domains)
    assert not is_disposable("a@gmail.com", domains)
    assert not is_disposable("a@example.com", domains)


SIGNER = LinkSigner(b"k" * 32)


@given(st.text(min_size=1, max_size=80))
def test_a_signed_link_opens_only_its_purpose(subject: str) -> None:
    token = SIGNER.sign("a", subject, NOW)
    assert SIGNER.verify("a", token, NOW + timedelta(days=999)).subject == subject
    with pytest.raises(InvalidLink):
        SIGNER.verify("b", token, NOW)
    with pytest.raises(InvalidLink):
        LinkSigner(b"z" * 32).verify("a", token, NOW)


@given(st.text(max_size=200))
def test_garbage_tokens_are_invalid_never_a_crash(token: str) -> None:
    with pytest.raises(InvalidLink):
        SIGNER.verify("a", token, NOW)


def test_links_with_a_lifetime_expire() -> None:
    token = SIGNER.sign("a", "x", NOW, timedelta(days=7))
    assert SIGNER.verify("a", token, NOW + timedelta(days=6)).issued_at == NOW
    with pytest.raises(ExpiredLink):
        SIGNER.verify("a", token, NOW + timedelta(days=8))


def test_newsletter_double_opt_in_and_old_links() -> None:
    sub, send = Subscriber.new("A@Example.com ", NOW).requested(NOW)
    assert send and sub.email == "a@example.com" and sub.status is SubscriberStatus.PENDING
    assert sub.requested(NOW + timedelta(minutes=1)) == (sub, False)  # not mailed in a loop
    confirmed = sub.confirmed(NOW, NOW + timedelta(minutes=2))
    assert confirmed.status is SubscriberStatus.SUBSCRIBED
    assert confirmed.requested(NOW + timedelta(hours=1)) == (confirmed, False)
    gone = confirmed.unsubscribed(NOW + timedelta(hours=2))
    assert gone.status is SubscriberStatus.UNSUBSCRIBED
    again, send = gone.requested(NOW + timedelta(hours=3))
    assert send and again.status is SubscriberStatus.PENDING
    # The link of the first request cannot confirm the newer one.
    assert again.confirmed(NOW, NOW + timedelta(hours=4)) == again


def test_the_weekly_slot_is_the_iso_week() -> None:
    assert iso_week(NOW) == "2026-W48"  # a Sunday: the last day of its ISO week
    assert iso_week(NOW + timedelta(hours=23, minutes=59)) == "2026-W48"
    assert iso_week(NOW + timedelta(days=1)) == "2026-W49"  # ISO weeks start on Monday
    assert iso_week(NOW + timedelta(days=7, hours=-1)) == "2026-W49"
