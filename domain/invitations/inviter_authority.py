"""Whether an invitation still carries its inviter's authority.

An invitation hands out a role on the inviter's behalf, so it is only as good as the inviter's
power at the moment it is *accepted*: an inviter who was removed, demoted, lost the permission
through an edit of their custom role, or deleted their account can no longer vouch for it (nor
can an invitation whose role was since edited above them). Creation-time checks alone would let a
removed member's pending invitations keep admitting people for up to 30 days.
"""

from __future__ import annotations

from enum import StrEnum

from domain.access.permissions import MEMBERS_INVITE_PERMISSION
from domain.access.power import Power
from domain.access.roles import Role


class Lapse(StrEnum):
    """Why an invitation no longer carries its inviter's authority (recorded in the audit)."""

    INVITER_DELETED = "inviter_account_deleted"
    INVITER_NOT_A_MEMBER = "inviter_no_longer_a_member"
    INVITER_CANNOT_INVITE = "inviter_may_no_longer_invite"
    ROLE_ABOVE_INVITER = "role_above_inviter"


def lapse_of(
    *, inviter_active: bool, inviter_is_member: bool, inviter: Power, role: Role
) -> Lapse | None:
    """None while the inviter may still invite to the scope with ``role``; else why not.

    ``inviter`` is their power on the invitation's scope now; ``inviter_is_member`` whether they
    still belong to its organization."""
    if not inviter_active:
        return Lapse.INVITER_DELETED
    if not inviter_is_member:
        return Lapse.INVITER_NOT_A_MEMBER
    if MEMBERS_INVITE_PERMISSION[role.scope] not in inviter.here:
        return Lapse.INVITER_CANNOT_INVITE
    if not inviter.covers(role):
        return Lapse.ROLE_ABOVE_INVITER
    return None
