"""The identity context's unit of work: provisioning writes profile and settings too."""

from __future__ import annotations

from typing import Protocol

from application.access.ports import RoleRepository, ScopeChainReader
from application.account.ports import ActivityLog
from application.identity.ports import UserRepository
from application.invitations.ports import InvitationRepository
from application.ports.audit import AuditLog
from application.ports.inbox import WebhookInbox
from application.ports.outbox import Outbox
from application.ports.unit_of_work import UnitOfWork
from application.profiles.ports import ProfileRepository
from application.settings.ports import SettingsRepository


class IdentityUnitOfWork(UnitOfWork, Protocol):
    """A deleted user's pending invitations are revoked in the deletion's transaction."""

    users: UserRepository
    profiles: ProfileRepository
    settings: SettingsRepository
    invitations: InvitationRepository
    scopes: ScopeChainReader
    roles: RoleRepository
    outbox: Outbox
    inbox: WebhookInbox
    audit: AuditLog
    activity: ActivityLog  # the account's activity log (deletion)
