"""Errors of the credits ledger, by cause."""

from __future__ import annotations

from domain.errors import (
    Conflict,
    DomainError,
    DuplicateRequest,
    Forbidden,
    NotFound,
    ValidationFailed,
)


class CreditsError(DomainError):
    """Root of the credits (ledger) context."""


class InsufficientCredits(CreditsError, code="INSUFFICIENT_CREDITS", status=402):
    """The wallet's available credits (balance minus open holds) do not cover the debit."""

    def __init__(self, *, balance: int, available: int, required: int) -> None:
        super().__init__(
            "Insufficient credits",
            details={"balance": balance, "available": available, "required": required},
        )
        self.balance = balance
        self.available = available
        self.required = required

    def figures(self) -> dict[str, int]:
        return {"balance": self.balance, "available": self.available, "required": self.required}


class AlreadyClaimed(CreditsError, Conflict, code="ALREADY_CLAIMED"):
    """The one-time INITIAL_ALLOCATION of this wallet already exists."""

    def __init__(self, message: str = "Free credits already claimed") -> None:
        super().__init__(message)


class InvalidAmount(CreditsError, ValidationFailed):
    def __init__(self, message: str, *, field: str = "amount") -> None:
        super().__init__(message, details=[{"field": field, "message": message}])


class InvalidTransaction(CreditsError, ValidationFailed):
    """A transaction that would break double entry (unbalanced, empty, duplicate account...)."""


class IdempotencyKeyReused(CreditsError, DuplicateRequest):
    """The idempotency key was first used with a different input."""

    def __init__(self, key: str) -> None:
        super().__init__("Idempotency key already used with a different request")
        self.key = key


class HoldNotFound(CreditsError, NotFound):
    def __init__(self, hold_id: str) -> None:
        super().__init__("Hold not found")
        self.hold_id = hold_id


class HoldNotOpen(CreditsError, Conflict):
    """Capture/void of a hold that is already captured, voided or expired."""

    def __init__(self, hold_id: str, status: str) -> None:
        super().__init__(f"Hold is {status.lower()}", details={"holdId": hold_id, "status": status})


class SelfTransfer(
    CreditsError, ValidationFailed, message="cannot transfer credits to yourself", field="to"
):
    pass


class RecipientNotFound(CreditsError, NotFound):
    """The receiving user does not exist or is not active (the receiving member left)."""

    def __init__(self, message: str = "Recipient not found") -> None:
        super().__init__(message)


class MembersOnly(
    CreditsError, Forbidden, message="Only members can transfer credits to this organization"
):
    """Credits go to an organization's wallet from its members only."""
