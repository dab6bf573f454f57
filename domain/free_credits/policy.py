"""The numbers of the free-credits phone verification (API.md "Credits")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class VerificationPolicy:
    otp_ttl: timedelta = timedelta(minutes=5)
    sends_per_channel: int = 3
    send_window: timedelta = timedelta(hours=24)
    resend_interval: timedelta = timedelta(minutes=2)
    wrong_attempts_per_otp: int = 5
    # Counted per user across both channels (the original left voice verification unlimited).
    verify_calls: int = 10
    verify_window: timedelta = timedelta(hours=1)
    phone_lock_ttl: timedelta = timedelta(hours=1)
    claim_attempts: int = 3
    claim_window: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        # A code must die before its number's lock does, or a second user could take the number
        # while the first still holds a valid code for it.
        if self.otp_ttl > self.phone_lock_ttl:
            raise ValueError("otp_ttl must not exceed phone_lock_ttl")


DEFAULT_POLICY = VerificationPolicy()
