"""The record that a user received the one-time free credits (at most one per user)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

FREE_CREDITS_DESCRIPTION = "Welcome bonus - Free credits for all users"


@dataclass(frozen=True)
class FreeCreditClaim:
    user_id: str
    transaction_id: str
    amount: int
    claimed_at: datetime
