"""Credit amounts: integers, bounded so a typo cannot mint a fortune or overflow a BIGINT sum."""

from __future__ import annotations

from domain.credits.errors import InvalidAmount

MAX_CREDITS_PER_MOVEMENT = 1_000_000_000


def positive_credits(value: object, *, field: str = "amount") -> int:
    """``value`` as a credit amount in 1..MAX_CREDITS_PER_MOVEMENT, or InvalidAmount."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAmount("must be an integer number of credits", field=field)
    if value < 1:
        raise InvalidAmount("must be at least 1", field=field)
    if value > MAX_CREDITS_PER_MOVEMENT:
        raise InvalidAmount(f"must be at most {MAX_CREDITS_PER_MOVEMENT}", field=field)
    return value


def signed_credits(value: object, *, field: str = "amount") -> int:
    """A non-zero signed amount (ADJUSTMENT may be negative)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAmount("must be an integer number of credits", field=field)
    if value == 0:
        raise InvalidAmount("must not be zero", field=field)
    positive_credits(abs(value), field=field)
    return value
