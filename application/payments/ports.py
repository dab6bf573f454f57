"""Persistence of plans and payments, and what payments need from the credits ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from application.pagination import Page, PageRequest
from domain.payments.events import PaymentEvent
from domain.payments.payment import Payment
from domain.payments.plan import Plan
from domain.payments.status import PaymentStatus


class PlanRepository(Protocol):
    async def get(self, plan_id: str) -> Plan | None: ...

    async def list(self, *, include_inactive: bool = False) -> list[Plan]:
        """Plans by price (amount, then plan id)."""
        ...

    async def add(self, plan: Plan) -> bool:
        """Insert; False when the plan id or the name is taken."""
        ...

    async def save(self, plan: Plan) -> None: ...


@dataclass(frozen=True)
class DueCheck:
    """A payment reconciliation should look at now."""

    payment_id: str
    failed_checks: int  # gateway lookups that failed in a row


class PaymentRepository(Protocol):
    """The id, the receipt, the gateway order and payment ids and the gateway refund ids are
    unique: a write that would repeat one raises ``DuplicateKey``."""

    async def add(self, payment: Payment) -> None: ...

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        """With its refunds; ``for_update`` locks the row until the transaction ends."""
        ...

    async def get_by_order(
        self, gateway_order_id: str, *, for_update: bool = False
    ) -> Payment | None: ...

    async def save(self, payment: Payment) -> None:
        """Update the payment row and upsert its refunds."""
        ...

    async def append_events(self, events: Sequence[PaymentEvent]) -> None:
        """Append to the immutable trail (never updated, never deleted)."""
        ...

    async def events(self, payment_id: str) -> list[PaymentEvent]:
        """The trail, oldest first."""
        ...

    async def find_reusable(
        self, user_id: str, plan_id: str, created_after: datetime
    ) -> Payment | None:
        """The caller's newest PENDING payment for the plan with a gateway order, if recent."""
        ...

    async def list_for_user(
        self, user_id: str, page: PageRequest, status: PaymentStatus | None = None
    ) -> Page[Payment]:
        """Newest first."""
        ...

    async def due_for_reconciliation(
        self, created_before: datetime, cancelled_after: datetime, limit: int, *, now: datetime
    ) -> list[DueCheck]:
        """PENDING/PROCESSING payments created before the cut-off, payments CANCELLED after
        ``cancelled_after`` (a late capture must not be lost) and payments with a refund still
        REQUESTED that the gateway has not reported yet; none deferred past ``now``
        (``defer_reconciliation``). Those with the fewest failed checks first, then oldest first,
        so payments that keep failing never crowd out the others."""
        ...

    async def defer_reconciliation(
        self, payment_id: str, *, failed_checks: int, until: datetime | None
    ) -> None:
        """Record how many checks in a row failed and when to look again (0 and None: a clean
        slate). Not part of the aggregate: it never changes the payment's state or events."""
        ...


class PostedPurchase(Protocol):
    transaction_id: str
    amount: int
    balance_after: int


class ClawBackResult(Protocol):
    clawed: int
    shortfall: int


class WalletBalance(Protocol):
    balance: int
    held: int
    available: int


class PurchaseLedger(Protocol):
    """The slice of ``CreditsLedger`` (owned by the credits context) payments call, always inside
    the caller's unit of work so the ledger entry and the payment change commit together."""

    async def post_purchase(
        self, uow: Any, *, user_id: str, payment_id: str, credits: int, description: str
    ) -> PostedPurchase: ...

    async def claw_back_refund(
        self,
        uow: Any,
        *,
        user_id: str,
        payment_id: str,
        refund_id: str,
        credits: int,
        description: str,
    ) -> ClawBackResult: ...

    async def balance(self, uow: Any, user_id: str) -> WalletBalance: ...


class PaymentMilestones(Protocol):
    """What the settlement funnel tells others, inside its transaction (``ReferralProgram`` of
    the credits context: a first payment's rewards and their reversal on a full refund)."""

    async def payment_completed(self, uow: Any, user_id: str, payment_id: str) -> None: ...

    async def payment_refunded(self, uow: Any, user_id: str, payment_id: str) -> None: ...
