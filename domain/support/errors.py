"""Errors of the support desk, one class per cause under ``SupportError``."""

from __future__ import annotations

from collections.abc import Mapping

from domain.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed


class SupportError(DomainError):
    """Root of the support context (tickets, replies, triage, SLA)."""


class TicketNotFound(SupportError, NotFound):
    def __init__(self) -> None:
        super().__init__("Support ticket not found")


class IllegalTicketTransition(SupportError, Conflict):
    """The status machine has no such edge (``NEW → OPEN → PENDING → RESOLVED → CLOSED``)."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(
            f"A ticket cannot go from {current} to {wanted}",
            details={"status": current, "requested": wanted},
        )


class TicketClosed(SupportError, Conflict):
    def __init__(self) -> None:
        super().__init__("This ticket is closed; open a new one")


class NotASupportAgent(SupportError, Forbidden):
    def __init__(self) -> None:
        super().__init__("Support agents only")


class RequesterEmailRequired(SupportError, ValidationFailed):
    def __init__(self, message: str = "An e-mail address is required when not signed in") -> None:
        super().__init__(message, details=[{"field": "email", "message": message}])


class DisposableEmailRefused(SupportError, ValidationFailed):
    def __init__(self) -> None:
        message = "Disposable e-mail addresses are not accepted"
        super().__init__(message, details=[{"field": "email", "message": message}])


class InvalidAssignee(SupportError, ValidationFailed):
    def __init__(self) -> None:
        message = "The assignee must be a support agent"
        super().__init__(message, details=[{"field": "assigneeId", "message": message}])


class TooManyTickets(SupportError):
    """Per requester (user, e-mail address or client address) and hour (API.md "Support desk")."""

    code = "RATE_LIMITED"
    status = 429

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(
            "Too many support requests; try again later", details={"retryAfter": retry_after}
        )
        self.retry_after = retry_after

    def headers(self) -> Mapping[str, str]:
        return {"Retry-After": str(self.retry_after)}
