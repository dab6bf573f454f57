"""Route modules, in registration order. A new context adds its module here."""

from entrypoints.http.routes import (
    clerk_webhooks,
    notifications,
    organizations,
    profile,
    settings,
    system,
    teams,
)

ROUTE_MODULES = [system, profile, settings, notifications, clerk_webhooks, organizations, teams]
