"""Rules for changing memberships and roles: who may grant, change, remove, edit or delete what.

* "never above your own": nobody grants a role stronger than their own power on that scope
  (``power.py``: its permissions there and what it implies below), nor touches a member — or
  edits or deletes a custom role — stronger than themselves, before or after the change;
* an organization always keeps at least one Owner;
* anyone may leave (remove themselves) without a management permission."""

from __future__ import annotations

from domain.access.errors import LastOwner, PermissionDenied, RoleTooStrong, UnknownRole
from domain.access.permissions import MEMBERS_MANAGE_PERMISSION, ScopeKind
from domain.access.power import Power
from domain.access.roles import OWNER_ROLE_ID, Role


def check_grantable(actor: Power, role: Role, scope: ScopeKind) -> None:
    """``role`` may be handed out on a ``scope`` by a member with ``actor`` power there."""
    if role.scope is not scope:
        raise UnknownRole(role.name)
    if not actor.covers(role):
        raise RoleTooStrong("You cannot grant a role stronger than your own")


def check_owner_kept(
    scope: ScopeKind, current: Role | None, new: Role | None, owner_count: int
) -> None:
    """Refuse to take the Owner role away from an organization's last Owner."""
    losing_owner = current is not None and current.id == OWNER_ROLE_ID
    keeping = new is not None and new.id == OWNER_ROLE_ID
    if scope is ScopeKind.ORGANIZATION and losing_owner and not keeping and owner_count <= 1:
        raise LastOwner()


def check_role_change(
    *,
    actor: Power,
    scope: ScopeKind,
    current: Role,
    new: Role,
    owner_count: int,
) -> None:
    """The actor may move a member from ``current`` to ``new`` on a scope of kind ``scope``:
    power over both the member's current role and the new one."""
    if MEMBERS_MANAGE_PERMISSION[scope] not in actor.here:
        raise PermissionDenied(f"{MEMBERS_MANAGE_PERMISSION[scope].value} required")
    check_grantable(actor, new, scope)
    if not actor.covers(current):
        raise RoleTooStrong("You cannot change the role of a member stronger than you")
    check_owner_kept(scope, current, new, owner_count)


def check_removal(
    *,
    actor_id: str,
    actor: Power,
    target_id: str,
    scope: ScopeKind,
    current: Role,
    owner_count: int,
) -> None:
    """The actor may remove ``target_id`` (holding ``current``); removing oneself is leaving."""
    if actor_id != target_id:
        if MEMBERS_MANAGE_PERMISSION[scope] not in actor.here:
            raise PermissionDenied(f"{MEMBERS_MANAGE_PERMISSION[scope].value} required")
        if not actor.covers(current):
            raise RoleTooStrong("You cannot remove a member stronger than you")
    check_owner_kept(scope, current, None, owner_count)


def check_role_edit(actor: Power, before: Role, after: Role | None) -> None:
    """The actor may edit custom role ``before`` into ``after`` (None: delete it). Every holder
    of the role gains or loses with it, so the actor needs power over the role as it is AND as
    it will be: a weaker member can neither weaken a stronger one nor raise anyone above
    themselves by editing the role they hold."""
    if not actor.covers(before):
        raise RoleTooStrong("You cannot change a role stronger than your own")
    if after is not None and not actor.covers(after):
        raise RoleTooStrong("A custom role cannot hold permissions you do not have")
