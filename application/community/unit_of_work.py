"""The community context's units of work, one per family of use cases (each names only the
repositories it touches)."""

from __future__ import annotations

from typing import Protocol

from application.access.ports import ScopeChainReader
from application.community.ports import (
    FeedbackRepository,
    NewsletterRepository,
    ReportRepository,
    StarRepository,
)
from application.identity.ports import UserRepository
from application.ports.audit import AuditLog
from application.ports.outbox import Outbox
from application.ports.unit_of_work import UnitOfWork
from application.profiles.ports import ProfileRepository
from application.settings.ports import SettingsRepository


class StarsUnitOfWork(UnitOfWork, Protocol):
    stars: StarRepository
    profiles: ProfileRepository
    users: UserRepository
    outbox: Outbox  # the owner's STAR notification


class ReportsUnitOfWork(UnitOfWork, Protocol):
    reports: ReportRepository
    users: UserRepository
    profiles: ProfileRepository
    scopes: ScopeChainReader  # organizations, teams and projects the reporter can see
    audit: AuditLog
    outbox: Outbox  # the reporter hears of the outcome


class FeedbackUnitOfWork(UnitOfWork, Protocol):
    feedback: FeedbackRepository
    settings: SettingsRepository  # the weekly job respects them; the unsubscribe link sets one
    outbox: Outbox


class NewsletterUnitOfWork(UnitOfWork, Protocol):
    newsletter: NewsletterRepository
    outbox: Outbox


class PlatformInviteUnitOfWork(UnitOfWork, Protocol):
    users: UserRepository
    outbox: Outbox
