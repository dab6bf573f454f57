"""Implication downwards as data: holding ``source`` on a scope gives ``target`` on every child
scope whose visibility is in ``on``. One row per default role; custom roles imply nothing."""

from __future__ import annotations

from dataclasses import dataclass

from domain.access import roles as r
from domain.access.roles import Role
from domain.access.visibility import Visibility

_ANY = frozenset(Visibility)
_NOT_PRIVATE = frozenset({Visibility.PUBLIC, Visibility.INTERNAL})


@dataclass(frozen=True)
class Implication:
    source: Role
    target: Role
    on: frozenset[Visibility] = _ANY


IMPLICATIONS: tuple[Implication, ...] = (
    Implication(r.ORG_OWNER, r.TEAM_OWNER),
    Implication(r.ORG_CO_OWNER, r.TEAM_ADMIN),
    Implication(r.ORG_MAINTAINER, r.TEAM_ADMIN),
    Implication(r.TEAM_OWNER, r.PROJECT_OWNER),
    Implication(r.TEAM_ADMIN, r.PROJECT_EDITOR),
    Implication(r.TEAM_MEMBER, r.PROJECT_VIEWER, _NOT_PRIVATE),
)

_BY_SOURCE: dict[str, tuple[Implication, ...]] = {}
for _imp in IMPLICATIONS:
    _BY_SOURCE[_imp.source.id] = (*_BY_SOURCE.get(_imp.source.id, ()), _imp)


def implied_by(role: Role, child_visibility: Visibility) -> tuple[Role, ...]:
    """The roles ``role`` implies on a child scope of the given visibility."""
    if not role.is_default:
        return ()
    return tuple(i.target for i in _BY_SOURCE.get(role.id, ()) if child_visibility in i.on)


def implies_everywhere(role: Role) -> bool:
    """True when ``role`` implies a role on every child, whatever its visibility."""
    return any(i.on == _ANY for i in _BY_SOURCE.get(role.id, ())) if role.is_default else False


def implied_visibilities(role: Role) -> frozenset[Visibility]:
    """The child visibilities on which ``role`` implies some role (empty when none)."""
    if not role.is_default:
        return frozenset()
    out: frozenset[Visibility] = frozenset()
    for i in _BY_SOURCE.get(role.id, ()):
        out |= i.on
    return out
