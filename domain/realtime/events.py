"""Realtime events: what a user's browser is told, in one order, under one id per event.

An event id is ``<epoch>-<seq>``: ``seq`` counts the events of one user's stream; ``epoch`` names
that stream. A stream that was lost (expired, Redis restarted without its data, another process's
in-memory bus) starts again under a new epoch, so an old id is recognised as unreplayable instead of
being confused with a new event that happens to have the same number.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from domain.errors import DomainError, Gone, Unavailable, ValidationFailed

#: History kept per user: events and age (API.md "Realtime" limits).
HISTORY_EVENTS = 1000
HISTORY_SECONDS = 24 * 3600

NOTIFICATION_CREATED = "notification.created"
NOTIFICATION_READ = "notification.read"
NOTIFICATION_DELETED = "notification.deleted"
BALANCE_CHANGED = "credits.balance_changed"
PAYMENT_STATUS_CHANGED = "payment.status_changed"
AI_MESSAGE_COMPLETED = "ai.message.completed"
SUPPORT_TICKET_UPDATED = "support.ticket.updated"

EVENT_TYPES = frozenset(
    {
        NOTIFICATION_CREATED,
        NOTIFICATION_READ,
        NOTIFICATION_DELETED,
        BALANCE_CHANGED,
        PAYMENT_STATUS_CHANGED,
        AI_MESSAGE_COMPLETED,
        SUPPORT_TICKET_UPDATED,
    }
)


@dataclass(frozen=True, order=True)
class EventId:
    epoch: str
    seq: int

    def __str__(self) -> str:
        return f"{self.epoch}-{self.seq}"

    @classmethod
    def parse(cls, text: str) -> EventId:
        epoch, sep, seq = text.strip().rpartition("-")
        if not sep or not epoch or not seq.isdigit() or len(seq) > 18 or len(epoch) > 64:
            raise ValidationFailed(f"Not an event id: {text[:80]!r}")
        return cls(epoch, int(seq))


@dataclass(frozen=True)
class RealtimeEvent:
    id: EventId
    type: str
    data: Mapping[str, Any] = field(default_factory=dict)
    at: float = 0.0  # epoch seconds when it was published


class ResyncReason(enum.StrEnum):
    EPOCH = "epoch"  # the stream the id belongs to is gone (new epoch)
    TRIMMED = "trimmed"  # the events after the id were trimmed from history
    EXPIRED = "expired"  # older than the 24 h history
    TOO_FAR = "too_far"  # more than HISTORY_EVENTS behind
    UNKNOWN = "unknown"  # an id this stream never issued
    INTERRUPTED = "interrupted"  # live delivery was interrupted and the gap cannot be replayed


class RealtimeError(DomainError):
    """Root of the realtime context's errors."""


class ReplayImpossible(RealtimeError, Gone):
    """The events after an id cannot be replayed: the client is sent ``resync`` and refetches.
    (Told in the stream, never as an HTTP answer; as one it would be 410: that history is gone.)"""

    def __init__(self, reason: ResyncReason) -> None:
        super().__init__(f"cannot replay: {reason.value}")
        self.reason = reason


class RealtimeUnavailable(RealtimeError, Unavailable):
    """The shared realtime store (Redis) is unreachable: 503 with ``Retry-After``; the client's
    reconnection resumes by id, or is told ``resync``, once it is back."""

    retry_after_seconds: ClassVar[int] = 5

    def headers(self) -> Mapping[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class TooManyConnections(RealtimeError, code="RATE_LIMITED", status=429):
    """The user already holds ``REALTIME_MAX_CONNECTIONS_PER_USER`` connections on this instance."""


def replay_window(
    after: EventId,
    head: EventId | None,
    oldest: EventId | None,
    oldest_at: float | None,
    now: float,
) -> None:
    """Raise ``ReplayImpossible`` unless every event after ``after`` is still in history.

    ``head`` is the stream's last id (None: empty/unknown stream), ``oldest`` its oldest kept event
    and ``oldest_at`` the time of the first event that would be replayed.
    """
    if head is None or head.epoch != after.epoch:
        raise ReplayImpossible(ResyncReason.EPOCH)
    if after.seq > head.seq:
        raise ReplayImpossible(ResyncReason.UNKNOWN)
    if after.seq == head.seq:
        return
    if head.seq - after.seq > HISTORY_EVENTS:
        raise ReplayImpossible(ResyncReason.TOO_FAR)
    if oldest is None or oldest.seq > after.seq + 1:
        raise ReplayImpossible(ResyncReason.TRIMMED)
    if oldest_at is not None and now - oldest_at > HISTORY_SECONDS:
        raise ReplayImpossible(ResyncReason.EXPIRED)
