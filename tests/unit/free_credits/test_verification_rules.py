from dataclasses import replace
from datetime import timedelta

import pytest

from domain.free_credits.errors import (
    PhoneAlreadyVerified,
    PhoneNumberLocked,
    PhoneNumberTaken,
    RateLimited,
)
from domain.free_credits.otp import Channel
from domain.free_credits.phone_lock import PhoneLock
from domain.free_credits.verification import PhoneVerification, VerifyOutcome

from .builders import HASHER, OTHER_PHONE, PHONE, T0, send

MIN = timedelta(minutes=1)


def fresh(user: str = "alice") -> PhoneVerification:
    return PhoneVerification(user_id=user)


def test_the_right_code_verifies_the_number_it_was_sent_to() -> None:
    issued = send(fresh(), "123456", T0)
    result = issued.state.verify(Channel.SMS, "123456", HASHER, T0 + MIN)
    assert result.outcome is VerifyOutcome.VERIFIED
    assert result.state.verified_phone == PHONE
    assert result.state.verified_at == T0 + MIN
    assert result.state.otps == ()


def test_the_code_lives_five_minutes() -> None:
    state = send(fresh(), "123456", T0).state
    assert state.verify(Channel.SMS, "123456", HASHER, T0 + 5 * MIN).outcome is (
        VerifyOutcome.NO_ACTIVE_CODE
    )
    just_in_time = T0 + 5 * MIN - timedelta(seconds=1)
    assert state.verify(Channel.SMS, "123456", HASHER, just_in_time).outcome is (
        VerifyOutcome.VERIFIED
    )


def test_a_code_only_verifies_on_its_own_channel() -> None:
    state = send(fresh(), "123456", T0, channel=Channel.VOICE).state
    assert state.verify(Channel.SMS, "123456", HASHER, T0).outcome is VerifyOutcome.NO_ACTIVE_CODE
    assert state.verify(Channel.VOICE, "123456", HASHER, T0).outcome is VerifyOutcome.VERIFIED


def test_five_wrong_tries_burn_the_code() -> None:
    state = send(fresh(), "123456", T0).state
    remaining = []
    for i in range(4):
        result = state.verify(Channel.SMS, f"00000{i}", HASHER, T0 + i * timedelta(seconds=5))
        assert result.outcome is VerifyOutcome.INCORRECT
        remaining.append(result.attempts_remaining)
        state = result.state
    assert remaining == [4, 3, 2, 1]
    fifth = state.verify(Channel.SMS, "000009", HASHER, T0 + 30 * timedelta(seconds=1))
    assert fifth.outcome is VerifyOutcome.BURNED
    after = fifth.state.verify(Channel.SMS, "123456", HASHER, T0 + MIN)
    assert after.outcome is VerifyOutcome.NO_ACTIVE_CODE
    assert not after.state.is_verified


def test_a_malformed_candidate_is_a_wrong_try() -> None:
    state = send(fresh(), "123456", T0).state
    result = state.verify(Channel.SMS, "12345", HASHER, T0)
    assert result.outcome is VerifyOutcome.INCORRECT
    assert result.attempts_remaining == 4


def test_a_new_code_replaces_the_previous_one_on_that_channel() -> None:
    state = send(fresh(), "111111", T0).state
    state = send(state, "222222", T0 + 3 * MIN).state
    assert state.verify(Channel.SMS, "111111", HASHER, T0 + 4 * MIN).outcome is (
        VerifyOutcome.INCORRECT
    )
    assert state.verify(Channel.SMS, "222222", HASHER, T0 + 4 * MIN).outcome is (
        VerifyOutcome.VERIFIED
    )


def test_three_sends_a_day_per_channel_two_minutes_apart() -> None:
    state = fresh()
    for i in range(3):
        state = send(state, "123456", T0 + i * 3 * MIN).state
    with pytest.raises(RateLimited) as caught:
        send(state, "123456", T0 + 10 * MIN)
    assert caught.value.code == "RATE_LIMITED"
    assert caught.value.retry_after == int((timedelta(hours=24) - 10 * MIN).total_seconds())
    # The voice channel has its own quota.
    send(state, "123456", T0 + 10 * MIN, channel=Channel.VOICE)
    # The oldest send leaves the window after 24 hours.
    send(state, "123456", T0 + timedelta(hours=24))


