"""The contract other contexts use (payments, phone), on the memory unit of work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.credits.admin_grant import AdminGrant
from application.credits.expire_holds import ExpireHolds
from application.credits.ledger_service import CreditsLedger
from application.credits.queries import GetBalance, GetHistory
from application.credits.verify_ledger import VerifyLedger, is_clean
from application.pagination import PageRequest
from domain.credits.entry_types import EntryType
from domain.credits.errors import AlreadyClaimed, InsufficientCredits
from domain.errors import NotFound, ValidationFailed
from domain.identity.user import User


async def run(uow, work):
    async with uow() as u:
        result = await work(u)
        await u.commit()
        return result


async def test_purchase_refund_and_initial_allocation(uow, clock):
    ledger = CreditsLedger(clock)
    bought = await run(
        uow,
        lambda u: ledger.post_purchase(
            u, user_id="u", payment_id="p1", credits=600, description="Pro"
        ),
    )
    again = await run(
        uow,
        lambda u: ledger.post_purchase(
            u, user_id="u", payment_id="p1", credits=600, description="Pro"
        ),
    )
    assert bought == again and bought.balance_after == 600
    welcome = await run(
        uow, lambda u: ledger.grant_initial_allocation(u, user_id="u", amount=200, description="w")
    )
    assert welcome.balance_after == 800
    with pytest.raises(AlreadyClaimed):
        await run(
            uow,
            lambda u: ledger.grant_initial_allocation(u, user_id="u", amount=200, description="w"),
        )
    back = await run(
        uow,
        lambda u: ledger.claw_back_refund(
            u, user_id="u", payment_id="p1", refund_id="r1", credits=900, description="refund"
        ),
    )
    assert (back.clawed, back.shortfall, back.entry.balance_after) == (800, 100, 0)
    balance = await GetBalance(uow)("u")
    assert (balance.balance, balance.available) == (0, 0)
    history = await GetHistory(uow)("u", None, PageRequest())
    assert [e.type for e in history.items] == [
        EntryType.REFUND,
        EntryType.INITIAL_ALLOCATION,
        EntryType.PURCHASE,
    ]
    assert [e.amount for e in history.items] == [-800, 200, 600]
    assert is_clean(await VerifyLedger(uow)())


async def test_admin_grant_finds_users_by_id_or_subject(uow, clock):
    async with uow() as u:
        now = clock.now()
        await u.users.add(User("id-1", "user_abc", None, None, None, None, None, now, now))
        await u.commit()
    grant = AdminGrant(uow, CreditsLedger(clock), clock)
    r1 = await grant(
        actor_id="admin", user_ref="id-1", amount=10, type_=EntryType.BONUS, reason="r", key="a"
    )
    r2 = await grant(
        actor_id="admin", user_ref="user_abc", amount=-4, type_=EntryType.ADJUSTMENT, reason="r"
    )
    assert (r1.balance, r2.balance, r2.user_id) == (10, 6, "id-1")
    replay = await grant(
        actor_id="admin", user_ref="id-1", amount=10, type_=EntryType.BONUS, reason="r", key="a"
    )
    assert replay == r1
    with pytest.raises(InsufficientCredits):
        await grant(
            actor_id="admin", user_ref="id-1", amount=-7, type_=EntryType.ADJUSTMENT, reason="r"
        )
    with pytest.raises(NotFound):
        await grant(actor_id="a", user_ref="nobody", amount=1, type_=EntryType.BONUS, reason="r")
    with pytest.raises(ValidationFailed):
        await grant(actor_id="a", user_ref="id-1", amount=1, type_=EntryType.PURCHASE, reason="r")
    granted = [e for e in uow.store.state.audit.entries if e.action == "credits.granted"]
    assert [(e.actor_id, e.target_id, e.after["amount"]) for e in granted] == [
        ("admin", "id-1", 10),
        ("admin", "id-1", -4),
    ]


async def test_admin_grant_replays_a_255_character_key_from_the_ledger(uow, clock):
    """The ledger itself (not only the HTTP record, released after a 5xx) knows the grant."""
    async with uow() as u:
        now = clock.now()
        await u.users.add(User("id-1", "user_abc", None, None, None, None, None, now, now))
        await u.commit()
    grant = AdminGrant(uow, CreditsLedger(clock), clock)
    key = "g" * 255
    first = await grant(
        actor_id="admin", user_ref="id-1", amount=10, type_=EntryType.BONUS, reason="r", key=key
    )
    again = await grant(
        actor_id="admin", user_ref="id-1", amount=10, type_=EntryType.BONUS, reason="r", key=key
    )
    assert again == first and first.balance == 10
    other = await grant(
        actor_id="admin",
        user_ref="id-1",
        amount=10,
        type_=EntryType.BONUS,
        reason="r",
        key=key[:-1] + "h",
    )
    assert other.transaction_id != first.transaction_id and other.balance == 20


async def test_holds_through_the_service(uow, clock):
    ledger = CreditsLedger(clock)
    await run(
        uow,
        lambda u: ledger.grant(
            u, user_id="u", amount=10, type_=EntryType.BONUS, key="f", reason="f"
        ),
    )
    hold = await run(
        uow,
        lambda u: ledger.reserve_hold(u, user_id="u", amount=8, key="h", ttl=timedelta(seconds=5)),
    )
    assert (await GetBalance(uow)("u")).available == 2
    entry = await run(
        uow, lambda u: ledger.capture_hold(u, hold_id=hold.id, amount=3, description="ai")
    )
    assert entry.balance_after == 7
    await run(
        uow,
        lambda u: ledger.reserve_hold(u, user_id="u", amount=7, key="h2", ttl=timedelta(seconds=5)),
    )
    assert (await GetBalance(uow)("u")).available == 0
    clock.advance(seconds=6)
    assert await ExpireHolds(uow, clock)() == 1
    assert (await GetBalance(uow)("u")).available == 7
