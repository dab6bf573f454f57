"""The Unit of Work owns the transaction; repositories never commit.

Usage in a use case::

    async with self.uow() as uow:
        ...
        await uow.commit()

Leaving the block without ``commit()`` rolls back. Contexts add their repositories here.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from application.access.ports import (
    MembershipRepository,
    OrganizationRepository,
    ProjectRepository,
    RoleRepository,
    ScopeChainReader,
    TeamRepository,
)
from application.audit.ports import OrganizationAuditTrail
from application.credits.ports import LedgerRepository
from application.free_credits.ports import PhoneVerificationRepository
from application.identity.ports import UserRepository
from application.invitations.ports import InvitationRepository
from application.jobs.ports import JobRuns, ProcessedMessages
from application.notifications.ports import NotificationRepository
from application.payments.ports import PaymentRepository, PlanRepository
from application.ports.audit import AuditLog
from application.ports.idempotency import IdempotencyStore
from application.ports.inbox import WebhookInbox
from application.ports.outbox import Outbox
from application.profiles.ports import ProfileRepository
from application.settings.ports import SettingsRepository


class UnitOfWork(Protocol):
    users: UserRepository
    profiles: ProfileRepository
    settings: SettingsRepository
    notifications: NotificationRepository
    outbox: Outbox
    inbox: WebhookInbox
    audit: AuditLog
    scopes: ScopeChainReader
    organizations: OrganizationRepository
    teams: TeamRepository
    projects: ProjectRepository
    roles: RoleRepository
    memberships: MembershipRepository
    invitations: InvitationRepository
    audit_trail: OrganizationAuditTrail
    processed_messages: ProcessedMessages
    job_runs: JobRuns
    plans: PlanRepository
    payments: PaymentRepository
    phone_verifications: PhoneVerificationRepository
    ledger: LedgerRepository
    idempotency: IdempotencyStore

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
