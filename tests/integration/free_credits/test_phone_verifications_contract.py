"""Phone verifications: a contract on memory, PostgreSQL and SQLite; its concurrency on
PostgreSQL."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.tables.credits import ledger_transactions
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.credits.ledger_service import CreditsLedger
from application.free_credits.claim_free_credits import ClaimFreeCredits
from application.free_credits.cleanup import PurgeStalePhoneVerification
from application.free_credits.send_code import SendVerificationCode
from application.ports.storage_errors import DuplicateKey
from domain.free_credits.errors import (
    FreeCreditsAlreadyClaimed,
    PhoneNumberLocked,
    PhoneNumberTaken,
    RateLimited,
)
from domain.free_credits.free_credit_claim import FreeCreditClaim
from domain.free_credits.otp import Channel
from domain.free_credits.phone_lock import PhoneLock
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.verification import PhoneVerification
from domain.identity.user import User
from tests.fixtures.clock import FakeClock
from tests.unit.free_credits.builders import HASHER, PHONE, T0, send
from tests.unit.free_credits.fakes import RecordingSmsSender


@pytest.fixture
async def pg_engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    engine = build_engine(pg_url)
    yield engine
    await engine.dispose()


async def add_users(uow_factory: Any, *ids: str) -> None:
    async with uow_factory() as uow:
        for user_id in ids:
            await uow.users.add(
                User(user_id, f"sub-{user_id}", None, None, None, None, None, T0, T0)
            )
        await uow.commit()


def factory(engine: AsyncEngine) -> SqlAlchemyUnitOfWorkFactory:
    return SqlAlchemyUnitOfWorkFactory(engine, FakeClock(T0))


async def test_state_round_trips_with_codes_and_attempt_history(contract_uow: Any) -> None:
    uows = contract_uow
    await add_users(uows, "u1")
    state = send(PhoneVerification("u1"), "123456", T0).state
    state = send(state, "654321", T0 + timedelta(seconds=1), channel=Channel.VOICE).state
    state = state.verify(Channel.SMS, "000000", HASHER, T0 + timedelta(seconds=2)).state
    state = state.with_claim_attempt(T0 + timedelta(seconds=3))
    async with uows() as uow:
        assert await uow.phone_verifications.get("u1") == PhoneVerification("u1")
        await uow.phone_verifications.save(state)
        await uow.commit()
    async with uows() as uow:
        loaded = await uow.phone_verifications.get_for_update("u1")
    assert set(loaded.otps) == set(state.otps)
    assert loaded == replace(state, otps=loaded.otps)
    assert next(o for o in loaded.otps if o.channel is Channel.SMS).wrong_attempts == 1


async def test_a_verified_number_has_one_owner(contract_uow: Any) -> None:
    uows = contract_uow
    await add_users(uows, "alice", "bob")
    async with uows() as uow:
        await uow.phone_verifications.save(
            PhoneVerification("alice", verified_phone=PHONE, verified_at=T0)
        )
        await uow.commit()
    async with uows() as uow:
        assert await uow.phone_verifications.verified_owner(PHONE) == "alice"
        assert await uow.phone_verifications.verified_owner(PhoneNumber("+14155550123")) is None
        with pytest.raises(PhoneNumberTaken):
            await uow.phone_verifications.save(
                PhoneVerification("bob", verified_phone=PHONE, verified_at=T0)
            )


async def test_lock_compare_and_set(contract_uow: Any) -> None:
    uows = contract_uow
    await add_users(uows, "alice", "bob")
    alice = PhoneLock(PHONE, "alice", T0 + timedelta(hours=1))
    bob = PhoneLock(PHONE, "bob", T0 + timedelta(hours=2))
    async with uows() as uow:
        repo = uow.phone_verifications
        assert await repo.swap_lock(PHONE, expected=None, new=alice)
        assert not await repo.swap_lock(PHONE, expected=None, new=bob)
        assert not await repo.swap_lock(PHONE, expected=replace(alice, user_id="bob"), new=bob)
        assert await repo.lock_of(PHONE) == alice
        assert await repo.swap_lock(PHONE, expected=alice, new=bob)
        await repo.release_lock(PHONE, "alice")  # not alice's any more: no effect
        assert await repo.lock_of(PHONE) == bob
        assert await repo.swap_lock(PHONE, expected=bob, new=None)
        assert await repo.lock_of(PHONE) is None
        await uow.commit()


async def test_one_claim_per_user(contract_uow: Any) -> None:
    uows = contract_uow
    await add_users(uows, "u1", "u2")
    claim = FreeCreditClaim("u1", "tx-1", 200, T0)
    async with uows() as uow:
        assert await uow.phone_verifications.claim_of("u1") is None
        await uow.phone_verifications.add_claim(claim)
        with pytest.raises(FreeCreditsAlreadyClaimed):
            await uow.phone_verifications.add_claim(replace(claim, transaction_id="tx-2"))
        assert await uow.phone_verifications.claim_of("u1") == claim
        await uow.commit()
    with pytest.raises(DuplicateKey):  # one ledger transaction backs one claim
        async with uows() as uow:
            await uow.phone_verifications.add_claim(replace(claim, user_id="u2"))
    async with uows() as uow:
        assert await uow.phone_verifications.claim_of("u2") is None


# --- PostgreSQL concurrency ------------------------------------------------------------------


async def test_concurrent_sends_by_one_user_are_serialised(pg_engine: AsyncEngine) -> None:
    uows = factory(pg_engine)
    await add_users(uows, "u1")
    sms = RecordingSmsSender()
    use_case = SendVerificationCode(uows, sms, HASHER, FakeClock(T0))
    results = await asyncio.gather(
        *(
            use_case(user_id="u1", phone_number="+919876543210", channel=Channel.SMS)
            for _ in range(8)
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, RateLimited) for r in results if isinstance(r, BaseException))
    assert len(sms.sent) == 1


async def test_concurrent_users_on_one_number_get_one_lock(pg_engine: AsyncEngine) -> None:
    uows = factory(pg_engine)
    users = [f"user-{i}" for i in range(8)]
    await add_users(uows, *users)
    sms = RecordingSmsSender()
    use_case = SendVerificationCode(uows, sms, HASHER, FakeClock(T0))
    results = await asyncio.gather(
        *(use_case(user_id=u, phone_number="+919876543210", channel=Channel.SMS) for u in users),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, PhoneNumberLocked) for r in results if isinstance(r, BaseException))
    assert len(sms.sent) == 1


async def test_concurrent_claims_post_one_initial_allocation(pg_engine: AsyncEngine) -> None:
    uows = factory(pg_engine)
    await add_users(uows, "u1")
    async with uows() as uow:
        await uow.phone_verifications.save(
            PhoneVerification("u1", verified_phone=PHONE, verified_at=T0)
        )
        await uow.commit()
    clock = FakeClock(T0)
    claim = ClaimFreeCredits(uows, CreditsLedger(clock), clock)
    results = await asyncio.gather(*(claim(user_id="u1") for _ in range(3)), return_exceptions=True)
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(
        isinstance(r, FreeCreditsAlreadyClaimed) for r in results if isinstance(r, BaseException)
    )
    async with pg_engine.connect() as conn:
        posted = await conn.execute(
            sa.select(sa.func.count())
            .select_from(ledger_transactions)
            .where(ledger_transactions.c.type == "INITIAL_ALLOCATION")
        )
        assert posted.scalar_one() == 1


async def test_the_daily_sweep_removes_only_what_no_rule_can_see(contract_uow: Any) -> None:
    uows = contract_uow
    await add_users(uows, "old", "fresh")
    old = send(PhoneVerification("old"), "123456", T0, phone=PhoneNumber("+14155550123"))
    fresh_at = T0 + timedelta(hours=30)
    fresh = send(PhoneVerification("fresh"), "654321", fresh_at, lock=old.lock)
    async with uows() as uow:
        repo = uow.phone_verifications
        for issued in (old, fresh):
            await repo.save(issued.state)
            assert await repo.swap_lock(issued.lock.phone, expected=None, new=issued.lock)
        await uow.commit()
    now = fresh_at + timedelta(minutes=1)
    clock = FakeClock(now)
    removed = await PurgeStalePhoneVerification(uows, clock)()
    assert removed == 3  # old's lock, old's expired code, old's send 30 h ago
    async with uows() as uow:
        repo = uow.phone_verifications
        assert await repo.get("old") == PhoneVerification("old")
        assert await repo.get("fresh") == fresh.state
        assert await repo.lock_of(PhoneNumber("+14155550123")) is None
        assert await repo.lock_of(PHONE) == fresh.lock
