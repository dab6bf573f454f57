"""``fairarena ledger verify``: recompute every balance from the postings."""

from __future__ import annotations

from application.credits.ports import LedgerAudit
from application.credits.unit_of_work import CreditsUnitOfWork
from application.ports.unit_of_work import UnitOfWorkFactory


class VerifyLedger:
    """Audit the ledger: stored balances vs Σ postings, Σ of all postings, balanced transactions."""

    def __init__(self, uow: UnitOfWorkFactory[CreditsUnitOfWork]) -> None:
        self._uow = uow

    async def __call__(self) -> LedgerAudit:
        async with self._uow() as uow:
            return await uow.ledger.audit()


def is_clean(audit: LedgerAudit) -> bool:
    return not audit.differences and audit.postings_total == 0 and not audit.unbalanced_transactions
