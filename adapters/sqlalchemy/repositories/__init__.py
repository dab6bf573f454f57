"""Every SQL repository by the name units of work give it. A context adds its entries here."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncConnection

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
from adapters.sqlalchemy.repositories.account.activity import (
    SqlActivityLog,
    SqlExportRepository,
    SqlStepUpCodes,
)
from adapters.sqlalchemy.repositories.account.records import SqlAccountRecords
from adapters.sqlalchemy.repositories.assistant import (
    SqlAssistantQuota,
    SqlConversationRepository,
)
from adapters.sqlalchemy.repositories.audit import SqlAuditLog, SqlOrganizationAuditTrail
from adapters.sqlalchemy.repositories.community import (
    SqlFeedbackRepository,
    SqlNewsletterRepository,
    SqlReportRepository,
    SqlStarRepository,
)
from adapters.sqlalchemy.repositories.credits.economy import (
    SqlCouponRepository,
    SqlReferralRepository,
)
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
from adapters.sqlalchemy.repositories.project_activity import SqlProjectActivityRepository
from adapters.sqlalchemy.repositories.settings import SqlSettingsRepository
from adapters.sqlalchemy.repositories.support import SqlTicketRepository
from application.ports.clock import Clock

Build = Callable[[AsyncConnection, Clock], object]

REPOSITORIES: Mapping[str, Build] = {
    "users": lambda conn, clock: SqlUserRepository(conn),
    "profiles": lambda conn, clock: SqlProfileRepository(conn),
    "settings": lambda conn, clock: SqlSettingsRepository(conn),
    "notifications": lambda conn, clock: SqlNotificationRepository(conn),
    "outbox": lambda conn, clock: SqlOutbox(conn, clock.now),
    "inbox": lambda conn, clock: SqlWebhookInbox(conn),
    "audit": lambda conn, clock: SqlAuditLog(conn),
    "scopes": lambda conn, clock: SqlScopeChainReader(conn),
    "organizations": lambda conn, clock: SqlOrganizationRepository(conn),
    "teams": lambda conn, clock: SqlTeamRepository(conn),
    "projects": lambda conn, clock: SqlProjectRepository(conn),
    "roles": lambda conn, clock: SqlRoleRepository(conn, clock.now),
    "memberships": lambda conn, clock: SqlMembershipRepository(conn),
    "invitations": lambda conn, clock: SqlInvitationRepository(conn),
    "audit_trail": lambda conn, clock: SqlOrganizationAuditTrail(conn),
    "processed_messages": lambda conn, clock: SqlProcessedMessages(conn),
    "job_runs": lambda conn, clock: SqlJobRuns(conn),
    "plans": lambda conn, clock: SqlPlanRepository(conn),
    "payments": lambda conn, clock: SqlPaymentRepository(conn),
    "phone_verifications": lambda conn, clock: SqlPhoneVerificationRepository(conn),
    "ledger": lambda conn, clock: SqlLedgerRepository(conn),
    "referrals": lambda conn, clock: SqlReferralRepository(conn),
    "coupons": lambda conn, clock: SqlCouponRepository(conn),
    "idempotency": lambda conn, clock: SqlIdempotencyStore(conn),
    "conversations": lambda conn, clock: SqlConversationRepository(conn),
    "assistant_quota": lambda conn, clock: SqlAssistantQuota(conn),
    "stars": lambda conn, clock: SqlStarRepository(conn),
    "reports": lambda conn, clock: SqlReportRepository(conn),
    "feedback": lambda conn, clock: SqlFeedbackRepository(conn),
    "newsletter": lambda conn, clock: SqlNewsletterRepository(conn),
    "support_tickets": lambda conn, clock: SqlTicketRepository(conn),
    "project_activity": lambda conn, clock: SqlProjectActivityRepository(conn),
    "activity": lambda conn, clock: SqlActivityLog(conn),
    "step_up_codes": lambda conn, clock: SqlStepUpCodes(conn),
    "exports": lambda conn, clock: SqlExportRepository(conn),
    "account_records": lambda conn, clock: SqlAccountRecords(conn),
}
