"""``fairarena ledger verify``: recompute every balance from the postings."""

from __future__ import annotations

from dataclasses import dataclass

from application.credits.ports import LedgerAudit
from application.credits.unit_of_work import CreditsUnitOfWork
from application.ports.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, eq=False)
class VerifyLedger:
    """Audit the ledger: stored balances vs Σ postings, Σ of all postings, balanced transactions."""

    uow: UnitOfWorkFactory[CreditsUnitOfWork]

    async def __call__(self) -> LedgerAudit:
        async with self.uow() as uow:
            return await uow.ledger.audit()


def is_clean(audit: LedgerAudit) -> bool:
    return not audit.differences and audit.postings_total == 0 and not audit.unbalanced_transactions
