"""Errors of the invitations context, by cause."""

from __future__ import annotations

from domain.errors import Conflict, DomainError, Forbidden, Gone, NotFound, ValidationFailed


class InvitationError(DomainError):
    """Root of the invitations context."""


class InvitationNotFound(InvitationError, NotFound):
    """No invitation with that code or id (in that scope)."""


class InvitationGone(InvitationError, Gone):
    """The invitation exists but can no longer be used; ``reason`` says why."""

    reason: str = "closed"


class InvitationExpired(InvitationGone):
    reason = "expired"


class InvitationUsed(InvitationGone):
    reason = "used"


class InvitationDeclined(InvitationGone):
    reason = "declined"


class InvitationRevoked(InvitationGone):
    reason = "revoked"


class WrongInvitee(InvitationError, Forbidden):
    """The caller's e-mail address is not the one the invitation was sent to."""


class InvitationNotRevocable(InvitationError, Conflict):
    """Only a pending (or expired, never used) invitation can be revoked."""


class InviteeAlreadyMember(InvitationError, Conflict):
    """A single invitation was asked for someone who already belongs to the scope."""


class AlreadyInvited(InvitationError, Conflict):
    """A single invitation was asked for someone with a pending invitation to the scope."""


class InvalidInvitation(InvitationError, ValidationFailed):
    """Bad e-mail, role, expiry, bulk size or CSV shape; ``details`` lists ``{field, message}``."""


class InviterLostAuthority(InvitationGone):
    """The inviter may no longer grant the invitation's role (removed, demoted, deleted, or the
    role was edited above them); the invitation has been revoked. ``details.reason`` says which."""

    reason = "revoked"
