"""The SQLAlchemy Unit of Work: one connection, one transaction, every repository on it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.repositories.access.chain_reader import SqlScopeChainReader
from adapters.sqlalchemy.repositories.access.memberships import (
    SqlMembershipRepository,
    SqlRoleRepository,
)
from adapters.sqlalchemy.repositories.access.scopes import (
    SqlOrganizationRepository,
    SqlProjectRepository,
    SqlTeamRepository,
)
from adapters.sqlalchemy.repositories.audit import SqlAuditLog, SqlOrganizationAuditTrail
from adapters.sqlalchemy.repositories.credits.ledger import SqlLedgerRepository
from adapters.sqlalchemy.repositories.free_credits import SqlPhoneVerificationRepository
from adapters.sqlalchemy.repositories.idempotency import SqlIdempotencyStore
from adapters.sqlalchemy.repositories.identity import SqlUserRepository
from adapters.sqlalchemy.repositories.inbox import SqlWebhookInbox
from adapters.sqlalchemy.repositories.invitations import SqlInvitationRepository
from adapters.sqlalchemy.repositories.jobs import SqlJobRuns, SqlProcessedMessages
from adapters.sqlalchemy.repositories.notifications import SqlNotificationRepository
from adapters.sqlalchemy.repositories.outbox import SqlOutbox
from adapters.sqlalchemy.repositories.payments import SqlPaymentRepository, SqlPlanRepository
from adapters.sqlalchemy.repositories.profiles import SqlProfileRepository
from adapters.sqlalchemy.repositories.settings import SqlSettingsRepository
from application.ports.clock import Clock


class SqlAlchemyUnitOfWork:
    def __init__(self, engine: AsyncEngine, clock: Clock):
        self._engine = engine
        self._clock = clock
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        conn = self._conn = await self._engine.connect()
        await conn.begin()
        self.users = SqlUserRepository(conn)
        self.profiles = SqlProfileRepository(conn)
        self.settings = SqlSettingsRepository(conn)
        self.notifications = SqlNotificationRepository(conn)
        self.outbox = SqlOutbox(conn, self._clock.now)
        self.inbox = SqlWebhookInbox(conn)
        self.audit = SqlAuditLog(conn)
        self.scopes = SqlScopeChainReader(conn)
        self.organizations = SqlOrganizationRepository(conn)
        self.teams = SqlTeamRepository(conn)
        self.projects = SqlProjectRepository(conn)
        self.roles = SqlRoleRepository(conn, self._clock.now)
        self.memberships = SqlMembershipRepository(conn)
        self.invitations = SqlInvitationRepository(conn)
        self.audit_trail = SqlOrganizationAuditTrail(conn)
        self.processed_messages = SqlProcessedMessages(conn)
        self.job_runs = SqlJobRuns(conn)
        self.plans = SqlPlanRepository(conn)
        self.payments = SqlPaymentRepository(conn)
        self.phone_verifications = SqlPhoneVerificationRepository(conn)
        self.ledger = SqlLedgerRepository(conn)
        self.idempotency = SqlIdempotencyStore(conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                await conn.rollback()
        finally:
            await conn.close()

    @property
    def connection(self) -> AsyncConnection:
        """For adapters that need raw SQL inside this transaction (e.g. ledger fast paths)."""
        if self._conn is None:
            raise RuntimeError("unit of work is not active")
        return self._conn

    async def commit(self) -> None:
        await self.connection.commit()

    async def rollback(self) -> None:
        await self.connection.rollback()


class SqlAlchemyUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine, clock: Clock):
        self._engine = engine
        self._clock = clock

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self._engine, self._clock)
