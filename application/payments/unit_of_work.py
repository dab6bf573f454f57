"""The payments context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.account.ports import ActivityUnitOfWork
from application.credits.unit_of_work import RewardsUnitOfWork
from application.identity.ports import UserRepository
from application.payments.ports import PaymentRepository, PlanRepository
from application.ports.inbox import WebhookInbox
from application.ports.outbox import Outbox


class PaymentsUnitOfWork(RewardsUnitOfWork, ActivityUnitOfWork, Protocol):
    """Settlement credits the ledger (and the referral rewards) and tells the buyer in the
    payment's own transaction."""

    payments: PaymentRepository
    plans: PlanRepository
    users: UserRepository
    inbox: WebhookInbox
    outbox: Outbox
