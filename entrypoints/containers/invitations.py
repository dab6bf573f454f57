"""The invitations context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.invitations.answer import AcceptInvitation, DeclineInvitation, PreviewInvitation
from application.invitations.invitation_email import SendInvitationEmailHandler
from application.invitations.invite import InviteMembers
from application.invitations.manage import ListInvitations, RevokeInvitation
from application.invitations.unit_of_work import InvitationsUnitOfWork
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import invitations


class Invitations(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    access = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(InvitationsUnitOfWork)

    invite_members = providers.Factory(
        InviteMembers, uow, core.clock, access.authorizer, core.code_sealer
    )
    list_invitations = providers.Factory(ListInvitations, uow, core.clock, access.authorizer)
    revoke_invitation = providers.Factory(RevokeInvitation, uow, core.clock, access.authorizer)
    preview_invitation = providers.Factory(PreviewInvitation, uow, core.clock)
    accept_invitation = providers.Factory(AcceptInvitation, uow, core.clock)
    decline_invitation = providers.Factory(DeclineInvitation, uow, core.clock)
    send_invitation_email = providers.Factory(
        SendInvitationEmailHandler,
        uow,
        core.clock,
        core.code_sealer,
        infrastructure.email_templates,
        infrastructure.email_sender,
        core.config.provided.frontend_url,
    )

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(invitations.routes)
