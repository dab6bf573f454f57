from dataclasses import dataclass

import pytest

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from application.credits.ledger_service import CreditsLedger
from application.free_credits.claim_free_credits import ClaimFreeCredits
from application.free_credits.cleanup import PurgeStalePhoneVerification
from application.free_credits.eligibility import GetFreeCreditsEligibility
from application.free_credits.send_code import SendVerificationCode
from application.free_credits.verify_code import VerifyPhoneCode
from domain.credits.errors import AlreadyClaimed
from domain.free_credits.errors import (
    FreeCreditsAlreadyClaimed,
    InvalidPhoneNumber,
    OtpDeliveryFailed,
    OtpRejected,
    PhoneAlreadyVerified,
    PhoneNumberLocked,
    PhoneNumberTaken,
    PhoneVerificationRequired,
    RateLimited,
)
from domain.free_credits.otp import Channel
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.verification import PhoneVerification
from domain.identity.user import User
from tests.fixtures.clock import FakeClock

from .builders import HASHER, T0
from .fakes import RecordingSmsSender

NUMBER = "+919876543210"
OTHER = "+14155550123"


@dataclass
class World:
    store: MemoryStore
    clock: FakeClock
    sms: RecordingSmsSender
    uow: InMemoryUnitOfWorkFactory
    ledger: CreditsLedger
    send: SendVerificationCode
    verify: VerifyPhoneCode
    eligibility: GetFreeCreditsEligibility
    claim: ClaimFreeCredits

    async def balance(self, user: str) -> int:
        async with self.uow() as uow:
            return (await self.ledger.balance(uow, user)).balance

    async def verified(self, user: str, number: str = NUMBER) -> None:
        await self.send(user_id=user, phone_number=number, channel=Channel.SMS)
        await self.verify(user_id=user, channel=Channel.SMS, otp=self.sms.last_code())


@pytest.fixture
def world() -> World:
    store = MemoryStore()
    clock = FakeClock(T0)
    sms = RecordingSmsSender()
    uow = InMemoryUnitOfWorkFactory(store, clock)
    ledger = CreditsLedger(clock)
    return World(
        store,
        clock,
        sms,
        uow,
        ledger,
        SendVerificationCode(uow, sms, HASHER, clock),
        VerifyPhoneCode(uow, HASHER, clock),
        GetFreeCreditsEligibility(uow, clock),
        ClaimFreeCredits(uow, ledger, clock, amount=200),
    )


async def test_send_texts_a_code_and_stores_only_its_hash(world: World) -> None:
    sent = await world.send(user_id="u1", phone_number=NUMBER, channel=Channel.SMS)
    assert (sent.expires_in, sent.resend_after) == (300, 120)
    (message,) = world.sms.sent
    code = world.sms.last_code()
    assert message.channel == "sms" and message.to == NUMBER
    assert message.body.startswith(code) and "5 minutes" in message.body
    stored = repr(world.store.state.free_credits)
    assert code not in stored
    assert (
        HASHER.digest(code, user_id="u1", channel=Channel.SMS, phone=PhoneNumber(NUMBER)) in stored
    )


async def test_voice_call_reads_the_digits_one_by_one(world: World) -> None:
    await world.send(user_id="u1", phone_number=NUMBER, channel=Channel.VOICE)
    (call,) = world.sms.sent
    code = world.sms.last_code()
    assert call.channel == "voice" and ", ".join(code) in call.body
    with pytest.raises(OtpRejected) as wrong_channel:
        await world.verify(user_id="u1", channel=Channel.SMS, otp=code)
    assert wrong_channel.value.reason == "no_active_code"
    await world.verify(user_id="u1", channel=Channel.VOICE, otp=code)
    assert (await world.eligibility(user_id="u1")).phone_verified


async def test_send_verify_then_claim_once(world: World) -> None:
    before = await world.eligibility(user_id="u1")
    assert (before.can_claim, before.phone_verified, before.has_phone_number) == (
        False,
        False,
        False,
    )
    await world.send(user_id="u1", phone_number=NUMBER, channel=Channel.SMS)
    assert (await world.eligibility(user_id="u1")).has_phone_number
    await world.verify(user_id="u1", channel=Channel.SMS, otp=world.sms.last_code())
    ready = await world.eligibility(user_id="u1")
    assert ready.can_claim and ready.phone_verified and not ready.has_claimed
    claimed = await world.claim(user_id="u1")
    assert (claimed.credits_added, claimed.balance) == (200, 200)
    assert await world.balance("u1") == 200
    after = await world.eligibility(user_id="u1")
    assert after.has_claimed and not after.can_claim
    with pytest.raises(FreeCreditsAlreadyClaimed) as again:
        await world.claim(user_id="u1")
    assert again.value.code == "ALREADY_CLAIMED"
    assert await world.balance("u1") == 200
    queued = {r["dedupe_key"]: r["payload"] for r in world.store.state.outbox.values()}
    assert queued["phone-verified:u1"]["message"].startswith("+91********10 is verified")
    assert queued["free-credits-claimed:u1"]["metadata"] == {
        "type": "credit_claim_success",
        "creditsAdded": 200,
        "newBalance": 200,
        "transactionId": claimed.transaction_id,
    }
    assert not any(world.sms.last_code() in repr(p) for p in queued.values())


