"""Route modules, in registration order. A new context adds its module here."""

from entrypoints.http.routes import (
    audit,
    invitations,
    notifications,
    organizations,
    profile,
    settings,
    system,
    teams,
)

ROUTE_MODULES = [system, profile, settings, notifications, organizations, teams, invitations, audit]
