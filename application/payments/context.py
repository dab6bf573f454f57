"""Request metadata a payment use case records in its events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.ports.audit import RequestContext
from domain.payments.events import EventContext


@dataclass(frozen=True)
class RequestMeta(RequestContext):
    """The request's context (bounded by ``RequestContext``) as payment events record it."""

    def context(self, *, actor: str, source: str, now: datetime) -> EventContext:
        return EventContext(
            actor=actor, source=source, now=now, ip=self.ip, user_agent=self.user_agent
        )


SYSTEM = RequestMeta()
