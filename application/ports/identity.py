"""Ports for who the caller is: token verification and the identity provider's directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class VerifiedToken:
    """The claims of a session token that passed every check."""

    subject: str  # the identity provider's user id (Clerk ``user_…`` or the dev issuer's subject)
    email: str | None
    name: str | None
    is_admin: bool  # ``role: "admin"`` claim; ADMIN_USER_IDS is applied by the application
    session_id: str | None = None


class TokenVerifier(Protocol):
    """Verifies a bearer/session token; raises ``AuthenticationFailed`` on any problem."""

    async def verify(self, token: str) -> VerifiedToken: ...


@dataclass(frozen=True)
class DirectoryUser:
    subject: str
    email: str | None
    first_name: str | None
    last_name: str | None
    image_url: str | None
    username: str | None


class IdentityDirectory(Protocol):
    """The identity provider's user directory (Clerk Backend API), asked at most once per user."""

    async def lookup(self, subject: str) -> DirectoryUser | None: ...
