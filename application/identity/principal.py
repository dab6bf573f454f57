"""Who is calling: the platform user behind a verified token."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    user_id: str  # platform id (users.id)
    subject: str  # identity provider's id
    email: str | None
    name: str | None
    is_admin: bool = False
