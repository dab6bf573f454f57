"""The cross-user lock on a number while one user is verifying it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.free_credits.errors import PhoneNumberLocked
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.policy import DEFAULT_POLICY, VerificationPolicy


@dataclass(frozen=True)
class PhoneLock:
    phone: PhoneNumber
    user_id: str
    expires_at: datetime

    def blocks(self, user_id: str, now: datetime) -> bool:
        return self.user_id != user_id and now < self.expires_at


def acquire_lock(
    current: PhoneLock | None,
    *,
    phone: PhoneNumber,
    user_id: str,
    now: datetime,
    policy: VerificationPolicy = DEFAULT_POLICY,
) -> PhoneLock:
    """Take or refresh the lock for ``user_id``; 409 while another user's lock is live."""
    if current is not None and current.blocks(user_id, now):
        raise PhoneNumberLocked("this phone number is being verified by another account")
    return PhoneLock(phone=phone, user_id=user_id, expires_at=now + policy.phone_lock_ttl)
