"""AtomicLedger in terms of the unit of work: the portable path (SQLite, memory, fallbacks)."""

from __future__ import annotations

from application.credits.announce import announce_balance
from application.credits.ports import NO_EFFECTS, Effects, KeyTaken
from application.credits.unit_of_work import CreditsUnitOfWork
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.credits.errors import InsufficientCredits, RecipientNotFound
from domain.credits.outcomes import Posted
from domain.credits.transactions import LedgerTransaction


class UnitOfWorkAtomicLedger:
    """Posts one transaction in its own unit of work; a refusal is committed before it is raised."""

    def __init__(self, uow: UnitOfWorkFactory[CreditsUnitOfWork]) -> None:
        self._uow = uow

    async def post_committed(self, tx: LedgerTransaction, effects: Effects = NO_EFFECTS) -> Posted:
        async with self._uow() as uow:
            stored = await uow.ledger.outcome(tx.idempotency_key)
            if stored is not None:
                raise KeyTaken(stored)
            if effects.live_user is not None:
                receiver = await uow.users.get(effects.live_user)
                if receiver is None or receiver.is_deleted:
                    raise RecipientNotFound()
            try:
                posted = await uow.ledger.post(tx)
            except InsufficientCredits:
                await uow.commit()  # the key stays refused: remember it
                raise
            for posting in tx.wallet_postings():
                await announce_balance(uow, posting.account, tx.id)
            for message in effects.messages:
                await uow.outbox.add(message)
            for entry in effects.audit:
                await uow.audit.append(entry)
            await uow.commit()
            return posted
