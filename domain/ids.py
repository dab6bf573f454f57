"""Identifiers: time-sortable ones (UUIDv7, RFC 9562) and ones derived from a name (UUIDv8)."""

from __future__ import annotations

import hashlib
import os
import time
import uuid


def new_id() -> str:
    """A new UUIDv7 as a string: 48-bit Unix milliseconds, then random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 68) & 0xFFF) << 64  # rand_a (12 bits)
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b
    return str(uuid.UUID(int=value))


def derived_id(*parts: str) -> str:
    """A deterministic UUIDv8 (RFC 9562) naming ``parts``: the same parts, the same id.

    SHA-256 over the length-prefixed parts (so ``("ab", "c")`` and ``("a", "bc")`` differ), cut to
    the 122 bits a UUID carries: an id for a request whose identity is given by its caller.
    """
    digest = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8", "surrogatepass")
        digest.update(len(raw).to_bytes(8, "big"))
        digest.update(raw)
    value = int.from_bytes(digest.digest()[:16], "big")
    value &= ~(0xF << 76) & ~(0b11 << 62)
    value |= 0x8 << 76  # version 8: custom
    value |= 0b10 << 62  # variant
    return str(uuid.UUID(int=value))