async def test_claim_needs_a_verified_phone_and_counts_every_attempt(world: World) -> None:
    for _ in range(3):
        with pytest.raises(PhoneVerificationRequired):
            await world.claim(user_id="u1")
    await world.verified("u1")
    with pytest.raises(RateLimited) as limited:
        await world.claim(user_id="u1")
    assert limited.value.retry_after == 24 * 3600
    world.clock.advance(hours=24)
    assert (await world.claim(user_id="u1")).credits_added == 200


async def test_brute_force_is_stopped_after_five_wrong_codes(world: World) -> None:
    await world.send(user_id="u1", phone_number=NUMBER, channel=Channel.SMS)
    code = world.sms.last_code()
    wrong = [f"{(int(code) + i) % 1_000_000:06d}" for i in range(1, 6)]
    reasons = []
    for guess in wrong:
        with pytest.raises(OtpRejected) as rejected:
            await world.verify(user_id="u1", channel=Channel.SMS, otp=guess)
        reasons.append((rejected.value.reason, rejected.value.attempts_remaining))
    assert reasons == [
        ("incorrect", 4),
        ("incorrect", 3),
        ("incorrect", 2),
        ("incorrect", 1),
        ("burned", 0),
    ]
    with pytest.raises(OtpRejected) as burned:
        await world.verify(user_id="u1", channel=Channel.SMS, otp=code)
    assert burned.value.reason == "no_active_code"
    assert not (await world.eligibility(user_id="u1")).phone_verified


async def test_ten_verification_calls_an_hour(world: World) -> None:
    for _round in range(2):
        await world.send(user_id="u1", phone_number=NUMBER, channel=Channel.SMS)
        for _ in range(5):
            with pytest.raises(OtpRejected):
                await world.verify(user_id="u1", channel=Channel.SMS, otp="000000")
        world.clock.advance(minutes=3)
    await world.send(user_id="u1", phone_number=NUMBER, channel=Channel.SMS)
    with pytest.raises(RateLimited):
        await world.verify(user_id="u1", channel=Channel.SMS, otp=world.sms.last_code())
    world.clock.advance(minutes=55)  # the first call leaves the hour window
    await world.send(user_id="u1", phone_number=NUMBER, channel=Channel.VOICE)
    await world.verify(user_id="u1", channel=Channel.VOICE, otp=world.sms.last_code())


async def test_a_number_verified_by_someone_else_is_refused(world: World) -> None:
    await world.verified("alice")
    with pytest.raises(PhoneNumberTaken) as taken:
        await world.send(user_id="bob", phone_number=NUMBER, channel=Channel.VOICE)
    assert taken.value.code == "CONFLICT"
    assert len(world.sms.sent) == 1  # nothing sent to alice's phone


async def test_a_number_being_verified_is_locked_for_an_hour(world: World) -> None:
    await world.send(user_id="alice", phone_number=NUMBER, channel=Channel.SMS)
    world.clock.advance(minutes=59)
    with pytest.raises(PhoneNumberLocked):
        await world.send(user_id="bob", phone_number=NUMBER, channel=Channel.SMS)
    world.clock.advance(minutes=1)
    await world.send(user_id="bob", phone_number=NUMBER, channel=Channel.SMS)
    await world.verify(user_id="bob", channel=Channel.SMS, otp=world.sms.last_code())
    # Verification releases the lock; the number is now bob's for good.
    assert world.store.state.free_credits.locks == {}


async def test_a_rate_limited_caller_does_not_lock_the_number(world: World) -> None:
    for _ in range(3):
        await world.send(user_id="mallory", phone_number=OTHER, channel=Channel.SMS)
        world.clock.advance(minutes=2)
    with pytest.raises(RateLimited):
        await world.send(user_id="mallory", phone_number=NUMBER, channel=Channel.SMS)
    await world.send(user_id="victim", phone_number=NUMBER, channel=Channel.SMS)


