"""The invitation entity and its life cycle.

Stored states are PENDING, USED, DECLINED and REVOKED; EXPIRED is never stored, it is what a PENDING
invitation is once ``now`` reaches ``expires_at`` (so no job has to flip rows on time).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from domain.access.permissions import ScopeKind
from domain.access.scopes import ScopeRef
from domain.invitations.codes import IssuedCode, issue_code
from domain.invitations.email_address import normalise_email, same_email
from domain.invitations.errors import (
    InvalidInvitation,
    InvitationDeclined,
    InvitationExpired,
    InvitationGone,
    InvitationNotRevocable,
    InvitationRevoked,
    InvitationUsed,
    WrongInvitee,
)
from domain.invitations.expiry import expires_at as compute_expiry


class InvitationStatus(StrEnum):
    PENDING = "pending"
    USED = "used"
    EXPIRED = "expired"
    DECLINED = "declined"
    REVOKED = "revoked"


_GONE_BY_STATUS: dict[InvitationStatus, type[InvitationGone]] = {
    InvitationStatus.USED: InvitationUsed,
    InvitationStatus.EXPIRED: InvitationExpired,
    InvitationStatus.DECLINED: InvitationDeclined,
    InvitationStatus.REVOKED: InvitationRevoked,
}


@dataclass(frozen=True)
class InvitationTarget:
    """Where the invitee will belong: an organization, or a team/project inside it."""

    scope: ScopeKind
    organization_id: str
    team_id: str | None = None
    project_id: str | None = None

    def __post_init__(self) -> None:
        wants_team = self.scope is not ScopeKind.ORGANIZATION
        wants_project = self.scope is ScopeKind.PROJECT
        if (self.team_id is not None) != wants_team or (
            self.project_id is not None
        ) != wants_project:
            raise ValueError(f"inconsistent {self.scope.value} invitation target: {self!r}")

    @property
    def ref(self) -> ScopeRef:
        return ScopeRef(self.scope, self.scope_id)

    @property
    def scope_id(self) -> str:
        """The id of the organization, team or project the role applies to."""
        if self.project_id is not None:
            return self.project_id
        if self.team_id is not None:
            return self.team_id
        return self.organization_id

    @classmethod
    def organization(cls, organization_id: str) -> InvitationTarget:
        return cls(ScopeKind.ORGANIZATION, organization_id)

    @classmethod
    def team(cls, organization_id: str, team_id: str) -> InvitationTarget:
        return cls(ScopeKind.TEAM, organization_id, team_id)

    @classmethod
    def project(cls, organization_id: str, team_id: str, project_id: str) -> InvitationTarget:
        return cls(ScopeKind.PROJECT, organization_id, team_id, project_id)


@dataclass(frozen=True)
class Invitation:
    id: str
    target: InvitationTarget
    email: str  # normalised (lower-cased)
    role_id: str  # a role of the target's scope
    code_digest: str
    invited_by: str
    created_at: datetime
    expires_at: datetime
    state: InvitationStatus = InvitationStatus.PENDING  # never EXPIRED (derived)
    closed_at: datetime | None = None
    closed_by: str | None = None  # who accepted, declined or revoked (None: the system)

    def status_at(self, now: datetime) -> InvitationStatus:
        """The status a client sees at ``now``."""
        if self.state is InvitationStatus.PENDING and now >= self.expires_at:
            return InvitationStatus.EXPIRED
        return self.state

    def ensure_open(self, now: datetime) -> None:
        """Raise the matching ``Gone`` error unless the invitation can still be answered."""
        status = self.status_at(now)
        if status is not InvitationStatus.PENDING:
            raise _GONE_BY_STATUS[status](f"This invitation is {status.value}")

    def accept(self, *, user_id: str, email: str | None, now: datetime) -> Invitation:
        """The invitation used by ``user_id``, whose verified e-mail must be the invited one."""
        self._ensure_answerable(email, now)
        return replace(self, state=InvitationStatus.USED, closed_at=now, closed_by=user_id)

    def decline(self, *, user_id: str, email: str | None, now: datetime) -> Invitation:
        """The invitation declined by its invitee (kept, not deleted, for the audit trail)."""
        self._ensure_answerable(email, now)
        return replace(self, state=InvitationStatus.DECLINED, closed_at=now, closed_by=user_id)

    def revoke(self, *, by: str | None, now: datetime) -> Invitation:
        """Withdrawn by an inviter (or by the system, ``by`` None, when the inviter lost the
        power to grant it); an expired one may be revoked too, an answered one not."""
        if self.state is not InvitationStatus.PENDING:
            raise InvitationNotRevocable(f"Cannot revoke an invitation that is {self.state.value}")
        return replace(self, state=InvitationStatus.REVOKED, closed_at=now, closed_by=by)

    def _ensure_answerable(self, email: str | None, now: datetime) -> None:
        self.ensure_open(now)
        if email is None or not same_email(email, self.email):
            raise WrongInvitee("This invitation was sent to a different e-mail address")


def new_invitation(
    *,
    invitation_id: str,
    target: InvitationTarget,
    email: str,
    role_id: str,
    invited_by: str,
    now: datetime,
    expires_in_days: int | None = None,
) -> tuple[Invitation, IssuedCode]:
    """A pending invitation and its one-time plaintext code (to be mailed, never stored)."""
    address = normalise_email(email)
    if address is None:
        raise InvalidInvitation(
            "Invalid e-mail address",
            details=[{"field": "email", "message": "not a valid address"}],
        )
    code = issue_code()
    invitation = Invitation(
        id=invitation_id,
        target=target,
        email=address,
        role_id=role_id,
        code_digest=code.digest,
        invited_by=invited_by,
        created_at=now,
        expires_at=compute_expiry(now, expires_in_days),
    )
    return invitation, code


def parse_status_filter(raw: str | None) -> InvitationStatus | None:
    """``?status=`` of the list routes: absent -> pending (what inviters look for), all -> None."""
    if raw is None or raw == "":
        return InvitationStatus.PENDING
    if raw == "all":
        return None
    try:
        return InvitationStatus(raw)
    except ValueError:
        allowed = ", ".join([s.value for s in InvitationStatus] + ["all"])
        raise InvalidInvitation(
            f"Unknown status {raw!r}",
            details=[{"field": "status", "message": f"one of {allowed}"}],
        ) from None
