"""Rules for changing memberships: who may grant, change or remove which role.

* nobody grants a role stronger than their own (its permissions must be a subset of the actor's
  effective permissions on that scope), nor touches a member stronger than themselves;
* an organization always keeps at least one Owner;
* anyone may leave (remove themselves) without a management permission."""

from __future__ import annotations

from domain.rbac.errors import LastOwner, PermissionDenied, RoleTooStrong, UnknownRole
from domain.rbac.permissions import MEMBERS_MANAGE_PERMISSION, Permission, ScopeKind
from domain.rbac.roles import OWNER_ROLE_ID, Role


def check_grantable(actor_permissions: frozenset[Permission], role: Role, scope: ScopeKind) -> None:
    """``role`` may be handed out on a ``scope`` by someone holding ``actor_permissions`` there."""
    if role.scope is not scope:
        raise UnknownRole(role.name)
    if not role.at_most(actor_permissions):
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
    actor_permissions: frozenset[Permission],
    scope: ScopeKind,
    current: Role,
    new: Role,
    owner_count: int,
) -> None:
    """The actor may move a member from ``current`` to ``new`` on a scope of kind ``scope``."""
    if MEMBERS_MANAGE_PERMISSION[scope] not in actor_permissions:
        raise PermissionDenied(f"{MEMBERS_MANAGE_PERMISSION[scope].value} required")
    check_grantable(actor_permissions, new, scope)
    if not current.at_most(actor_permissions):
        raise RoleTooStrong("You cannot change the role of a member stronger than you")
    check_owner_kept(scope, current, new, owner_count)


def check_removal(
    *,
    actor_id: str,
    actor_permissions: frozenset[Permission],
    target_id: str,
    scope: ScopeKind,
    current: Role,
    owner_count: int,
) -> None:
    """The actor may remove ``target_id`` (holding ``current``); removing oneself is leaving."""
    if actor_id != target_id:
        if MEMBERS_MANAGE_PERMISSION[scope] not in actor_permissions:
            raise PermissionDenied(f"{MEMBERS_MANAGE_PERMISSION[scope].value} required")
        if not current.at_most(actor_permissions):
            raise RoleTooStrong("You cannot remove a member stronger than you")
    check_owner_kept(scope, current, None, owner_count)
