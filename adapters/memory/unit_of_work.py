"""In-memory Unit of Work with real transaction semantics (serialised, rollback restores)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from adapters.memory.access import (
    MemoryMembershipRepository,
    MemoryOrganizationRepository,
    MemoryProjectRepository,
    MemoryRoleRepository,
    MemoryScopeChainReader,
    MemoryTeamRepository,
)
from adapters.memory.audit import MemoryAuditLog, MemoryOrganizationAuditTrail
from adapters.memory.credits import MemoryLedgerRepository
from adapters.memory.free_credits import MemoryPhoneVerificationRepository
from adapters.memory.idempotency import MemoryIdempotencyStore
from adapters.memory.identity import MemoryUserRepository
from adapters.memory.inbox import MemoryWebhookInbox
from adapters.memory.invitations import MemoryInvitationRepository
from adapters.memory.jobs import MemoryJobRuns, MemoryProcessedMessages
from adapters.memory.notifications import MemoryNotificationRepository
from adapters.memory.outbox import MemoryOutbox
from adapters.memory.payments import MemoryPaymentRepository, MemoryPlanRepository
from adapters.memory.profiles import MemoryProfileRepository
from adapters.memory.settings import MemorySettingsRepository
from adapters.memory.store import MemoryState, MemoryStore
from application.ports.clock import Clock


class InMemoryUnitOfWork:
    def __init__(self, store: MemoryStore, clock: Clock):
        self._store = store
        self._clock = clock
        self._snapshot: MemoryState | None = None
        self.committed = False

    async def __aenter__(self) -> Self:
        await self._store.lock.acquire()
        self._snapshot = self._store.snapshot()
        state = self._store.state
        self.users = MemoryUserRepository(state)
        self.profiles = MemoryProfileRepository(state)
        self.settings = MemorySettingsRepository(state)
        self.notifications = MemoryNotificationRepository(state)
        self.outbox = MemoryOutbox(state, self._clock.now)
        self.inbox = MemoryWebhookInbox(state)
        self.audit = MemoryAuditLog(state)
        self.scopes = MemoryScopeChainReader(state)
        self.organizations = MemoryOrganizationRepository(state)
        self.teams = MemoryTeamRepository(state)
        self.projects = MemoryProjectRepository(state)
        self.roles = MemoryRoleRepository(state)
        self.memberships = MemoryMembershipRepository(state)
        self.invitations = MemoryInvitationRepository(state)
        self.audit_trail = MemoryOrganizationAuditTrail(state)
        self.processed_messages = MemoryProcessedMessages(state)
        self.job_runs = MemoryJobRuns(state)
        self.plans = MemoryPlanRepository(state)
        self.payments = MemoryPaymentRepository(state)
        self.phone_verifications = MemoryPhoneVerificationRepository(state)
        self.ledger = MemoryLedgerRepository(state)
        self.idempotency = MemoryIdempotencyStore(state)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._snapshot is not None:
                await self.rollback()
        finally:
            self._store.lock.release()

    async def commit(self) -> None:
        self._snapshot = self._store.snapshot()
        self._store.commits += 1
        self.committed = True

    async def rollback(self) -> None:
        if self._snapshot is not None:
            self._store.state.__dict__.update(self._snapshot.__dict__)
            self._snapshot = None


class InMemoryUnitOfWorkFactory:
    def __init__(self, store: MemoryStore, clock: Clock):
        self.store = store
        self._clock = clock

    def __call__(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store, self._clock)
