"""Invitations to organizations, teams and projects (API.md "Organizations", "Teams and projects").

Codes travel in paths here (``/invites/{code}``); the access log and metrics record these routes by
their template only (ADR 0040).
"""

from __future__ import annotations

from typing import overload

from application.invitations.answer import AcceptInvitation, DeclineInvitation, PreviewInvitation
from application.invitations.invite import (
    InviteMembers,
)
from application.invitations.manage import ListInvitations, RevokeInvitation
from application.invitations.views import (
    AcceptedInvitation,
    InvitationPreview,
    InvitationView,
    InviteOutcome,
    ScopeName,
)
from application.pagination import Page
from domain.access.permissions import ScopeKind
from domain.access.roles import Role
from domain.invitations.invitation import parse_status_filter
from entrypoints.http.routes.access.paths import scope_path
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery
from entrypoints.http.schemas.base import shown
from entrypoints.http.schemas.invitations import (
    AcceptedOut,
    CodeIn,
    DeclinedOut,
    InvitationOut,
    InvitationPreviewOut,
    InviteResultOut,
    InvitesQuery,
    RoleRefOut,
    ScopeInviteIn,
    ScopeNameOut,
    SkippedOut,
    TeamInviteIn,
)

routes = ApiRoutes(tag="invitations")

INVITE_LIMIT = "30/minute"
CODE_LIMIT = "30/minute"
# Issue 7: acceptance re-authorizes the inviter; 410 like any other invitation that can no longer
# be used (the invitee cannot fix it, so not 403), with the reason in details.
ACCEPT_RESPONSES = {
    403: "The signed-in e-mail is not the invited one (FORBIDDEN)",
    410: "Used, expired, declined or revoked; or its inviter can no longer grant the role — "
    "removed, demoted, account deleted, role edited above them (GONE, details.reason: "
    "inviter_no_longer_a_member, inviter_may_no_longer_invite, role_above_inviter, "
    "inviter_account_deleted): the invitation is then revoked and the audit trail says why",
}


def invitation_out(view: InvitationView) -> InvitationOut:
    inv = view.invitation
    return shown(
        InvitationOut,
        inv,
        scope=inv.target.scope.value,
        scope_id=inv.target.scope_id,
        email=view.email,
        role=role_out(inv.role_id, view.role),
        status=view.status.value,
    )


def role_out(role_id: str, role: Role | None) -> RoleRefOut:
    return RoleRefOut(id=role_id, name=role.name if role else None)


@overload
def name_out(name: ScopeName) -> ScopeNameOut: ...
@overload
def name_out(name: ScopeName | None) -> ScopeNameOut | None: ...
def name_out(name: ScopeName | None) -> ScopeNameOut | None:
    return shown(ScopeNameOut, name) if name else None


def _where(v: InvitationPreview | AcceptedInvitation) -> dict[str, object]:
    """The scope an invitation is to, with its organization, team and project named, and the
    role it grants."""
    return {
        "scope": v.scope.value,
        "organization": name_out(v.organization),
        "team": name_out(v.team),
        "project": name_out(v.project),
        "role": role_out(v.role.id, v.role),
    }


def result_out(outcome: InviteOutcome) -> InviteResultOut:
    return InviteResultOut(
        created=[invitation_out(v) for v in outcome.created],
        skipped=[shown(SkippedOut, s, reason=s.reason.value) for s in outcome.skipped],
    )


def add_scope_invitation_routes(
    kind: ScopeKind, *, invite: str | None, listing: str, revoke: str
) -> None:
    """Invite to (``invite``: its summary, None where the kind invites elsewhere), list the
    invitations of and revoke one of a scope of ``kind`` (below its path)."""
    noun, base, param = kind.value, scope_path(kind).one, scope_path(kind).param
    if invite is not None:

        @routes.post(
            f"{base}/invites",
            status=201,
            rate_limit=INVITE_LIMIT,
            summary=invite,
            name=f"invitations_invite_to_{noun}",
        )
        async def invite_to(
            call: Call[ScopeInviteIn, NoQuery], invite: InviteMembers
        ) -> InviteResultOut:
            return await _invite(call, invite, kind, call.path[param])

    @routes.page(
        f"{base}/invites",
        InvitationOut,
        show=invitation_out,
        summary=listing,
        name=f"invitations_list_{noun}_invites",
    )
    async def list_invites(
        call: Call[NoBody, InvitesQuery], list_invitations: ListInvitations
    ) -> Page[InvitationView]:
        q = call.query
        status = parse_status_filter(q.status)
        return await list_invitations(call.user, kind, call.path[param], status, q.paging)

    @routes.delete(
        f"{base}/invites/{{inviteId}}", summary=revoke, name=f"invitations_revoke_{noun}_invite"
    )
    async def revoke_invite(
        call: Call[NoBody, NoQuery], revoke_invitation: RevokeInvitation
    ) -> InvitationOut:
        view = await revoke_invitation(
            call.user, kind, call.path[param], call.path["inviteId"], call.context
        )
        return invitation_out(view)


