"""How long an invitation stays open."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.invitations.errors import InvalidInvitation

DEFAULT_EXPIRY_DAYS = 7
MIN_EXPIRY_DAYS = 1
MAX_EXPIRY_DAYS = 30


def expires_at(now: datetime, days: int | None) -> datetime:
    """``now`` plus the requested days (default 7); anything outside 1..30 is rejected."""
    chosen = DEFAULT_EXPIRY_DAYS if days is None else days
    # bool is an int subclass; ``true`` days is a client bug, not one day.
    if isinstance(chosen, bool) or not isinstance(chosen, int):
        raise _bad_days()
    if not MIN_EXPIRY_DAYS <= chosen <= MAX_EXPIRY_DAYS:
        raise _bad_days()
    return now + timedelta(days=chosen)


def _bad_days() -> InvalidInvitation:
    message = f"must be an integer from {MIN_EXPIRY_DAYS} to {MAX_EXPIRY_DAYS}"
    return InvalidInvitation(
        f"expiresInDays {message}",
        details=[{"field": "expiresInDays", "message": message}],
    )
