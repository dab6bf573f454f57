"""Transfers (POST /credits/transfer, POST /organization/{orgId}/credits/transfer).

One ledger transaction: TRANSFER_OUT on the sender, TRANSFER_IN on the receiver, both or neither,
idempotent per sender and Idempotency-Key (the key is ``transfer:<sender wallet>:<hash>``).
User → user goes through ``AtomicLedger`` (one statement on PostgreSQL; the receiver's liveness,
the audit rows, the receiver's notification and both balance events commit with it). Transfers
that touch an organization's wallet are authorized and posted in one unit of work that also
locks the organization's row, so a deleted organization (whose wallet stays, for the audit)
takes no new movement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.access.authorizer import Authorizer
from application.credits.ledger_service import CreditsLedger
from application.credits.organization_wallet import BILLING, locked_organization
from application.credits.ports import AtomicLedger, Effects, KeyTaken
from application.credits.posting import replayed, settle_in
from application.credits.unit_of_work import EconomyUnitOfWork
from application.ports.audit import AuditEntry
from application.ports.clock import Clock
from application.ports.outbox_commands import CreateNotification
from application.ports.unit_of_work import UnitOfWorkFactory
from application.transient import retry_transient
from domain.access.permissions import Permission
from domain.credits import entries
from domain.credits.accounts import org_wallet, user_wallet
from domain.credits.errors import MembersOnly, RecipientNotFound, SelfTransfer
from domain.credits.idempotency import caller_key
from domain.credits.outcomes import Posted
from domain.credits.transactions import LedgerTransaction
from domain.errors import DuplicateRequest
from domain.ids import new_id
from domain.notifications.notification import NotificationType
from domain.request_context import RequestContext


@dataclass(frozen=True)
class TransferResult:
    transaction_id: str
    balance: int  # the sender's wallet after the transfer
    replayed: bool


@dataclass(frozen=True)
class TransferOrder:
    """What a caller asked: ``amount`` credits from ``source`` to ``target`` with a note."""

    source: str
    target: str
    amount: int
    note: str
    idempotency_key: str
    actor_id: str


def transfer_key(source_wallet: str, idempotency_key: str) -> str:
    return caller_key("transfer", source_wallet, idempotency_key)


def build_transfer(order: TransferOrder, tx_id: str, now: datetime) -> LedgerTransaction:
    return entries.transfer(
        tx_id=tx_id,
        source=order.source,
        target=order.target,
        amount=order.amount,
        key=transfer_key(order.source, order.idempotency_key),
        description=order.note,
        now=now,
        metadata={"from": order.source, "to": order.target, "by": order.actor_id},
    )


def received_notice(user_id: str, tx: LedgerTransaction, amount: int) -> CreateNotification:
    note = f": {tx.description}" if tx.description else ""
    return CreateNotification(
        user_id=user_id,
        title="Credits received",
        message=f"You received {amount} credits{note}",
        type=NotificationType.SYSTEM,
        action_url="/credits",
        metadata={"transactionId": tx.id, "amount": amount, "from": tx.postings[0].account},
    )


def transfer_audit(
    tx: LedgerTransaction, scope: tuple[str, str], actor_id: str, context: RequestContext | None
) -> AuditEntry:
    source, target = tx.postings[0], tx.postings[1]
    return AuditEntry(
        scope_type=scope[0],
        scope_id=scope[1],
        actor_id=actor_id,
        action="credits.transferred",
        target_type="wallet",
        target_id=target.account,
        created_at=tx.created_at,
        after={
            "transactionId": tx.id,
            "from": source.account,
            "to": target.account,
            "amount": target.amount,
            "note": tx.description,
        },
        context=context or RequestContext(),
    )


def _result(posted: Posted, source: str, replayed: bool) -> TransferResult:
    return TransferResult(posted.transaction.id, posted.balances_after[source], replayed)


@dataclass(frozen=True, eq=False)
class TransferCredits:
    """A signed-in user's transfer to another active user or to an organization they belong to,
    and an organization's (``org:billing:manage``) transfer to one of its members."""

    uow: UnitOfWorkFactory[EconomyUnitOfWork]
    atomic: AtomicLedger
    ledger: CreditsLedger
    clock: Clock
    authorizer: Authorizer

    async def to_user(
        self,
        *,
        user_id: str,
        receiver_id: str,
        amount: int,
        note: str,
        idempotency_key: str,
        context: RequestContext | None = None,
    ) -> TransferResult:
        if receiver_id == user_id:
            raise SelfTransfer()
        order = TransferOrder(
            user_wallet(user_id), user_wallet(receiver_id), amount, note, idempotency_key, user_id
        )
        tx = build_transfer(order, new_id(), self.clock.now())
        effects = Effects(
            messages=(received_notice(receiver_id, tx, amount),),
            audit=(
                transfer_audit(tx, ("user", user_id), user_id, context),
                transfer_audit(tx, ("user", receiver_id), user_id, context),
            ),
            live_user=receiver_id,
        )

        async def attempt() -> TransferResult:
            try:
                posted = await self.atomic.post_committed(tx, effects)
            except KeyTaken as taken:
                if taken.outcome is None:
                    raise DuplicateRequest(
                        "A request with this Idempotency-Key is still in progress"
                    ) from None
                return _result(replayed(taken.outcome, tx), order.source, True)
            return _result(posted, order.source, False)

        return await retry_transient(attempt)

    async def to_organization(
        self,
        *,
        user_id: str,
        organization_ref: str,
        amount: int,
        note: str,
        idempotency_key: str,
        context: RequestContext | None = None,
    ) -> TransferResult:
        """A member's credits into the organization's wallet."""

        async def attempt() -> TransferResult:
            async with self.uow() as uow:
                access = await locked_organization(
                    self.authorizer, uow, user_id, organization_ref, Permission.ORG_READ
                )
                if access.my_membership is None:
                    raise MembersOnly()
                org = access.organization.id
                order = TransferOrder(
                    user_wallet(user_id), org_wallet(org), amount, note, idempotency_key, user_id
                )
                return await self._post_in(uow, order, ("organization", org), None, context)

        return await retry_transient(attempt)

    async def from_organization(
        self,
        *,
        user_id: str,
        organization_ref: str,
        receiver_id: str,
        amount: int,
        note: str,
        idempotency_key: str,
        context: RequestContext | None = None,
    ) -> TransferResult:
        """The organization's credits to one of its members (``org:billing:manage``)."""

        async def attempt() -> TransferResult:
            async with self.uow() as uow:
                access = await locked_organization(
                    self.authorizer, uow, user_id, organization_ref, BILLING
                )
                org = access.organization.id
                member = await uow.memberships.get(receiver_id, access.node.ref)
                receiver = await uow.users.get(receiver_id)
                if member is None or receiver is None or receiver.is_deleted:
                    raise RecipientNotFound("Member not found")
                order = TransferOrder(
                    org_wallet(org),
                    user_wallet(receiver_id),
                    amount,
                    note,
                    idempotency_key,
                    user_id,
                )
                return await self._post_in(uow, order, ("organization", org), receiver_id, context)

        return await retry_transient(attempt)

    async def _post_in(
        self,
        uow: EconomyUnitOfWork,
        order: TransferOrder,
        scope: tuple[str, str],
        notify: str | None,
        context: RequestContext | None,
    ) -> TransferResult:
        tx = build_transfer(order, new_id(), self.clock.now())
        posted, replayed = await settle_in(
            uow,
            self.ledger,
            tx,
            (transfer_audit(tx, scope, order.actor_id, context),),
            (received_notice(notify, tx, order.amount),) if notify is not None else (),
        )
        return _result(posted, order.source, replayed)