async def _invite(
    call: Call[ScopeInviteIn, NoQuery] | Call[TeamInviteIn, NoQuery],
    invite: InviteMembers,
    kind: ScopeKind,
    ref: str,
) -> InviteResultOut:
    outcome = await invite(
        call.user, kind, ref, call.body.request, call.body.expires_in_days, call.context
    )
    return result_out(outcome)


add_scope_invitation_routes(
    ScopeKind.ORGANIZATION,
    invite="Invite to an organization (one, invites[] ≤100 or csv); org:members:invite",
    listing="An organization's invitations (?status=pending|used|expired|declined|revoked|all)",
    revoke="Revoke an organization invitation; org:members:invite",
)


@routes.post(
    "/api/v1/team/invite",
    status=201,
    rate_limit=INVITE_LIMIT,
    summary="Invite to a team ({teamId} + one, invites[] ≤100 or csv); team:members:invite",
)
async def invite_to_team(
    call: Call[TeamInviteIn, NoQuery], invite: InviteMembers
) -> InviteResultOut:
    return await _invite(call, invite, ScopeKind.TEAM, call.body.team_id)


add_scope_invitation_routes(
    ScopeKind.TEAM,
    invite=None,  # POST /api/v1/team/invite above, the team in the body
    listing="A team's invitations; team:members:read (e-mails masked without invite permission)",
    revoke="Revoke a team invitation; team:members:invite",
)
add_scope_invitation_routes(
    ScopeKind.PROJECT,
    invite="Invite to a project (one, invites[] ≤100 or csv); project:members:invite",
    listing="A project's invitations; project:members:read",
    revoke="Revoke a project invitation; project:members:invite",
)


# --- the invitee --------------------------------------------------------------------------------


@routes.get(
    "/api/v1/invites/{code}",
    auth=Auth.NONE,
    rate_limit=CODE_LIMIT,
    summary="Preview an invitation (public): unknown 404, used/expired/declined/revoked 410",
    responses={
        410: "Used, expired, declined or revoked, or its inviter can no longer grant the role "
        "(GONE; details.reason)",
    },
)
async def preview_invite(
    call: Call[NoBody, NoQuery], preview_invitation: PreviewInvitation
) -> InvitationPreviewOut:
    p = await preview_invitation(call.path["code"])
    return shown(InvitationPreviewOut, p, email=p.masked_email, **_where(p))


async def _accept(
    call: Call[NoBody, NoQuery] | Call[CodeIn, NoQuery], accept: AcceptInvitation, code: str
) -> AcceptedOut:
    a = await accept(call.user, code, call.context)
    return shown(AcceptedOut, a, **_where(a))


@routes.post(
    "/api/v1/team/accept-invite",
    rate_limit=CODE_LIMIT,
    summary="Accept an invitation ({code}); the signed-in e-mail must be the invited one (403)",
    responses=ACCEPT_RESPONSES,
)
async def accept_invite_by_body(
    call: Call[CodeIn, NoQuery], accept: AcceptInvitation
) -> AcceptedOut:
    return await _accept(call, accept, call.body.code)


@routes.post(
    "/api/v1/invites/{code}/accept",
    rate_limit=CODE_LIMIT,
    summary="Accept an invitation; the signed-in e-mail must be the invited one (403)",
    responses=ACCEPT_RESPONSES,
)
async def accept_invite(call: Call[NoBody, NoQuery], accept: AcceptInvitation) -> AcceptedOut:
    return await _accept(call, accept, call.path["code"])


@routes.post(
    "/api/v1/invites/{code}/decline",
    rate_limit=CODE_LIMIT,
    summary="Decline an invitation; the signed-in e-mail must be the invited one (403)",
)
async def decline_invite(
    call: Call[NoBody, NoQuery], decline_invitation: DeclineInvitation
) -> DeclinedOut:
    await decline_invitation(call.user, call.path["code"], call.context)
    return DeclinedOut(declined=True)
