"""Read the caller's wallet: balance and history. Never cached, so always read-your-writes."""

from __future__ import annotations

from dataclasses import dataclass

from application.credits.ports import HistoryEntry
from application.credits.unit_of_work import CreditsUnitOfWork
from application.pagination import Page, PageRequest
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.credits.accounts import user_wallet
from domain.credits.entry_types import EntryType
from domain.credits.lots import Lot, open_lots
from domain.credits.wallets import Balance

EXPIRING_SHOWN = 3


@dataclass(frozen=True, eq=False)
class GetBalance:
    """``{balance, held, available}`` of the caller's wallet (0 for a wallet never credited)."""

    uow: UnitOfWorkFactory[CreditsUnitOfWork]

    async def __call__(self, user_id: str) -> Balance:
        async with self.uow() as uow:
            return await uow.ledger.balance(user_wallet(user_id))

    async def with_expiring(self, user_id: str) -> tuple[Balance, list[Lot]]:
        """The balance and the next ``EXPIRING_SHOWN`` lots to expire (API.md ``expiring``)."""
        wallet = user_wallet(user_id)
        async with self.uow() as uow:
            balance = await uow.ledger.balance(wallet)
            lots = open_lots(await uow.ledger.lots(wallet)) if balance.balance else []
        return balance, lots[:EXPIRING_SHOWN]


@dataclass(frozen=True, eq=False)
class GetHistory:
    """The caller's ledger entries, newest first, optionally of one type."""

    uow: UnitOfWorkFactory[CreditsUnitOfWork]

    async def __call__(
        self, user_id: str, entry_type: EntryType | None, page: PageRequest
    ) -> Page[HistoryEntry]:
        async with self.uow() as uow:
            return await uow.ledger.history(user_wallet(user_id), entry_type, page)
