"""Spend: idempotent by the caller's key, refusals stay refused, transient conflicts retried."""

from __future__ import annotations

import pytest

from application.credits.atomic_posting import UnitOfWorkAtomicLedger
from application.credits.ledger_service import CreditsLedger
from application.credits.ports import KeyTaken
from application.credits.spend import ReplayedInsufficientCredits, Spend
from application.transient import StorageBusy, TransientConflict
from domain.credits.entry_types import EntryType
from domain.credits.errors import InsufficientCredits
from domain.credits.outcomes import Posted
from domain.credits.transactions import LedgerTransaction
from domain.errors import DuplicateRequest


async def fund(uow, clock, user: str, amount: int) -> None:
    async with uow() as u:
        await CreditsLedger(clock).grant(
            u, user_id=user, amount=amount, type_=EntryType.BONUS, key=f"fund-{amount}", reason="f"
        )
        await u.commit()


async def test_spend_then_replay_then_conflict(uow, clock):
    await fund(uow, clock, "u1", 10)
    spend = Spend(UnitOfWorkAtomicLedger(uow), clock)
    first = await spend(user_id="u1", amount=3, purpose="ai", idempotency_key="k")
    again = await spend(user_id="u1", amount=3, purpose="ai", idempotency_key="k")
    assert (first.balance, first.replayed) == (7, False)
    assert (again.transaction_id, again.balance, again.replayed) == (first.transaction_id, 7, True)
    with pytest.raises(DuplicateRequest):
        await spend(user_id="u1", amount=3, purpose="other purpose", idempotency_key="k")
    await fund(uow, clock, "u2", 5)
    other_user = await spend(user_id="u2", amount=1, purpose="ai", idempotency_key="k")
    assert (other_user.balance, other_user.replayed) == (4, False)  # keys are per caller


async def test_refused_key_never_succeeds_later(uow, clock):
    spend = Spend(UnitOfWorkAtomicLedger(uow), clock)
    with pytest.raises(InsufficientCredits) as first:
        await spend(user_id="u1", amount=5, purpose="ai", idempotency_key="k")
    assert not isinstance(first.value, ReplayedInsufficientCredits)
    assert first.value.details == {"balance": 0, "available": 0, "required": 5}
    await fund(uow, clock, "u1", 100)
    with pytest.raises(ReplayedInsufficientCredits):
        await spend(user_id="u1", amount=5, purpose="ai", idempotency_key="k")
    ok = await spend(user_id="u1", amount=5, purpose="ai", idempotency_key="k2")
    assert ok.balance == 95


class FlakyLedger:
    """Fails transiently ``failures`` times, then posts (like a deadlock victim retried)."""

    def __init__(self, failures: int, in_flight: bool = False) -> None:
        self.failures = failures
        self.calls = 0
        self.in_flight = in_flight

    async def post_committed(self, tx: LedgerTransaction) -> Posted:
        self.calls += 1
        if self.in_flight:
            raise KeyTaken(None)
        if self.calls <= self.failures:
            raise TransientConflict("deadlock detected")
        return Posted(tx, {tx.wallet_postings()[0].account: 41})


async def test_transient_conflicts_are_retried_never_reported_as_insufficient(clock):
    ledger = FlakyLedger(failures=3)
    result = await Spend(ledger, clock)(user_id="u", amount=1, purpose="p", idempotency_key="k")
    assert result.balance == 41 and ledger.calls == 4


async def test_persistent_conflicts_end_as_service_unavailable(clock):
    with pytest.raises(StorageBusy) as err:
        await Spend(FlakyLedger(failures=100), clock)(
            user_id="u", amount=1, purpose="p", idempotency_key="k"
        )
    assert err.value.code == "SERVICE_UNAVAILABLE"


async def test_key_in_flight_is_a_duplicate_request(clock):
    with pytest.raises(DuplicateRequest, match="in progress"):
        await Spend(FlakyLedger(0, in_flight=True), clock)(
            user_id="u", amount=1, purpose="p", idempotency_key="k"
        )
