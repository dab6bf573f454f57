"""Promotional lots on the memory unit of work: what spends consume, the daily job, the balance."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.credits.atomic_posting import UnitOfWorkAtomicLedger
from application.credits.expire_lots import ExpirePromotionalCredits
from application.credits.ledger_service import CreditsLedger
from application.credits.queries import GetBalance
from application.credits.spend import Spend
from application.credits.verify_ledger import VerifyLedger, is_clean
from domain.credits.accounts import user_wallet
from domain.credits.entry_types import EntryType
from domain.credits.errors import InsufficientCredits


async def run(uow, work):
    async with uow() as u:
        result = await work(u)
        await u.commit()
        return result


def notices(uow, title: str) -> list[dict]:
    return [
        r["payload"] for r in uow.store.state.outbox.values() if r["payload"].get("title") == title
    ]


async def test_spends_take_the_lot_that_expires_first_and_the_job_expires_the_rest(uow, clock):
    ledger = CreditsLedger(clock, timedelta(days=30))
    grant = lambda amount, type_, key: run(  # noqa: E731
        uow,
        lambda u: ledger.grant(u, user_id="u", amount=amount, type_=type_, key=key, reason="r"),
    )
    await grant(100, EntryType.BONUS, "early")  # expires on day 30
    clock.current += timedelta(days=10)
    await grant(50, EntryType.BONUS, "late")  # expires on day 40
    await grant(40, EntryType.ADJUSTMENT, "never")  # never expires
    await run(
        uow,
        lambda u: ledger.post_purchase(u, user_id="u", payment_id="p", credits=10, description="b"),
    )

    balance, lots = await GetBalance(uow).with_expiring("u")
    assert balance.balance == 200 and [(lot.remaining, lot.amount) for lot in lots] == [
        (100, 100),
        (50, 50),
    ]

    spend = Spend(UnitOfWorkAtomicLedger(uow), clock)
    await spend(user_id="u", amount=120, purpose="x", idempotency_key="s1")
    _, lots = await GetBalance(uow).with_expiring("u")
    assert [lot.remaining for lot in lots] == [30]  # the first lot fully, then the next one

    job = ExpirePromotionalCredits(uow, clock)
    clock.current += timedelta(days=24)  # day 34: the second lot expires within 7 days
    first = await job()
    again = await job()
    assert (first.expired_lots, first.warnings, again.warnings) == (0, 1, 0)
    (warning,) = notices(uow, "Credits expiring soon")
    assert warning["userId"] == "u" and "30 promotional credits" in warning["message"]

    clock.current += timedelta(days=7)  # day 41: it has expired
    done = await job()
    assert (done.expired_lots, done.expired_credits) == (1, 30)
    assert (await job()).expired_lots == 0  # exactly once
    balance, lots = await GetBalance(uow).with_expiring("u")
    assert (balance.balance, lots) == (50, [])  # 40 adjusted + 10 bought: they never expire
    assert is_clean(await VerifyLedger(uow)())


async def test_a_spend_never_consumes_an_expired_lot_even_before_the_job(uow, clock):
    ledger = CreditsLedger(clock, timedelta(days=1))
    await run(
        uow,
        lambda u: ledger.grant(
            u, user_id="u", amount=10, type_=EntryType.BONUS, key="b", reason="r"
        ),
    )
    clock.current += timedelta(days=2)

    spend = Spend(UnitOfWorkAtomicLedger(uow), clock)
    with pytest.raises(InsufficientCredits):
        await spend(user_id="u", amount=1, purpose="x", idempotency_key="late")
    async with uow() as u:
        assert (await u.ledger.balance(user_wallet("u"))).balance == 0
        history = await u.ledger.lots(user_wallet("u"))
    assert [lot.remaining for lot in history] == [0]