def test_resend_spacing_is_two_minutes() -> None:
    state = send(fresh(), "123456", T0).state
    with pytest.raises(RateLimited) as caught:
        send(state, "123456", T0 + MIN + timedelta(seconds=30))
    assert caught.value.retry_after == 30
    send(state, "123456", T0 + 2 * MIN)


def test_ten_verify_calls_an_hour_whatever_the_channel() -> None:
    state = send(fresh(), "123456", T0).state
    state = send(state, "123456", T0, channel=Channel.VOICE).state
    for i in range(10):
        channel = Channel.SMS if i % 2 else Channel.VOICE
        state = state.verify(channel, "999999", HASHER, T0 + i * timedelta(seconds=1)).state
    with pytest.raises(RateLimited) as caught:
        state.verify(Channel.SMS, "123456", HASHER, T0 + MIN)
    assert caught.value.retry_after == 3600 - 60
    # A refused call is not counted: the block ends an hour after the first counted call.
    again = state.verify(Channel.SMS, "123456", HASHER, T0 + timedelta(hours=1))
    assert again.outcome is VerifyOutcome.NO_ACTIVE_CODE


def test_verified_users_cannot_send_or_verify_again() -> None:
    issued = send(fresh(), "123456", T0)
    state = issued.state.verify(Channel.SMS, "123456", HASHER, T0).state
    with pytest.raises(PhoneAlreadyVerified):
        send(state, "123456", T0 + 10 * MIN)
    with pytest.raises(PhoneAlreadyVerified):
        state.verify(Channel.SMS, "123456", HASHER, T0 + 10 * MIN)


def test_a_number_verified_by_someone_else_is_a_conflict() -> None:
    with pytest.raises(PhoneNumberTaken) as caught:
        send(fresh("bob"), "123456", T0, owner="alice")
    assert caught.value.code == "CONFLICT"


def test_a_number_locked_by_someone_else_is_a_conflict_for_an_hour() -> None:
    alice = send(fresh("alice"), "123456", T0)
    assert alice.lock == PhoneLock(PHONE, "alice", T0 + timedelta(hours=1))
    with pytest.raises(PhoneNumberLocked):
        send(fresh("bob"), "654321", T0 + 59 * MIN, lock=alice.lock)
    bob = send(fresh("bob"), "654321", T0 + 60 * MIN, lock=alice.lock)
    assert bob.lock.user_id == "bob"
    # The holder may resend; that refreshes the lock.
    again = send(alice.state, "123456", T0 + 3 * MIN, lock=alice.lock)
    assert again.lock.expires_at == T0 + 3 * MIN + timedelta(hours=1)


def test_a_rate_limited_caller_does_not_take_the_lock() -> None:
    state = fresh("mallory")
    for i in range(3):
        state = send(state, "123456", T0 + i * 3 * MIN, phone=OTHER_PHONE).state
    with pytest.raises(RateLimited):
        send(state, "123456", T0 + 10 * MIN, phone=PHONE)
    # Nobody holds the lock on PHONE, so another user can start right away.
    send(fresh("victim"), "123456", T0 + 10 * MIN, phone=PHONE)


def test_an_undelivered_send_gives_the_quota_back() -> None:
    issued = send(fresh(), "123456", T0)
    state = issued.state.without_send(Channel.SMS, issued.otp.issued_at)
    assert state.otps == () and state.sends == ()
    send(state, "123456", T0 + timedelta(seconds=1))


def test_claim_attempts_are_three_a_day() -> None:
    state = fresh()
    for i in range(3):
        state = state.with_claim_attempt(T0 + i * MIN)
    with pytest.raises(RateLimited) as caught:
        state.with_claim_attempt(T0 + 5 * MIN)
    assert caught.value.retry_after == 24 * 3600 - 5 * 60
    assert len(state.with_claim_attempt(T0 + timedelta(hours=24)).claim_attempts) == 3


def test_pending_phone_is_the_newest_live_code() -> None:
    state = send(fresh(), "123456", T0).state
    state = send(state, "123456", T0 + MIN, channel=Channel.VOICE, phone=OTHER_PHONE).state
    assert state.pending_phone(T0 + 2 * MIN) == OTHER_PHONE
    assert state.pending_phone(T0 + 10 * MIN) is None
    assert replace(state, otps=()).pending_phone(T0) is None


def test_a_policy_whose_codes_outlive_the_lock_is_refused() -> None:
    from domain.free_credits.policy import VerificationPolicy

    with pytest.raises(ValueError):
        VerificationPolicy(otp_ttl=timedelta(hours=2))
