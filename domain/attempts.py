"""A counted rule for attempts (codes, invites, answers): at most ``limit`` per ``period``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class AttemptRule:
    """At most ``limit`` events per ``period`` (a moving window) under ``name``."""

    name: str
    limit: int
    period: timedelta
