"""One-time codes: generation from a CSPRNG and keyed hashing for storage.

A bare hash of a 6-digit code is reversed by hashing all 10^6 candidates, so a database or cache
leak would reveal every live code. The stored form is HMAC-SHA256 keyed with a server-side pepper
that lives in configuration, never in the database, and bound to the user, channel and number, so a
hash is useless without the pepper and cannot be replayed for another user or number.
"""

from __future__ import annotations

import re
import secrets
from enum import StrEnum

from domain.free_credits.phone_number import PhoneNumber
from domain.keyed_hash import MIN_KEY_BYTES, KeyedHash

OTP_DIGITS = 6
MIN_PEPPER_BYTES = MIN_KEY_BYTES
_OTP_FORMAT = re.compile(r"[0-9]{6}")


class Channel(StrEnum):
    SMS = "sms"
    VOICE = "voice"


def generate_otp() -> str:
    """A uniformly random 6-digit code (leading zeros kept)."""
    return f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"


def is_well_formed(candidate: str) -> bool:
    return _OTP_FORMAT.fullmatch(candidate) is not None


class OtpHasher:
    """Keyed, context-bound digest of a code; compare with :meth:`matches` (constant time)."""

    def __init__(self, pepper: bytes) -> None:
        if len(pepper) < MIN_PEPPER_BYTES:
            raise ValueError(f"OTP pepper must be at least {MIN_PEPPER_BYTES} bytes")
        self.pepper = KeyedHash(pepper)  # other codes derive their own keys from it

    def digest(self, code: str, *, user_id: str, channel: Channel, phone: PhoneNumber) -> str:
        return self.pepper.digest(user_id, channel.value, phone.value, code)

    def matches(
        self, candidate: str, stored: str, *, user_id: str, channel: Channel, phone: PhoneNumber
    ) -> bool:
        return self.pepper.matches(stored, user_id, channel.value, phone.value, candidate)
