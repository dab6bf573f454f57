"""Custom roles: an organization's own permission sets for any of its scopes.

A custom role always includes its scope's read permission (holding a role on a scope means
seeing it), never reuses a default role's name, and implies nothing below."""

from __future__ import annotations

from dataclasses import replace

from domain.access.errors import DefaultRoleImmutable, NameTaken
from domain.access.permissions import READ_PERMISSION, ScopeKind, parse_permissions
from domain.access.roles import ROLE_NAME_MAX, Role, is_default_role_name
from domain.errors import ValidationFailed


def _check_name(
    name: str, scope: ScopeKind, existing: tuple[Role, ...], own_id: str | None
) -> None:
    if not 1 <= len(name) <= ROLE_NAME_MAX or name != name.strip():
        raise ValidationFailed(
            "Invalid role name",
            details=[{"field": "name", "message": f"1..{ROLE_NAME_MAX} characters, trimmed"}],
        )
    taken = is_default_role_name(name, scope) or any(
        r.scope is scope and r.id != own_id and r.name.casefold() == name.casefold()
        for r in existing
    )
    if taken:
        raise NameTaken("name", name, None)


def new_custom_role(
    *,
    role_id: str,
    organization_id: str,
    name: str,
    scope: ScopeKind,
    permissions: list[str],
    existing: tuple[Role, ...],
) -> Role:
    _check_name(name, scope, existing, None)
    perms = parse_permissions(permissions, scope) | {READ_PERMISSION[scope]}
    return Role(role_id, name, scope, perms, organization_id)


def edited_custom_role(
    role: Role, *, name: str | None, permissions: list[str] | None, existing: tuple[Role, ...]
) -> Role:
    if role.is_default:
        raise DefaultRoleImmutable()
    if name is not None:
        _check_name(name, role.scope, existing, role.id)
        role = replace(role, name=name)
    if permissions is not None:
        perms = parse_permissions(permissions, role.scope) | {READ_PERMISSION[role.scope]}
        role = replace(role, permissions=perms)
    return role
