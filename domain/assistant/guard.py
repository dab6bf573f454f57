"""The prompt-injection guard: the original's 19 patterns (reference §6), on messages and on tool
arguments. A match is answered with the fixed refusal and never reaches the model or a tool."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

REFUSAL = (
    "I apologize, but I cannot assist with that request as it violates my security guidelines."
)

# Verbatim from the original (all case-insensitive); ``.`` does not cross newlines there either.
PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"ignore.*previous.*instructions",
        r"override.*instructions",
        r"system.*prompt",
        r"developer.*mode",
        r"uncensored.*mode",
        r"jailbreak",
        r"dan.*mode",
        r"admin.*mode",
        r"root.*mode",
        r"bypass.*restrictions",
        r"forget.*instructions",
        r"new.*persona",
        r"role.*play",
        r"act.*as.*different",
        r"you.*are.*now",
        r"pretend.*to.*be",
        r"enter.*mode",
        r"switch.*to",
        r"become.*different",
    )
)


def is_injection(text: str) -> bool:
    return any(p.search(text) for p in PATTERNS)


def has_injection(value: object) -> bool:
    """Any string inside ``value`` (tool arguments: nested mappings and lists) matches."""
    if isinstance(value, str):
        return is_injection(value)
    if isinstance(value, Mapping):
        return any(has_injection(k) or has_injection(v) for k, v in value.items())
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return any(has_injection(item) for item in value)
    return False
