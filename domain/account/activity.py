"""The per-user security and activity log: what happened to an account, from where.

Entries are appended in the transaction of the change they record and never changed; they leave
only by retention (``ACTIVITY_RETENTION``) or with the account's erasure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.ids import new_id
from domain.request_context import RequestContext

ACTIVITY_RETENTION = timedelta(days=60)
MAX_ACTION_LENGTH = 64


class ActivityLevel(StrEnum):
    INFO = "INFO"
    WARN = "WARN"
    CRITICAL = "CRITICAL"


class Action(StrEnum):
    """Every action the log records (API.md "Account security and lifecycle")."""

    PROFILE_UPDATED = "profile.updated"
    SETTINGS_UPDATED = "settings.updated"
    SETTINGS_RESET = "settings.reset"
    PHONE_VERIFIED = "phone.verified"
    FREE_CREDITS_CLAIMED = "free_credits.claimed"
    PAYMENT_COMPLETED = "payment.completed"
    PAYMENT_FAILED = "payment.failed"
    REFUND_ISSUED = "refund.issued"
    ROLE_CHANGED = "role.changed"
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_DECLINED = "invitation.declined"
    VERIFICATION_CODE_SENT = "verification.code_sent"
    VERIFICATION_SUCCEEDED = "verification.succeeded"
    VERIFICATION_FAILED = "verification.failed"
    VERIFICATION_LOCKED = "verification.locked"
    LOGS_READ = "activity.read"
    EXPORT_REQUESTED = "export.requested"
    EXPORT_READY = "export.ready"
    EXPORT_DOWNLOADED = "export.downloaded"
    ACCOUNT_DELETED = "account.deleted"
    ACCOUNT_RECOVERED = "account.recovered"
    DELETION_WARNING_SENT = "account.deletion_warning_sent"
    AI_TOOL_WRITE = "assistant.tool_write"
    SUPPORT_REPLY = "support.reply"


@dataclass(frozen=True)
class ActivityEntry:
    user_id: str
    action: str
    level: ActivityLevel
    created_at: datetime
    metadata: Mapping[str, Any] = field(default_factory=dict)
    context: RequestContext = field(default_factory=RequestContext)
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if not self.action or len(self.action) > MAX_ACTION_LENGTH:
            raise ValueError(f"an action is 1..{MAX_ACTION_LENGTH} characters")
