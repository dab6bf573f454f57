"""The free-credits (phone verification) context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.account.ports import ActivityUnitOfWork
from application.credits.unit_of_work import LedgerUnitOfWork
from application.free_credits.ports import PhoneVerificationRepository
from application.identity.ports import UserRepository
from application.ports.outbox import Outbox


class FreeCreditsUnitOfWork(LedgerUnitOfWork, ActivityUnitOfWork, Protocol):
    """A claim posts the initial allocation in the verification's own transaction."""

    phone_verifications: PhoneVerificationRepository
    users: UserRepository
    outbox: Outbox
