"""Random sequences of sends, verifications, claims and clock moves by several users never break
the rate, attempt and ownership rules."""

import itertools
from collections import defaultdict
from datetime import datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.free_credits.errors import (
    PhoneAlreadyVerified,
    PhoneNumberLocked,
    PhoneNumberTaken,
    RateLimited,
)
from domain.free_credits.otp import Channel
from domain.free_credits.phone_lock import PhoneLock
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.policy import DEFAULT_POLICY as P
from domain.free_credits.verification import PhoneVerification, VerifyOutcome

from .builders import HASHER, T0, send

USERS = ("alice", "bob")
PHONES = (PhoneNumber("+919876543210"), PhoneNumber("+14155550123"))
channels = st.sampled_from(list(Channel))
users = st.sampled_from(USERS)
phones = st.sampled_from(PHONES)


def max_in_any_window(times: list[datetime], period: timedelta) -> int:
    return max((sum(1 for u in times if t <= u < t + period) for t in times), default=0)


class VerificationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.states = {u: PhoneVerification(user_id=u) for u in USERS}
        self.locks: dict[PhoneNumber, PhoneLock] = {}
        self.owners: dict[PhoneNumber, str] = {}
        self.codes: dict[tuple[str, Channel], str] = {}  # plaintext, known to the test only
        self.sends: dict[tuple[str, Channel], list[datetime]] = defaultdict(list)
        self.verify_calls: dict[str, list[datetime]] = defaultdict(list)
        self.claims: dict[str, list[datetime]] = defaultdict(list)
        self.wrong: dict[tuple[str, Channel], int] = defaultdict(int)
        self.burned: set[tuple[str, Channel]] = set()

    @rule(
        seconds=st.one_of(
            st.integers(min_value=0, max_value=180), st.integers(min_value=0, max_value=4 * 3600)
        )
    )
    def wait(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    @rule(user=users, channel=channels, phone=phones, code=st.from_regex(r"\A[0-9]{6}\Z"))
    def send_code(self, user: str, channel: Channel, phone: PhoneNumber, code: str) -> None:
        try:
            issued = send(
                self.states[user],
                code,
                self.now,
                channel=channel,
                phone=phone,
                lock=self.locks.get(phone),
                owner=self.owners.get(phone),
            )
        except RateLimited as refused:
            assert refused.retry_after >= 1
            return
        except (PhoneAlreadyVerified, PhoneNumberTaken, PhoneNumberLocked):
            return
        self.states[user] = issued.state
        self.locks[phone] = issued.lock
        self.codes[(user, channel)] = code
        self.sends[(user, channel)].append(self.now)
        self.wrong[(user, channel)] = 0
        self.burned.discard((user, channel))

    @rule(user=users, channel=channels, right=st.booleans(), guess=st.text(max_size=7))
    def verify(self, user: str, channel: Channel, right: bool, guess: str) -> None:
        code = self.codes.get((user, channel), "000000")
        candidate = code if right else guess
        if not right and candidate == code:
            return
        try:
            result = self.states[user].verify(channel, candidate, HASHER, self.now)
        except RateLimited as refused:
            assert refused.retry_after >= 1
            return
        except PhoneAlreadyVerified:
            assert self.states[user].is_verified
            return
        self.verify_calls[user].append(self.now)
        self.states[user] = result.state
        if result.outcome is VerifyOutcome.VERIFIED:
            assert right, "only the code that was sent verifies"
            assert (user, channel) not in self.burned
            phone = result.state.verified_phone
            assert phone is not None
            assert self.owners.setdefault(phone, user) == user, "a number has one owner"
            self.locks.pop(phone, None)
        elif result.outcome in (VerifyOutcome.INCORRECT, VerifyOutcome.BURNED):
            assert not right
            self.wrong[(user, channel)] += 1
            assert self.wrong[(user, channel)] <= P.wrong_attempts_per_otp
            if result.outcome is VerifyOutcome.BURNED:
                assert self.wrong[(user, channel)] == P.wrong_attempts_per_otp
                self.burned.add((user, channel))

    @rule(user=users, channel=channels, tries=st.integers(min_value=1, max_value=12))
    def brute_force(self, user: str, channel: Channel, tries: int) -> None:
        code = self.codes.get((user, channel), "000000")
        for i in range(tries):
            guess = f"{(int(code) + 1 + i) % 1_000_000:06d}"
            self.verify(user, channel, right=False, guess=guess)
            self.now += timedelta(seconds=1)

    @rule(user=users)
    def claim(self, user: str) -> None:
        try:
            self.states[user] = self.states[user].with_claim_attempt(self.now)
        except RateLimited:
            return
        self.claims[user].append(self.now)

    @invariant()
    def sends_respect_quota_and_spacing(self) -> None:
        for times in self.sends.values():
            assert max_in_any_window(times, P.send_window) <= P.sends_per_channel
            assert all(b - a >= P.resend_interval for a, b in itertools.pairwise(times))

    @invariant()
    def verify_calls_respect_the_hourly_limit(self) -> None:
        for times in self.verify_calls.values():
            assert max_in_any_window(times, P.verify_window) <= P.verify_calls

    @invariant()
    def claims_respect_the_daily_limit(self) -> None:
        for times in self.claims.values():
            assert max_in_any_window(times, P.claim_window) <= P.claim_attempts

    @invariant()
    def one_user_at_a_time_holds_a_live_code_for_a_number(self) -> None:
        for phone in PHONES:
            holders = {
                u
                for u, s in self.states.items()
                for o in s.otps
                if o.phone == phone and o.is_live(self.now, P)
            }
            assert len(holders) <= 1

    @invariant()
    def verified_numbers_are_unique(self) -> None:
        verified = [s.verified_phone for s in self.states.values() if s.verified_phone]
        assert len(verified) == len(set(verified))


VerificationMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None
)
TestVerificationRules = VerificationMachine.TestCase
