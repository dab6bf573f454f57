"""Errors of the account context (step-up verification, activity log, export, lifecycle)."""

from __future__ import annotations

from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    NotFound,
    RejectedCode,
    TooManyRequests,
)


class AccountError(DomainError):
    """Root of the account context."""


class VerificationRequired(AccountError, Forbidden, code="VERIFICATION_REQUIRED"):
    """A sensitive route without a valid step-up verification for this user."""


class StepUpRateLimited(AccountError, TooManyRequests):
    """Cooldown, send limit or lockout of the step-up codes."""


class CodeRejected(AccountError, RejectedCode):
    """Wrong, expired or never-sent step-up code; ``reason`` says which."""


class NoEmailAddress(AccountError, Conflict):
    """The account has no e-mail address to send a code to."""


class ExportTooSoon(AccountError, TooManyRequests):
    """One export per 24 hours."""


class ExportNotFound(AccountError, NotFound):
    """No such export for this user (someone else's is not found either)."""


class ExportLinkInvalid(AccountError, Forbidden):
    """The download link's signature does not match."""


class ExportExpired(AccountError, Gone):
    """The link or the stored document is past its 24 hours."""


class SoleOwner(AccountError, Conflict):
    """The account is the only Owner of organizations; ownership must be handed over first."""


class NotRecoverable(AccountError, Gone):
    """Not deleted, or deleted more than 90 days ago (the personal data is gone)."""


class AccountNotDeleted(AccountError, Conflict):
    """Recovering an account that is not deleted."""
