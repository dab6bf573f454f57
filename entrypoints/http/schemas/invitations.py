"""Request and response models of the invitation and audit routes."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, PrivateAttr, model_validator

from application.invitations.invite import BulkInvite, CsvInvite, InviteRequest, SingleInvite
from domain.invitations.csv_rows import MAX_CSV_BYTES
from domain.invitations.expiry import MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS
from domain.invitations.requests import MAX_BULK_INVITES
from entrypoints.http.schemas.base import ApiInput, ApiOutput, PageQuery, UtcTime

Email = Field(min_length=1, max_length=320)
RoleRef = Field(min_length=1, max_length=100)


class InviteEntryIn(ApiInput):
    email: str = Email
    role: str = RoleRef


class ScopeInviteIn(ApiInput):
    """Exactly one form: ``{email, role}``, ``{invites: [...]}`` (≤100) or ``{csv}`` (≤1 MB)."""

    email: str | None = Field(default=None, min_length=1, max_length=320)
    role: str | None = Field(default=None, min_length=1, max_length=100)
    invites: list[InviteEntryIn] | None = Field(
        default=None, min_length=1, max_length=MAX_BULK_INVITES
    )
    # Characters here; the 1 MB limit on UTF-8 bytes is the domain's (a clear 400, not a 413).
    csv: str | None = Field(default=None, min_length=1, max_length=MAX_CSV_BYTES)
    expires_in_days: int | None = Field(default=None, ge=MIN_EXPIRY_DAYS, le=MAX_EXPIRY_DAYS)
    _request: InviteRequest = PrivateAttr()

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        single = self.email is not None or self.role is not None
        forms = [single, self.invites is not None, self.csv is not None]
        if sum(forms) != 1:
            raise ValueError("send exactly one of {email, role}, invites or csv")
        if self.invites is not None:
            self._request = BulkInvite([(e.email, e.role) for e in self.invites])
        elif self.csv is not None:
            self._request = CsvInvite(self.csv)
        elif self.email is not None and self.role is not None:
            self._request = SingleInvite(self.email, self.role)
        else:
            raise ValueError("a single invitation needs both email and role")
        return self

    @property
    def request(self) -> InviteRequest:
        """The one form the body was sent in."""
        return self._request


class TeamInviteIn(ScopeInviteIn):
    team_id: str = Field(min_length=1, max_length=64)


class CodeIn(ApiInput):
    code: str = Field(min_length=1, max_length=200)


class InvitesQuery(PageQuery):
    status: Literal["pending", "used", "expired", "declined", "revoked", "all"] | None = None


class RoleRefOut(ApiOutput):
    id: str
    name: str | None


class InvitationOut(ApiOutput):
    id: str
    scope: str
    scope_id: str
    email: str
    role: RoleRefOut
    status: str
    expires_at: UtcTime
    created_at: UtcTime
    invited_by: str
    closed_at: UtcTime | None


class SkippedOut(ApiOutput):
    row: int
    email: str
    reason: str
    message: str


class InviteResultOut(ApiOutput):
    created: list[InvitationOut]
    skipped: list[SkippedOut]


class ScopeNameOut(ApiOutput):
    id: str
    name: str
    slug: str


class InvitedToOut(ApiOutput):
    """What an invitation is to: the scope (with those above it) and the role it gives. Its
    answers add their own fields after these."""

    scope: str
    organization: ScopeNameOut
    team: ScopeNameOut | None
    project: ScopeNameOut | None
    role: RoleRefOut


class InvitationPreviewOut(InvitedToOut):
    email: str  # masked
    expires_at: UtcTime
    invited_by: str | None


class AcceptedOut(InvitedToOut):
    already_member: bool


class DeclinedOut(ApiOutput):
    declined: bool


class ActorOut(ApiOutput):
    id: str
    name: str | None


class AuditTargetOut(ApiOutput):
    type: str
    id: str


class AuditEntryOut(ApiOutput):
    id: str
    action: str
    actor: ActorOut | None
    target: AuditTargetOut
    scope: AuditTargetOut
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    request_id: str | None
    created_at: UtcTime
