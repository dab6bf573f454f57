"""Stars: one per (profile, user); the owner hears of a starrer at most once a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Stargazer:
    user_id: str
    name: str | None
    avatar_url: str | None
    starred_at: datetime


@dataclass(frozen=True)
class StarState:
    has_starred: bool
    star_count: int
    starred_at: datetime | None = None


def star_notice_key(owner_id: str, starrer_id: str, now: datetime) -> str:
    """The dedupe key of the STAR notification: one per starrer per owner per UTC day, however
    often they unstar and star again."""
    return f"community.star:{owner_id}:{starrer_id}:{now.date().isoformat()}"
