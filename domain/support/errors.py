"""Errors of the support desk, one class per cause under ``SupportError``."""

from __future__ import annotations

from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)


class SupportError(DomainError):
    """Root of the support context (tickets, replies, triage, SLA)."""


class TicketNotFound(SupportError, NotFound, message="Support ticket not found"):
    pass


class IllegalTicketTransition(SupportError, Conflict):
    """The status machine has no such edge (``NEW → OPEN → PENDING → RESOLVED → CLOSED``)."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(
            f"A ticket cannot go from {current} to {wanted}",
            details={"status": current, "requested": wanted},
        )


class TicketClosed(SupportError, Conflict, message="This ticket is closed; open a new one"):
    pass


class NotASupportAgent(SupportError, Forbidden, message="Support agents only"):
    pass


class RequesterEmailRequired(
    SupportError,
    ValidationFailed,
    message="An e-mail address is required when not signed in",
    field="email",
):
    pass


class DisposableEmailRefused(
    SupportError,
    ValidationFailed,
    message="Disposable e-mail addresses are not accepted",
    field="email",
):
    pass


class InvalidAssignee(
    SupportError,
    ValidationFailed,
    message="The assignee must be a support agent",
    field="assigneeId",
):
    pass


class TooManyTickets(
    SupportError, TooManyRequests, message="Too many support requests; try again later"
):
    """Per requester (user, e-mail address or client address) and hour (API.md "Support desk")."""
