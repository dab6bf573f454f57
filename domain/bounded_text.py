"""Client-controlled text made storable: the one rule for every column that keeps such text.

Headers and delivery ids arrive unbounded and may carry characters no database stores (aiohttp
hands undecodable header bytes over as lone surrogates; PostgreSQL text refuses NUL). Free text
is clipped (what it said matters, not every character); keys are bounded without ever letting two
different keys become one."""

from __future__ import annotations

import hashlib
import re

MAX_KEY_LENGTH = 255  # the width of every key column (outbox dedupe_key, webhook event_id)
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_DIGEST_MARK = "~sha256:"


def is_storable(value: str) -> bool:
    """True when every database keeps ``value`` exactly (no NUL, controls or lone surrogates)."""
    return _UNSTORABLE.search(value) is None


def clipped(value: str | None, limit: int) -> str | None:
    """At most ``limit`` characters of ``value`` with unstorable characters replaced by U+FFFD;
    ``None`` for nothing at all."""
    if not value:
        return None
    return _UNSTORABLE.sub("\ufffd", value)[:limit]


def bounded_key(value: str, limit: int = MAX_KEY_LENGTH) -> str:
    """``value`` itself when it fits ``limit`` and is storable; otherwise a readable prefix plus
    the SHA-256 of the whole value, so distinct keys stay distinct and equal keys stay equal."""
    if len(value) <= limit and is_storable(value):
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    keep = limit - len(_DIGEST_MARK) - len(digest)
    return _UNSTORABLE.sub("\ufffd", value[:keep]) + _DIGEST_MARK + digest
