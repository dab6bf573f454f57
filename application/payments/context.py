"""Request metadata a payment use case records in its events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.payments.events import EventContext


@dataclass(frozen=True)
class RequestMeta:
    ip: str | None = None
    user_agent: str | None = None

    def context(self, *, actor: str, source: str, now: datetime) -> EventContext:
        ua = self.user_agent[:500] if self.user_agent else None
        return EventContext(actor=actor, source=source, now=now, ip=self.ip, user_agent=ua)


SYSTEM = RequestMeta()
