"""A user's phone-verification state: live codes, send/verify/claim history, the verified number.

Immutable: every operation returns the next state, so a use case persists exactly what the rules
decided (including a failed attempt, which must still count) before reporting an error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from domain.free_credits.errors import PhoneAlreadyVerified, RateLimited
from domain.free_credits.otp import Channel, OtpHasher, is_well_formed
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.policy import DEFAULT_POLICY, VerificationPolicy
from domain.free_credits.sliding_window import SlidingWindow


@dataclass(frozen=True)
class IssuedOtp:
    """A code that was sent; only its keyed hash is kept."""

    channel: Channel
    phone: PhoneNumber
    code_hash: str
    issued_at: datetime
    expires_at: datetime
    wrong_attempts: int = 0

    def is_live(self, now: datetime, policy: VerificationPolicy) -> bool:
        return now < self.expires_at and self.wrong_attempts < policy.wrong_attempts_per_otp


@dataclass(frozen=True)
class SendRecord:
    channel: Channel
    at: datetime


class VerifyOutcome(StrEnum):
    VERIFIED = "verified"
    INCORRECT = "incorrect"  # wrong code, tries remain
    BURNED = "burned"  # wrong code and that was the last try: the code is gone
    NO_ACTIVE_CODE = "no_active_code"  # never sent, expired, burned earlier or replaced


@dataclass(frozen=True)
class VerifyResult:
    state: PhoneVerification
    outcome: VerifyOutcome
    attempts_remaining: int = 0


@dataclass(frozen=True)
class PhoneVerification:
    user_id: str
    verified_phone: PhoneNumber | None = None
    verified_at: datetime | None = None
    otps: tuple[IssuedOtp, ...] = ()  # at most one per channel
    sends: tuple[SendRecord, ...] = ()
    verify_calls: tuple[datetime, ...] = ()
    claim_attempts: tuple[datetime, ...] = ()

    @property
    def is_verified(self) -> bool:
        return self.verified_phone is not None

    def live_otp(
        self, channel: Channel, now: datetime, policy: VerificationPolicy = DEFAULT_POLICY
    ) -> IssuedOtp | None:
        for otp in self.otps:
            if otp.channel is channel and otp.is_live(now, policy):
                return otp
        return None

    def pending_phone(
        self, now: datetime, policy: VerificationPolicy = DEFAULT_POLICY
    ) -> PhoneNumber | None:
        """The number a still-valid code was sent to (the newest one), if any."""
        live = [otp for otp in self.otps if otp.is_live(now, policy)]
        return max(live, key=lambda otp: otp.issued_at).phone if live else None

    # --- sending -----------------------------------------------------------------------------

    def check_send_quota(
        self, channel: Channel, now: datetime, policy: VerificationPolicy = DEFAULT_POLICY
    ) -> None:
        """Raises ``RateLimited`` unless a code may be sent on ``channel`` now."""
        times = [s.at for s in self.sends if s.channel is channel]
        daily = SlidingWindow(policy.sends_per_channel, policy.send_window)
        wait = daily.retry_after(times, now)
        if wait is not None:
            raise RateLimited(
                f"at most {policy.sends_per_channel} codes per {_hours(policy.send_window)} h "
                f"by {channel.value}",
                retry_after=wait,
            )
        spacing = SlidingWindow(1, policy.resend_interval)
        wait = spacing.retry_after(times, now)
        if wait is not None:
            raise RateLimited(
                f"wait {int(policy.resend_interval.total_seconds())} s between codes",
                retry_after=wait,
            )

    def with_code_sent(
        self,
        channel: Channel,
        phone: PhoneNumber,
        code_hash: str,
        now: datetime,
        policy: VerificationPolicy = DEFAULT_POLICY,
    ) -> tuple[PhoneVerification, IssuedOtp]:
        """Records a send on ``channel`` and returns the new state with the code it issued; the
        new code replaces that channel's previous one."""
        if self.is_verified:
            raise PhoneAlreadyVerified("your phone number is already verified")
        self.check_send_quota(channel, now, policy)
        otp = IssuedOtp(channel, phone, code_hash, issued_at=now, expires_at=now + policy.otp_ttl)
        kept = tuple(o for o in self.otps if o.channel is not channel)
        state = replace(self, otps=(*kept, otp), sends=(*self.sends, SendRecord(channel, now)))
        return state.pruned(now, policy), otp

    def without_send(self, channel: Channel, issued_at: datetime) -> PhoneVerification:
        """Undoes a send the provider did not deliver: its code is dropped, its quota returned."""
        return replace(
            self,
            otps=tuple(
                o for o in self.otps if not (o.channel is channel and o.issued_at == issued_at)
            ),
            sends=tuple(s for s in self.sends if not (s.channel is channel and s.at == issued_at)),
        )

    # --- verifying ---------------------------------------------------------------------------

    def verify(
        self,
        channel: Channel,
        candidate: str,
        hasher: OtpHasher,
        now: datetime,
        policy: VerificationPolicy = DEFAULT_POLICY,
    ) -> VerifyResult:
        """Checks a code. Every call that is not rate limited counts, whatever its outcome."""
        if self.is_verified:
            raise PhoneAlreadyVerified("your phone number is already verified")
        window = SlidingWindow(policy.verify_calls, policy.verify_window)
        wait = window.retry_after(self.verify_calls, now)
        if wait is not None:
            # A refused call is not recorded, so hammering does not extend the block.
            raise RateLimited(
                f"at most {policy.verify_calls} verification attempts per hour", retry_after=wait
            )
        state = replace(self, verify_calls=(*self.verify_calls, now)).pruned(now, policy)
        otp = state.live_otp(channel, now, policy)
        if otp is None:
            return VerifyResult(state, VerifyOutcome.NO_ACTIVE_CODE)
        others = tuple(o for o in state.otps if o is not otp)
        if is_well_formed(candidate) and hasher.matches(
            candidate, otp.code_hash, user_id=self.user_id, channel=channel, phone=otp.phone
        ):
            verified = replace(state, verified_phone=otp.phone, verified_at=now, otps=())
            return VerifyResult(verified, VerifyOutcome.VERIFIED)
        tried = replace(otp, wrong_attempts=otp.wrong_attempts + 1)
        remaining = policy.wrong_attempts_per_otp - tried.wrong_attempts
        if remaining <= 0:
            return VerifyResult(replace(state, otps=others), VerifyOutcome.BURNED)
        return VerifyResult(
            replace(state, otps=(*others, tried)), VerifyOutcome.INCORRECT, remaining
        )

    # --- claiming ----------------------------------------------------------------------------

    def with_claim_attempt(
        self, now: datetime, policy: VerificationPolicy = DEFAULT_POLICY
    ) -> PhoneVerification:
        """Counts a claim attempt; past the limit raises ``RateLimited`` and counts nothing."""
        window = SlidingWindow(policy.claim_attempts, policy.claim_window)
        wait = window.retry_after(self.claim_attempts, now)
        if wait is not None:
            raise RateLimited(
                f"at most {policy.claim_attempts} claim attempts per "
                f"{_hours(policy.claim_window)} h",
                retry_after=wait,
            )
        return replace(self, claim_attempts=(*self.claim_attempts, now)).pruned(now, policy)

    # --- housekeeping ------------------------------------------------------------------------

    def pruned(
        self, now: datetime, policy: VerificationPolicy = DEFAULT_POLICY
    ) -> PhoneVerification:
        """Drops history no rule can see any more and codes that can no longer be used."""
        return replace(
            self,
            otps=tuple(o for o in self.otps if o.is_live(now, policy)),
            sends=tuple(s for s in self.sends if now - s.at < policy.send_window),
            verify_calls=tuple(t for t in self.verify_calls if now - t < policy.verify_window),
            claim_attempts=tuple(t for t in self.claim_attempts if now - t < policy.claim_window),
        )


def _hours(window: timedelta) -> int:
    return int(window.total_seconds() // 3600)
