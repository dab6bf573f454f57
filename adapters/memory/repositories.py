"""Every memory repository by the name units of work give it. A context adds its entries here."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from adapters.memory.access import (
    MemoryMembershipRepository,
    MemoryOrganizationRepository,
    MemoryProjectRepository,
    MemoryRoleRepository,
    MemoryScopeChainReader,
    MemoryTeamRepository,
)
from adapters.memory.account import (
    MemoryAccountRecords,
    MemoryActivityLog,
    MemoryExportRepository,
    MemoryStepUpCodes,
)
from adapters.memory.assistant import MemoryAssistantQuota, MemoryConversationRepository
from adapters.memory.audit import MemoryAuditLog, MemoryOrganizationAuditTrail
from adapters.memory.community import (
    MemoryFeedbackRepository,
    MemoryNewsletterRepository,
    MemoryReportRepository,
    MemoryStarRepository,
)
from adapters.memory.credits import (
    MemoryCouponRepository,
    MemoryLedgerRepository,
    MemoryReferralRepository,
)
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
from adapters.memory.project_activity import MemoryProjectActivityRepository
from adapters.memory.settings import MemorySettingsRepository
from adapters.memory.store import MemoryState
from adapters.memory.support import MemoryTicketRepository
from application.ports.clock import Clock

Build = Callable[[MemoryState, Clock], object]

REPOSITORIES: Mapping[str, Build] = {
    "users": lambda state, clock: MemoryUserRepository(state),
    "profiles": lambda state, clock: MemoryProfileRepository(state),
    "settings": lambda state, clock: MemorySettingsRepository(state),
    "notifications": lambda state, clock: MemoryNotificationRepository(state),
    "outbox": lambda state, clock: MemoryOutbox(state, clock.now),
    "inbox": lambda state, clock: MemoryWebhookInbox(state),
    "audit": lambda state, clock: MemoryAuditLog(state),
    "scopes": lambda state, clock: MemoryScopeChainReader(state),
    "organizations": lambda state, clock: MemoryOrganizationRepository(state),
    "teams": lambda state, clock: MemoryTeamRepository(state),
    "projects": lambda state, clock: MemoryProjectRepository(state),
    "roles": lambda state, clock: MemoryRoleRepository(state),
    "memberships": lambda state, clock: MemoryMembershipRepository(state),
    "invitations": lambda state, clock: MemoryInvitationRepository(state),
    "audit_trail": lambda state, clock: MemoryOrganizationAuditTrail(state),
    "processed_messages": lambda state, clock: MemoryProcessedMessages(state),
    "job_runs": lambda state, clock: MemoryJobRuns(state),
    "plans": lambda state, clock: MemoryPlanRepository(state),
    "payments": lambda state, clock: MemoryPaymentRepository(state),
    "phone_verifications": lambda state, clock: MemoryPhoneVerificationRepository(state),
    "ledger": lambda state, clock: MemoryLedgerRepository(state),
    "referrals": lambda state, clock: MemoryReferralRepository(state),
    "coupons": lambda state, clock: MemoryCouponRepository(state),
    "idempotency": lambda state, clock: MemoryIdempotencyStore(state),
    "conversations": lambda state, clock: MemoryConversationRepository(state),
    "assistant_quota": lambda state, clock: MemoryAssistantQuota(state),
    "stars": lambda state, clock: MemoryStarRepository(state),
    "reports": lambda state, clock: MemoryReportRepository(state),
    "feedback": lambda state, clock: MemoryFeedbackRepository(state),
    "newsletter": lambda state, clock: MemoryNewsletterRepository(state),
    "support_tickets": lambda state, clock: MemoryTicketRepository(state),
    "project_activity": lambda state, clock: MemoryProjectActivityRepository(state),
    "activity": lambda state, clock: MemoryActivityLog(state),
    "step_up_codes": lambda state, clock: MemoryStepUpCodes(state),
    "exports": lambda state, clock: MemoryExportRepository(state),
    "account_records": lambda state, clock: MemoryAccountRecords(state),
}
