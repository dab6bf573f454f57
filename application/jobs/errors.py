"""Errors of the jobs context.

A job that raises is retried with backoff (at-least-once delivery). A job that raises
``PermanentJobFailure`` is not: retrying cannot help (the provider rejected the request, a template
is missing a variable), so the message is dead-lettered at once and the failure is counted.
"""

from __future__ import annotations


class JobError(Exception):
    """Root of the errors raised by background jobs and the adapters they call."""


class TransientJobFailure(JobError):
    """The job failed for a reason that may pass (timeout, 5xx, rate limit): retry later.

    ``retry_after`` (seconds), when the other side said how long to wait, replaces the backoff.
    """

    retry_after: float | None = None


class PermanentJobFailure(JobError):
    """The job can never succeed as given: do not retry."""
