"""Identifiers: time-sortable ones (UUIDv7, RFC 9562) and ones derived from a name (UUIDv8)."""

from __future__ import annotations

import hashlib
import os
import threading
import time

_last = 0  # the last (milliseconds << 12 | sub-millisecond) issued in this process
_lock = threading.Lock()


def _timestamp() -> int:
    """48-bit milliseconds then 12 bits of sub-millisecond time (RFC 9562 method 3), strictly
    increasing within the process: ids made one after the other sort in that order."""
    global _last
    ns = time.time_ns()
    now = ((ns // 1_000_000) << 12) | ((ns % 1_000_000) * 4096 // 1_000_000)
    with _lock:
        _last = now if now > _last else _last + 1
        return _last


def new_id() -> str:
    """A new UUIDv7 as a string: Unix milliseconds and a sub-millisecond fraction, then random
    bits. Within a process, a later id sorts after an earlier one."""
    stamp = _timestamp()
    rand = int.from_bytes(os.urandom(8), "big")
    value = ((stamp >> 12) & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= (stamp & 0xFFF) << 64  # rand_a: the sub-millisecond fraction
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b
    return uuid_text(value)


def uuid_text(value: int) -> str:
    """A 128-bit value in the canonical UUID text form, as ``str(uuid.UUID(int=value))`` writes
    it (without building a ``UUID``: half of a new id's cost, and ids are made on every write)."""
    h = value.to_bytes(16, "big").hex()  # a third of f"{value:032x}"'s cost
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


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
    return uuid_text(value)
