"""Post one transaction in a unit of work and commit it with its side effects, exactly once.

Used by the movements that are authorized in the same transaction (organization wallets,
transfers touching an organization): a used key replays its first answer (a refusal stays a
refusal, marked replayed), a refusal is committed under its key before it is raised, and the
audit rows and outbox messages commit with the posting only when it is new.
"""

from __future__ import annotations

from collections.abc import Sequence

from application.credits.ledger_service import CreditsLedger
from application.credits.spend import ReplayedInsufficientCredits
from application.credits.unit_of_work import CreditsUnitOfWork
from application.ports.audit import AuditEntry
from application.ports.outbox_commands import OutboxCommand
from domain.credits.errors import InsufficientCredits
from domain.credits.outcomes import Outcome, Posted
from domain.credits.rules import replay_posted
from domain.credits.transactions import LedgerTransaction


def replayed(stored: Outcome, tx: LedgerTransaction) -> Posted:
    """What a used key answers; a refusal says it is a replay (``Idempotent-Replayed``)."""
    try:
        return replay_posted(stored, tx.fingerprint)
    except InsufficientCredits as refused:
        raise ReplayedInsufficientCredits(
            balance=refused.balance, available=refused.available, required=refused.required
        ) from None


async def settle_in(
    uow: CreditsUnitOfWork,
    ledger: CreditsLedger,
    tx: LedgerTransaction,
    audit: Sequence[AuditEntry],
    messages: Sequence[OutboxCommand],
) -> tuple[Posted, bool]:
    """(the posting, whether it is a replay), committed."""
    stored = await uow.ledger.outcome(tx.idempotency_key)
    if stored is not None:
        return replayed(stored, tx), True
    try:
        result = await ledger.post(uow, tx)
    except InsufficientCredits:
        await uow.commit()  # the key stays refused: remember it
        raise
    if not result.replayed:
        for entry in audit:
            await uow.audit.append(entry)
        for message in messages:
            await uow.outbox.add(message)
        await uow.commit()
    return result.posted, result.replayed
