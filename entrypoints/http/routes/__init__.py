"""Route modules, in registration order. A new context adds its module here."""

from entrypoints.http.routes import (
    audit,
    clerk_webhooks,
    credits,
    invitations,
    notifications,
    organizations,
    profile,
    settings,
    system,
    teams,
)

ROUTE_MODULES = [
    system,
    profile,
    settings,
    notifications,
    clerk_webhooks,
    credits,
    organizations,
    teams,
    invitations,
    audit,
]