async def test_an_undelivered_code_is_withdrawn_and_the_quota_returned(world: World) -> None:
    world.sms.fail = True
    for _ in range(4):  # more than the daily quota: failures do not use it up
        with pytest.raises(OtpDeliveryFailed) as failed:
            await world.send(user_id="alice", phone_number=NUMBER, channel=Channel.SMS)
    assert failed.value.code == "SERVICE_UNAVAILABLE"
    tables = world.store.state.free_credits
    assert tables.locks == {} and tables.states["alice"].otps == ()
    world.sms.fail = False
    await world.send(user_id="bob", phone_number=NUMBER, channel=Channel.SMS)


async def test_verified_users_cannot_start_again(world: World) -> None:
    await world.verified("alice")
    world.clock.advance(minutes=5)
    with pytest.raises(PhoneAlreadyVerified):
        await world.send(user_id="alice", phone_number=OTHER, channel=Channel.SMS)


async def test_a_malformed_number_is_a_validation_error(world: World) -> None:
    with pytest.raises(InvalidPhoneNumber):
        await world.send(user_id="alice", phone_number="12345", channel=Channel.SMS)
    assert world.sms.sent == []


async def test_claim_rolls_back_when_the_ledger_refuses(world: World) -> None:
    await world.verified("alice")
    async with world.uow() as uow:  # an allocation from elsewhere, without a claim record
        await world.ledger.grant_initial_allocation(uow, user_id="alice", amount=1, description="x")
        await uow.commit()
    with pytest.raises(AlreadyClaimed) as refused:
        await world.claim(user_id="alice")
    assert refused.value.code == "ALREADY_CLAIMED"
    assert world.store.state.free_credits.claims == {}
    assert await world.balance("alice") == 1


async def test_the_amount_comes_from_configuration(world: World) -> None:
    claim = ClaimFreeCredits(world.uow, world.ledger, world.clock, amount=150)
    await world.verified("alice")
    assert (await claim(user_id="alice")).credits_added == 150
    assert await world.balance("alice") == 150
    with pytest.raises(ValueError):
        ClaimFreeCredits(world.uow, world.ledger, world.clock, amount=0)


async def test_the_owner_is_emailed_on_verification_and_claim(world: World) -> None:
    async with world.uow() as uow:
        await uow.users.add(
            User("u9", "sub-u9", "asha@example.com", "Asha", None, None, None, T0, T0)
        )
        await uow.commit()
    await world.verified("u9")
    await world.claim(user_id="u9")
    emails = {
        r["payload"]["template"]: r["payload"]
        for r in world.store.state.outbox.values()
        if r["topic"] == "email.send"
    }
    assert emails["phone-number-added"] == {
        "to": "asha@example.com",
        "template": "phone-number-added",
        "context": {"name": "Asha", "phone_number": "+91********10"},
    }
    assert emails["free-credits-claimed"]["context"] == {
        "name": "Asha",
        "credits": 200,
        "balance": 200,
    }


def test_the_queued_email_contexts_render_with_the_real_templates() -> None:
    from adapters.email.jinja_templates import JinjaEmailTemplates
    from application.free_credits.notifications import (
        free_credits_email,
        phone_verified_email,
    )

    user = User("u9", "sub-u9", "asha@example.com", "Asha", None, None, None, T0, T0)
    templates = JinjaEmailTemplates()
    for message in (
        phone_verified_email(user, PhoneNumber(NUMBER)),
        free_credits_email(user, credits=200, balance=250),
    ):
        assert message is not None
        rendered = templates.render(message.template, message.context)
        assert "Hi Asha" in rendered.text
    no_email = User("u8", "sub-u8", None, None, None, None, None, T0, T0)
    assert phone_verified_email(no_email, PhoneNumber(NUMBER)) is None


async def test_the_daily_sweep_on_memory(world: World) -> None:
    await world.send(user_id="old", phone_number=OTHER, channel=Channel.SMS)
    world.clock.advance(hours=30)
    await world.send(user_id="fresh", phone_number=NUMBER, channel=Channel.VOICE)
    removed = await PurgeStalePhoneVerification(world.uow, world.clock)()
    tables = world.store.state.free_credits
    assert removed == 3
    assert tables.states["old"] == PhoneVerification("old")
    assert set(tables.locks) == {NUMBER}
    assert len(tables.states["fresh"].otps) == 1
    assert await PurgeStalePhoneVerification(world.uow, world.clock)() == 0
