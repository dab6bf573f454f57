"""The invitations context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.invitations.answer import AcceptInvitation, DeclineInvitation, PreviewInvitation
from application.invitations.invitation_email import SendInvitationEmailHandler
from application.invitations.invite import InviteMembers
from application.invitations.manage import ListInvitations, RevokeInvitation
from application.invitations.unit_of_work import InvitationsUnitOfWork
from entrypoints.http.routes.invitations import InvitationsUseCases


class Invitations(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    access = providers.DependenciesContainer()

    invite_members = providers.Factory(
        InviteMembers,
        infrastructure.uow.provided.of.call(InvitationsUnitOfWork),
        core.clock,
        access.authorizer,
        core.code_sealer,
    )
    list_invitations = providers.Factory(
        ListInvitations,
        infrastructure.uow.provided.of.call(InvitationsUnitOfWork),
        core.clock,
        access.authorizer,
    )
    revoke_invitation = providers.Factory(
        RevokeInvitation,
        infrastructure.uow.provided.of.call(InvitationsUnitOfWork),
        core.clock,
        access.authorizer,
    )
    preview_invitation = providers.Factory(
        PreviewInvitation, infrastructure.uow.provided.of.call(InvitationsUnitOfWork), core.clock
    )
    accept_invitation = providers.Factory(
        AcceptInvitation, infrastructure.uow.provided.of.call(InvitationsUnitOfWork), core.clock
    )
    decline_invitation = providers.Factory(
        DeclineInvitation, infrastructure.uow.provided.of.call(InvitationsUnitOfWork), core.clock
    )
    send_invitation_email = providers.Factory(
        SendInvitationEmailHandler,
        infrastructure.uow.provided.of.call(InvitationsUnitOfWork),
        core.clock,
        core.code_sealer,
        infrastructure.email_templates,
        infrastructure.email_sender,
        core.config.provided.frontend_url,
    )

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = providers.List(
        providers.Singleton(
            InvitationsUseCases,
            accept_invitation=accept_invitation.provider,
            decline_invitation=decline_invitation.provider,
            invite_members=invite_members.provider,
            list_invitations=list_invitations.provider,
            preview_invitation=preview_invitation.provider,
            revoke_invitation=revoke_invitation.provider,
        ),
    )
