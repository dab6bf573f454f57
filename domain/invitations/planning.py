"""Deciding, row by row, which requested invitations to create and why the others are skipped."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from domain.invitations.email_address import normalise_email
from domain.invitations.requests import InviteRow, RoleCatalogue


class SkipReason(StrEnum):
    ALREADY_MEMBER = "already_member"
    ALREADY_INVITED = "already_invited"
    BAD_ROW = "bad_row"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class PlannedInvite:
    row: int
    email: str  # normalised
    role_id: str


@dataclass(frozen=True)
class SkippedRow:
    row: int
    email: str  # as written, trimmed (may be empty or invalid)
    reason: SkipReason
    message: str


@dataclass(frozen=True)
class InvitePlan:
    create: tuple[PlannedInvite, ...]
    skipped: tuple[SkippedRow, ...]


def plan_invitations(
    rows: Sequence[InviteRow],
    *,
    roles: RoleCatalogue,
    members: AbstractSet[str],
    pending: AbstractSet[str],
) -> InvitePlan:
    """Every row lands in exactly one of ``create`` or ``skipped``, in input order.

    ``members`` and ``pending`` are normalised e-mails of people already in the scope and of open
    (unexpired, unanswered) invitations to it. For repeated addresses the first well-formed row
    decides; later ones are ``duplicate``.
    """
    create: list[PlannedInvite] = []
    skipped: list[SkippedRow] = []
    seen: set[str] = set()
    for row in rows:
        verdict = _check_row(row, roles)
        if isinstance(verdict, PlannedInvite):
            if verdict.email in seen:
                verdict = (SkipReason.DUPLICATE, "e-mail repeated in this request")
            else:
                seen.add(verdict.email)
                if verdict.email in members:
                    verdict = (SkipReason.ALREADY_MEMBER, "already a member")
                elif verdict.email in pending:
                    verdict = (
                        SkipReason.ALREADY_INVITED,
                        "already has a pending invitation",
                    )
        if isinstance(verdict, PlannedInvite):
            create.append(verdict)
        else:
            skipped.append(SkippedRow(row.row, row.email.strip(), *verdict))
    return InvitePlan(tuple(create), tuple(skipped))


def _check_row(row: InviteRow, roles: RoleCatalogue) -> PlannedInvite | tuple[SkipReason, str]:
    """The row as an invitation, or why it is a bad row (on its own, without the scope's state)."""
    if row.problem is not None:
        return SkipReason.BAD_ROW, row.problem
    email = normalise_email(row.email)
    if email is None:
        return (
            SkipReason.BAD_ROW,
            "invalid e-mail" if row.email.strip() else "missing e-mail",
        )
    reference = row.role.strip()
    if not reference:
        return SkipReason.BAD_ROW, "missing role"
    role_id = roles.find(reference)
    if role_id is None:
        return SkipReason.BAD_ROW, f"unknown role {reference!r}"
    if role_id not in roles.grantable:
        return SkipReason.BAD_ROW, f"role {reference!r} is above your own"
    return PlannedInvite(row.row, email, role_id)
