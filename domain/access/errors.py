"""Errors of the organizations/teams/projects context, by cause."""

from __future__ import annotations

from domain.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed


class AccessError(DomainError):
    """Root of the access context (organizations, teams, projects, roles)."""


class UnknownPermission(AccessError, ValidationFailed):
    def __init__(self, values: list[str], *, scope: str | None = None) -> None:
        where = f" for a {scope} role" if scope else ""
        super().__init__(
            f"Unknown permission{where}: {', '.join(values)}",
            details=[
                {"field": "permissions", "message": f"unknown permission{where}: {v}"}
                for v in values
            ],
        )


class UnknownRole(AccessError, ValidationFailed):
    def __init__(self, role: str) -> None:
        super().__init__(
            f"Unknown role: {role}", details=[{"field": "role", "message": f"unknown role: {role}"}]
        )


class InvalidSlug(AccessError, ValidationFailed):
    def __init__(self, slug: str, reason: str) -> None:
        super().__init__(f"Invalid slug: {reason}", details=[{"field": "slug", "message": reason}])


class NameTaken(AccessError, Conflict):
    """A name or slug is already used where it must be unique; ``suggestion`` may be None."""

    def __init__(self, field: str, value: str, suggestion: str | None) -> None:
        super().__init__(
            f"{field} already exists: {value}",
            details={"field": field, "suggestion": suggestion},
        )
        self.field = field
        self.suggestion = suggestion


class LastOwner(AccessError, Conflict, message="An organization must keep at least one Owner"):
    pass


class RoleTooStrong(AccessError, Forbidden):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)


class PermissionDenied(AccessError, Forbidden):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)


class ScopeNotFound(AccessError, NotFound):
    def __init__(self, kind: str) -> None:
        super().__init__(f"{kind.capitalize()} not found")


class NotJoinable(AccessError, Forbidden):
    def __init__(self, scope: str = "organization") -> None:
        super().__init__(f"This {scope} does not accept members without an invitation")


class AlreadyMember(AccessError, Conflict, message="Already a member"):
    pass


class DefaultRoleImmutable(
    AccessError, Conflict, message="Default roles cannot be changed or deleted"
):
    pass


class RoleInUse(AccessError, Conflict):
    def __init__(self, holders: int) -> None:
        super().__init__(
            "The role is still assigned; reassign its holders first", details={"holders": holders}
        )
