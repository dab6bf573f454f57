"""Errors of the project-activity context (GitHub deliveries)."""

from __future__ import annotations

from domain.errors import DomainError, Forbidden, ValidationFailed


class ProjectActivityError(DomainError):
    """Root of the project-activity context."""


class InvalidGithubSignature(ProjectActivityError, Forbidden, code="INVALID_SIGNATURE"):
    """``X-Hub-Signature-256`` missing or not the HMAC of the raw body; nothing is stored."""


class MissingDeliveryHeaders(ProjectActivityError, ValidationFailed):
    """``X-GitHub-Delivery`` and ``X-GitHub-Event`` are required."""
