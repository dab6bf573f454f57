"""The state behind the in-memory adapters: one typed part per context, one lock, snapshot/restore.

Each context owns one dataclass part of :class:`MemoryState` (no string-keyed bags). A rollback
swaps the parts for their snapshot copies, so repositories must reach their part through the
state on every call (``self._state.<ctx>``), never keep a part or one of its dicts.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from application.ports.audit import AuditEntry
from application.ports.idempotency import IdempotencyRecord
from application.ports.inbox import ReceivedWebhook
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.roles import Role
from domain.access.team import Project, Team
from domain.account.activity import ActivityEntry
from domain.account.exports import DataExport
from domain.account.step_up import StepUpCode
from domain.assistant.conversation import Conversation, Message
from domain.community.feedback import Feedback
from domain.community.newsletter import Subscriber
from domain.community.reports import Report
from domain.credits.coupons import Coupon
from domain.credits.referrals import Referral
from domain.free_credits.free_credit_claim import FreeCreditClaim
from domain.free_credits.phone_lock import PhoneLock
from domain.free_credits.verification import PhoneVerification
from domain.identity.user import User
from domain.invitations.invitation import Invitation
from domain.notifications.notification import Notification
from domain.payments.events import PaymentEvent
from domain.payments.payment import Payment
from domain.payments.plan import Plan
from domain.profiles.profile import Profile
from domain.project_activity.activity import ProjectActivity
from domain.support.ticket import SupportTicket, TicketMessage


@dataclass
class IdentityState:
    users: dict[str, User] = field(default_factory=dict)


@dataclass
class ProfilesState:
    profiles: dict[str, Profile] = field(default_factory=dict)
    views: dict[tuple[str, str], datetime] = field(default_factory=dict)
    # (profile owner, starrer) -> starred at (written by the community context's stars)
    stars: dict[tuple[str, str], datetime] = field(default_factory=dict)


@dataclass
class SettingsState:
    by_user: dict[str, dict[str, bool]] = field(default_factory=dict)


@dataclass
class NotificationsState:
    by_id: dict[str, Notification] = field(default_factory=dict)


@dataclass
class AuditState:
    entries: list[AuditEntry] = field(default_factory=list)


@dataclass
class IdempotencyState:
    records: dict[tuple[str, str], IdempotencyRecord] = field(default_factory=dict)


@dataclass
class ProcessedMessage:
    topic: str
    processed_at: datetime
    error: str | None


@dataclass
class JobRun:
    started_at: datetime
    finished_at: datetime | None
    attempts: int
    error: str | None


@dataclass
class JobsState:
    processed: dict[str, ProcessedMessage] = field(default_factory=dict)
    runs: dict[tuple[str, datetime], JobRun] = field(default_factory=dict)


@dataclass
class PaymentsState:
    # None until first read: the default catalogue is seeded then, as the migration seeds SQL.
    plans: dict[str, Plan] | None = None
    payments: dict[str, Payment] = field(default_factory=dict)
    events: list[PaymentEvent] = field(default_factory=list)
    # payment id -> (failed checks, not before)
    backoff: dict[str, tuple[int, datetime | None]] = field(default_factory=dict)


@dataclass
class FreeCreditsState:
    states: dict[str, PhoneVerification] = field(default_factory=dict)
    locks: dict[str, PhoneLock] = field(default_factory=dict)
    claims: dict[str, FreeCreditClaim] = field(default_factory=dict)


@dataclass
class InvitationsState:
    by_id: dict[str, Invitation] = field(default_factory=dict)


@dataclass
class StoredMembership:
    id: str
    membership: Membership
    created_at: datetime


@dataclass
class AccessState:
    organizations: dict[str, Organization] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    memberships: dict[tuple[str, str], StoredMembership] = field(default_factory=dict)

    def members_of(self, scope_id: str) -> list[StoredMembership]:
        return [s for (_, sid), s in self.memberships.items() if sid == scope_id]

    def held(self, user_id: str | None, scope_ids: list[str]) -> tuple[Membership, ...]:
        if user_id is None:
            return ()
        found = (self.memberships.get((user_id, sid)) for sid in scope_ids)
        return tuple(self._current(s.membership) for s in found if s is not None)

    def _current(self, membership: Membership) -> Membership:
        role = self.roles.get(membership.role.id, membership.role)
        return replace(membership, role=role)


@dataclass
class AssistantState:
    conversations: dict[str, Conversation] = field(default_factory=dict)
    messages: dict[str, list[Message]] = field(default_factory=dict)
    quota: dict[tuple[str, date], int] = field(default_factory=dict)


@dataclass
class CommunityState:
    reports: dict[str, Report] = field(default_factory=dict)
    feedback: dict[str, Feedback] = field(default_factory=dict)
    weekly: dict[tuple[str, str, str], datetime] = field(default_factory=dict)
    subscribers: dict[str, Subscriber] = field(default_factory=dict)


@dataclass
class SupportState:
    tickets: dict[str, SupportTicket] = field(default_factory=dict)
    messages: list[TicketMessage] = field(default_factory=list)


@dataclass
class ProjectActivityState:
    entries: dict[str, ProjectActivity] = field(default_factory=dict)


@dataclass
class AccountState:
    activity: list[ActivityEntry] = field(default_factory=list)
    codes: dict[str, StepUpCode] = field(default_factory=dict)
    exports: dict[str, DataExport] = field(default_factory=dict)


@dataclass
class EconomyState:
    codes: dict[str, str] = field(default_factory=dict)  # user id -> referral code
    referrals: dict[str, Referral] = field(default_factory=dict)  # by referred user
    coupons: dict[str, Coupon] = field(default_factory=dict)
    redemptions: set[tuple[str, str]] = field(default_factory=set)  # one-per-user (coupon, user)


@dataclass
class MemoryState:
    identity: IdentityState = field(default_factory=IdentityState)
    profiles: ProfilesState = field(default_factory=ProfilesState)
    settings: SettingsState = field(default_factory=SettingsState)
    notifications: NotificationsState = field(default_factory=NotificationsState)
    # id -> row (id, topic, payload, dedupe_key, created_at, dispatched_at, attempts)
    outbox: dict[str, dict[str, Any]] = field(default_factory=dict)
    inbox: dict[str, ReceivedWebhook] = field(default_factory=dict)
    audit: AuditState = field(default_factory=AuditState)
    idempotency: IdempotencyState = field(default_factory=IdempotencyState)
    jobs: JobsState = field(default_factory=JobsState)
    payments: PaymentsState = field(default_factory=PaymentsState)
    free_credits: FreeCreditsState = field(default_factory=FreeCreditsState)
    invitations: InvitationsState = field(default_factory=InvitationsState)
    access: AccessState = field(default_factory=AccessState)
    assistant: AssistantState = field(default_factory=AssistantState)
    community: CommunityState = field(default_factory=CommunityState)
    support: SupportState = field(default_factory=SupportState)
    project_activity: ProjectActivityState = field(default_factory=ProjectActivityState)
    account: AccountState = field(default_factory=AccountState)
    economy: EconomyState = field(default_factory=EconomyState)
    # The credits ledger still keeps its Book under extra["ledger"]: its repository belongs to
    # the credits owner, who moves it to a typed part. Nothing else may use this bag.
    extra: dict[str, Any] = field(default_factory=dict)


class MemoryStore:
    """Transactions are serialised by one lock; a rollback restores the snapshot."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.lock = asyncio.Lock()
        self.commits = 0

    def snapshot(self) -> MemoryState:
        return copy.deepcopy(self.state)
