"""What an inviter asked for, one row at a time, before any validation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.invitations.errors import InvalidInvitation

MAX_BULK_INVITES = 100


@dataclass(frozen=True)
class InviteRow:
    """One requested invitation as written by the client.

    ``row`` is 1-based: the position in ``invites[]``, or the CSV line number (header = line 1).
    ``problem`` is set by a parser that already knows the row is malformed (e.g. too many columns).
    """

    row: int
    email: str
    role: str
    problem: str | None = None


@dataclass(frozen=True)
class RoleCatalogue:
    """The roles of one scope, and which of them this inviter may hand out.

    ``by_id`` maps role id -> role name. A row may name a role by id or by name (case-insensitive);
    ``grantable`` holds the ids of roles no stronger than the inviter's own (rbac decides which).
    """

    by_id: Mapping[str, str]
    grantable: frozenset[str]

    def find(self, reference: str) -> str | None:
        """The id of the role named or identified by ``reference``, or None."""
        ref = reference.strip()
        if ref in self.by_id:
            return ref
        wanted = ref.casefold()
        for role_id, name in self.by_id.items():
            if name.casefold() == wanted:
                return role_id
        return None


def bulk_rows(entries: Sequence[tuple[str, str]]) -> list[InviteRow]:
    """``invites[]`` of a bulk request as rows; more than 100 entries is rejected as a whole."""
    if not entries:
        raise InvalidInvitation(
            "No invitations given",
            details=[{"field": "invites", "message": "at least one entry"}],
        )
    if len(entries) > MAX_BULK_INVITES:
        raise InvalidInvitation(
            f"At most {MAX_BULK_INVITES} invitations per request",
            details=[{"field": "invites", "message": f"at most {MAX_BULK_INVITES} entries"}],
        )
    return [InviteRow(row=i, email=email, role=role) for i, (email, role) in enumerate(entries, 1)]
