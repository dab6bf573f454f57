"""Who may read a scope without holding a role in it."""

from __future__ import annotations

from enum import StrEnum


class Visibility(StrEnum):
    """PUBLIC: any signed-in user who can see the parent; INTERNAL: members of the parent scope;
    PRIVATE: members of the scope itself and those with an implied role."""

    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"
    PRIVATE = "PRIVATE"
