"""Step-up verification: an e-mailed code proves the signed-in person holds the account's inbox,
and opens the sensitive routes for a short while through a token bound to the user.

The numbers are API.md's; the counting (cooldown, send limit, lockout) is done by a rate-limit
store (``AttemptLimiter``), the rules here only say what is counted and when a token is good.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.attempts import AttemptRule
from domain.keyed_hash import KeyedHash


@dataclass(frozen=True)
class StepUpPolicy:
    code_ttl: timedelta = timedelta(minutes=10)
    cooldown: AttemptRule = AttemptRule("account.step-up.cooldown", 1, timedelta(seconds=60))
    sends: AttemptRule = AttemptRule("account.step-up.sends", 5, timedelta(minutes=30))
    failures: AttemptRule = AttemptRule("account.step-up.failures", 5, timedelta(minutes=30))
    # Hit once when the failures are used up; blocks every verification while it lasts.
    lockout: AttemptRule = AttemptRule("account.step-up.lockout", 1, timedelta(minutes=30))
    token_ttl: timedelta = timedelta(seconds=900)


DEFAULT_POLICY = StepUpPolicy()


@dataclass(frozen=True)
class StepUpCode:
    """The live code of a user: only its keyed digest is kept."""

    user_id: str
    code_hash: str
    created_at: datetime
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at


class CodeDigests:
    """Digest of a step-up code, bound to the user (a copied digest fits no one else)."""

    PURPOSE = "account.step-up.code"

    def __init__(self, key: KeyedHash) -> None:
        self._key = key.for_purpose(self.PURPOSE)

    def digest(self, code: str, *, user_id: str) -> str:
        return self._key.digest(user_id, code)

    def matches(self, candidate: str, stored: str, *, user_id: str) -> bool:
        return self._key.matches(stored, user_id, candidate)


@dataclass(frozen=True)
class VerificationToken:
    user_id: str
    expires_at: datetime

    def is_valid_for(self, user_id: str, now: datetime) -> bool:
        return self.user_id == user_id and now < self.expires_at


class VerificationTokens:
    """``<user id>.<expiry, epoch seconds>.<keyed digest>``: signed, bound to one user, short-lived.

    Stateless: nothing to store or look up; it cannot be revoked before it expires (15 minutes),
    which is why it opens only the step-up routes and never replaces the session (ADR 0100).
    """

    PURPOSE = "account.step-up.token"

    def __init__(self, key: KeyedHash) -> None:
        self._key = key.for_purpose(self.PURPOSE)

    def issue(self, user_id: str, now: datetime, ttl: timedelta) -> tuple[str, VerificationToken]:
        expires = math.ceil((now + ttl).timestamp())
        body = f"{user_id}.{expires}"
        token = VerificationToken(user_id, datetime.fromtimestamp(expires, UTC))
        return f"{body}.{self._key.digest(body)}", token

    def read(self, text: str | None) -> VerificationToken | None:
        """The token ``text`` spells if its signature holds, else None (whatever its shape)."""
        if not text or len(text) > 200:
            return None
        user_id, _, rest = text.partition(".")
        expires, _, signature = rest.partition(".")
        if not (user_id and expires.isdigit() and len(expires) <= 12 and signature):
            return None
        if not self._key.matches(signature, f"{user_id}.{expires}"):
            return None
        return VerificationToken(user_id, datetime.fromtimestamp(int(expires), UTC))
