"""Why an e-mail could not be rendered or delivered.

Subclasses of ``TransientJobFailure`` are retried by the job that sends the e-mail; subclasses of
``PermanentJobFailure`` are not (retrying a rejected request or a broken template cannot help).
"""

from __future__ import annotations

from application.jobs.errors import JobError, PermanentJobFailure, TransientJobFailure


class EmailError(JobError):
    """Root of the e-mail adapters' errors."""


class EmailDeliveryFailed(EmailError, TransientJobFailure):
    """The provider could not be reached, timed out, rate-limited us or failed (5xx)."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class EmailRejected(EmailError, PermanentJobFailure):
    """The provider refused the message (4xx other than 429): bad key, bad sender, bad field."""

    def __init__(self, message: str, *, status: int, name: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.name = name


class EmailTemplateError(EmailError, PermanentJobFailure):
    """A template could not be rendered."""


class UnknownEmailTemplate(EmailTemplateError):
    """No template has this name."""


class MissingTemplateVariable(EmailTemplateError):
    """The context lacks a variable the template uses."""
