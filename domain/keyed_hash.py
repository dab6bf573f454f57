"""Keyed digests (HMAC-SHA256) of short secrets and of signed claims, with domain separation.

A bare hash of a 6-digit code is reversed by hashing all 10^6 candidates; keyed with a server-side
pepper that lives in configuration (never in the database) the digest reveals nothing. Each use
derives its own key (``for_purpose``), so a digest made for one purpose (a phone code, a step-up
code, a signed link) never verifies as another. Fields are joined with unit separators, so the
boundaries between them stay unambiguous whatever characters they hold.
"""

from __future__ import annotations

import hashlib
import hmac

MIN_KEY_BYTES = 32


class KeyedHash:
    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"the key must be at least {MIN_KEY_BYTES} bytes")
        self._key = key

    def for_purpose(self, purpose: str) -> KeyedHash:
        """A key of its own for ``purpose``, derived from this one."""
        return KeyedHash(hmac.new(self._key, purpose.encode(), hashlib.sha256).digest())

    def digest(self, *fields: str) -> str:
        message = "\x1f".join(fields).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def matches(self, stored: str, *fields: str) -> bool:
        """Whether ``stored`` is the digest of ``fields`` (constant time)."""
        return hmac.compare_digest(self.digest(*fields), stored)
