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

from application.credits.ports import LedgerRepository
from application.identity.ports import UserRepository
from application.jobs.ports import JobRuns, ProcessedMessages
from application.notifications.ports import NotificationRepository
from application.phone_verification.ports import PhoneVerificationRepository
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
    phone_verifications: PhoneVerificationRepository
    processed_messages: ProcessedMessages
    job_runs: JobRuns
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
