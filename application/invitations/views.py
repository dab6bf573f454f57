"""What the invitation use cases hand back to the HTTP layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.access.permissions import ScopeKind
from domain.access.roles import Role
from domain.invitations.email_address import mask_email
from domain.invitations.invitation import Invitation, InvitationStatus
from domain.invitations.planning import SkippedRow


@dataclass(frozen=True)
class ScopeName:
    id: str
    name: str
    slug: str


@dataclass(frozen=True)
class InvitationView:
    invitation: Invitation
    role: Role | None  # None: a custom role deleted since
    status: InvitationStatus
    show_email: bool  # only to those who may invite to the scope

    @property
    def email(self) -> str:
        return self.invitation.email if self.show_email else mask_email(self.invitation.email)


@dataclass(frozen=True)
class InviteOutcome:
    created: tuple[InvitationView, ...]
    skipped: tuple[SkippedRow, ...]


@dataclass(frozen=True)
class InvitationPreview:
    scope: ScopeKind
    organization: ScopeName
    team: ScopeName | None
    project: ScopeName | None
    role: Role
    masked_email: str
    expires_at: datetime
    invited_by: str | None  # the inviter's display name, when known


@dataclass(frozen=True)
class AcceptedInvitation:
    scope: ScopeKind
    organization: ScopeName
    team: ScopeName | None
    project: ScopeName | None
    role: Role  # the role the caller now holds on the scope (kept when already stronger)
    already_member: bool
