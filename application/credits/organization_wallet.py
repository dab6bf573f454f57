"""An organization's wallet: balance, history and spending, under ``org:billing:manage``.

Every organization has a wallet in the ledger (``org:<id>``, empty until credited). A deleted
organization keeps it (the ledger is append-only) but the Authorizer finds no such organization
any more, so nothing moves it; spending locks the organization's row first, so a deletion
committing concurrently is either before (404) or after the spend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from application.access.authorizer import Authorizer, ScopeAccess
from application.credits.ledger_service import CreditsLedger
from application.credits.ports import HistoryEntry
from application.credits.posting import settle_in
from application.credits.spend import SpendResult
from application.credits.unit_of_work import EconomyUnitOfWork
from application.pagination import Page, PageRequest
from application.ports.audit import AuditEntry
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.transient import retry_transient
from domain.access.permissions import Permission
from domain.credits import entries
from domain.credits.accounts import org_wallet
from domain.credits.entry_types import EntryType
from domain.credits.idempotency import caller_key
from domain.credits.wallets import Balance
from domain.ids import new_id
from domain.request_context import RequestContext

BILLING = Permission.ORG_BILLING_MANAGE


async def locked_organization(
    authorizer: Authorizer,
    uow: EconomyUnitOfWork,
    user_id: str,
    organization_ref: str,
    permission: Permission,
) -> ScopeAccess:
    """Authorize, then hold the organization's row until the movement commits: a deletion
    committing concurrently comes before it (404) or after it, never in between."""
    access = await authorizer.organization(uow.scopes, user_id, organization_ref, permission)
    await uow.organizations.lock(access.organization.id)
    return access


async def _billed_wallet(
    authorizer: Authorizer, uow: EconomyUnitOfWork, user_id: str, organization_ref: str
) -> str:
    """The organization's wallet, once the caller may manage its billing (reads only)."""
    access = await authorizer.organization(uow.scopes, user_id, organization_ref, BILLING)
    return org_wallet(access.organization.id)


@dataclass(frozen=True, eq=False)
class OrganizationBalance:
    uow: UnitOfWorkFactory[EconomyUnitOfWork]
    authorizer: Authorizer

    async def __call__(self, user_id: str, organization_ref: str) -> Balance:
        async with self.uow() as uow:
            wallet = await _billed_wallet(self.authorizer, uow, user_id, organization_ref)
            return await uow.ledger.balance(wallet)


@dataclass(frozen=True, eq=False)
class OrganizationHistory:
    uow: UnitOfWorkFactory[EconomyUnitOfWork]
    authorizer: Authorizer

    async def __call__(
        self, user_id: str, organization_ref: str, entry_type: EntryType | None, page: PageRequest
    ) -> Page[HistoryEntry]:
        async with self.uow() as uow:
            wallet = await _billed_wallet(self.authorizer, uow, user_id, organization_ref)
            return await uow.ledger.history(wallet, entry_type, page)


@dataclass(frozen=True, eq=False)
class SpendFromOrganization:
    """A DEDUCTION from the organization's wallet, idempotent per organization and key."""

    uow: UnitOfWorkFactory[EconomyUnitOfWork]
    ledger: CreditsLedger
    clock: Clock
    authorizer: Authorizer

    async def __call__(
        self,
        *,
        user_id: str,
        organization_ref: str,
        amount: int,
        purpose: str,
        idempotency_key: str,
        metadata: Mapping[str, object] | None = None,
        context: RequestContext | None = None,
    ) -> SpendResult:
        async def attempt() -> SpendResult:
            async with self.uow() as uow:
                access = await locked_organization(
                    self.authorizer, uow, user_id, organization_ref, BILLING
                )
                wallet = org_wallet(access.organization.id)
                now = self.clock.now()
                tx = entries.deduction(
                    tx_id=new_id(),
                    wallet=wallet,
                    amount=amount,
                    key=caller_key("spend", wallet, idempotency_key),
                    description=purpose,
                    now=now,
                    metadata={**(metadata or {}), "spentBy": user_id},
                )
                audit = AuditEntry(
                    scope_type="organization",
                    scope_id=access.organization.id,
                    actor_id=user_id,
                    action="credits.spent",
                    target_type="wallet",
                    target_id=wallet,
                    created_at=now,
                    after={"transactionId": tx.id, "amount": amount, "purpose": purpose},
                    context=context or RequestContext(),
                )
                posted, replayed = await settle_in(uow, self.ledger, tx, (audit,), ())
                return SpendResult(posted.transaction.id, posted.balances_after[wallet], replayed)

        return await retry_transient(attempt)
