"""Random interleavings of sends, verifications, claims and clock moves by several users, through
the real use cases, memory unit of work and credits ledger: the bonus is granted at most once per
user, only to verified numbers, numbers stay single-owner and codes never reach storage."""

import asyncio
from collections import defaultdict
from datetime import datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from application.credits.ledger_service import CreditsLedger
from application.free_credits.claim_free_credits import ClaimFreeCredits
from application.free_credits.send_code import SendVerificationCode
from application.free_credits.verify_code import VerifyPhoneCode
from domain.errors import DomainError
from domain.free_credits.otp import Channel
from tests.fixtures.clock import FakeClock

from .builders import HASHER, T0
from .fakes import RecordingSmsSender

USERS = ("alice", "bob", "carol")
NUMBERS = ("+919876543210", "+14155550123")
BONUS = 200


class FreeCreditsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock(T0)
        self.store = MemoryStore()
        self.uow = InMemoryUnitOfWorkFactory(self.store, self.clock)
        self.sms = RecordingSmsSender()
        self.ledger = CreditsLedger(self.clock)
        self.send = SendVerificationCode(self.uow, self.sms, HASHER, self.clock)
        self.verify = VerifyPhoneCode(self.uow, HASHER, self.clock)
        self.claim_uc = ClaimFreeCredits(self.uow, self.ledger, self.clock, amount=BONUS)
        self.codes: dict[tuple[str, Channel], str] = {}
        self.sent_at: dict[tuple[str, Channel], list[datetime]] = defaultdict(list)
        self.claimed: set[str] = set()

    def teardown(self) -> None:
        self.loop.close()

    def run(self, coro: object) -> object:
        return self.loop.run_until_complete(coro)  # type: ignore[arg-type]

    @rule(seconds=st.sampled_from([0, 30, 121, 301, 3601, 86401]))
    def wait(self, seconds: int) -> None:
        self.clock.advance(seconds=seconds)

    @rule(user=st.sampled_from(USERS), channel=st.sampled_from(list(Channel)),
          number=st.sampled_from(NUMBERS))  # fmt: skip
    def send_code(self, user: str, channel: Channel, number: str) -> None:
        try:
            self.run(self.send(user_id=user, phone_number=number, channel=channel))
        except DomainError as refused:
            assert refused.code in {"CONFLICT", "RATE_LIMITED"}
            return
        self.codes[(user, channel)] = self.sms.last_code()
        self.sent_at[(user, channel)].append(self.clock.now())
        assert self.sms.last_code() not in repr(self.store.state.free_credits)

    @rule(user=st.sampled_from(USERS), channel=st.sampled_from(list(Channel)), right=st.booleans())
    def verify_code(self, user: str, channel: Channel, right: bool) -> None:
        code = self.codes.get((user, channel), "000000")
        candidate = code if right else f"{(int(code) + 1) % 1_000_000:06d}"
        try:
            self.run(self.verify(user_id=user, channel=channel, otp=candidate))
        except DomainError as refused:
            assert refused.code in {"VALIDATION_ERROR", "RATE_LIMITED", "CONFLICT"}
            return
        assert right

    @rule(user=st.sampled_from(USERS))
    def claim(self, user: str) -> None:
        verified_before = self.state(user).is_verified
        try:
            result = self.run(self.claim_uc(user_id=user))
        except DomainError as refused:
            assert refused.code in {
                "PHONE_VERIFICATION_REQUIRED",
                "ALREADY_CLAIMED",
                "RATE_LIMITED",
            }
            return
        assert verified_before, "only verified users are granted the bonus"
        assert user not in self.claimed, "granted twice"
        assert result.credits_added == BONUS  # type: ignore[attr-defined]
        self.claimed.add(user)

    def state(self, user: str):  # type: ignore[no-untyped-def]
        return self.run(self._state(user))

    async def _state(self, user: str):  # type: ignore[no-untyped-def]
        async with self.uow() as uow:
            return await uow.phone_verifications.get(user)

    async def _balance(self, user: str) -> int:
        async with self.uow() as uow:
            return (await self.ledger.balance(uow, user)).balance

    @invariant()
    def the_bonus_is_in_exactly_the_claimed_wallets(self) -> None:
        for user in USERS:
            expected = BONUS if user in self.claimed else 0
            assert self.run(self._balance(user)) == expected

    @invariant()
    def numbers_have_one_owner(self) -> None:
        verified = [s.verified_phone for s in self.store.state.free_credits.states.values()]
        owned = [p for p in verified if p is not None]
        assert len(owned) == len(set(owned))

    @invariant()
    def sends_stay_within_the_daily_quota(self) -> None:
        for times in self.sent_at.values():
            for t in times:
                window = [u for u in times if t <= u < t + timedelta(hours=24)]
                assert len(window) <= 3


FreeCreditsMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None
)
TestFreeCredits = FreeCreditsMachine.TestCase
