"""The account context's units of work."""

from __future__ import annotations

from typing import Protocol

from application.account.ports import (
    AccountRecords,
    ActivityUnitOfWork,
    ExportRepository,
    StepUpCodes,
)
from application.identity.ports import UserRepository
from application.invitations.unit_of_work import RevocationUnitOfWork
from application.ports.audit import AuditLog
from application.ports.outbox import Outbox


class DeletionUnitOfWork(RevocationUnitOfWork, ActivityUnitOfWork, Protocol):
    """Deleting an account (the user's request or the identity provider's event): the user, its
    pending invitations, the audit trail, the activity log and the notices, in one transaction."""

    users: UserRepository
    outbox: Outbox
    audit: AuditLog


class AccountUnitOfWork(DeletionUnitOfWork, Protocol):
    step_up_codes: StepUpCodes
    exports: ExportRepository
    account_records: AccountRecords
