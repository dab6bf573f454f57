"""Verified session tokens remembered until they expire, for every token issuer.

A client sends the same token with every request of its life; verifying it once saves the JWT
library's work (~0.1 ms for HS256, ~0.3 ms for RS256) on every later request. Verification is a
pure function of the token, the key and the clock, so a remembered result stays right until the
token's ``exp`` (plus the verifier's leeway) — never longer — and at most ``max_seconds``, which
bounds how long a token outlives the removal of its signing key. Only tokens that passed every
check are remembered; the memo is bounded in count (oldest first out).
"""

from __future__ import annotations

from collections import OrderedDict

from application.ports.identity import VerifiedToken

MAX_TOKENS = 10_000
MAX_SECONDS = 120.0


class VerifiedTokenMemo:
    def __init__(self, max_tokens: int = MAX_TOKENS, max_seconds: float = MAX_SECONDS) -> None:
        self._max_tokens = max_tokens
        self._max_seconds = max_seconds
        self.entries: OrderedDict[str, tuple[float, VerifiedToken]] = OrderedDict()

    def get(self, token: str, now: float) -> VerifiedToken | None:
        found = self.entries.get(token)
        if found is None:
            return None
        if now < found[0]:
            return found[1]
        del self.entries[token]
        return None

    def remember(self, token: str, verified: VerifiedToken, expires: float, now: float) -> None:
        """``expires``: the token's ``exp`` plus the leeway its verifier allows."""
        self.entries[token] = (min(expires, now + self._max_seconds), verified)
        while len(self.entries) > self._max_tokens:
            self.entries.popitem(last=False)
