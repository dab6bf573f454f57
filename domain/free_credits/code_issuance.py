"""Deciding whether a code may be sent to a number, in the order the rules must apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.free_credits.errors import PhoneAlreadyVerified, PhoneNumberTaken
from domain.free_credits.otp import Channel
from domain.free_credits.phone_lock import PhoneLock, acquire_lock
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.policy import DEFAULT_POLICY, VerificationPolicy
from domain.free_credits.verification import IssuedOtp, PhoneVerification


@dataclass(frozen=True)
class CodeIssued:
    state: PhoneVerification
    lock: PhoneLock
    otp: IssuedOtp


def issue_code(
    state: PhoneVerification,
    current_lock: PhoneLock | None,
    *,
    channel: Channel,
    phone: PhoneNumber,
    code_hash: str,
    verified_owner_id: str | None,
    now: datetime,
    policy: VerificationPolicy = DEFAULT_POLICY,
) -> CodeIssued:
    """The next state and lock after sending a code, or the first rule that refuses it.

    Order: the caller already verified (409) → the number verified by someone else (409) → the
    caller's quota (429) → the cross-user lock (409). The lock comes last so that a caller who is
    rate limited never blocks the number for anyone else (the original's bug).
    """
    if state.is_verified:
        raise PhoneAlreadyVerified("your phone number is already verified")
    if verified_owner_id is not None and verified_owner_id != state.user_id:
        raise PhoneNumberTaken("this phone number is already verified by another account")
    state.check_send_quota(channel, now, policy)
    lock = acquire_lock(current_lock, phone=phone, user_id=state.user_id, now=now, policy=policy)
    next_state, otp = state.with_code_sent(channel, phone, code_hash, now, policy)
    return CodeIssued(next_state, lock, otp)
