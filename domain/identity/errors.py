"""Errors of the identity context."""

from __future__ import annotations

from domain.errors import DomainError


class IdentityError(DomainError):
    """Root of the identity context (users, sessions, the identity provider's webhook)."""
