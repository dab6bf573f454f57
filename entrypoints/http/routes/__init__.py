"""Route modules, in registration order. A new context adds its module here."""

from entrypoints.http.routes import (
    audit,
    clerk_webhooks,
    credits,
    dev_checkout,
    free_credits,
    index,
    invitations,
    notifications,
    organizations,
    payments,
    profile,
    settings,
    system,
    teams,
)

ROUTE_MODULES = [
    index,
    system,
    profile,
    settings,
    notifications,
    clerk_webhooks,
    credits,
    free_credits,
    payments,
    dev_checkout,
    organizations,
    teams,
    invitations,
    audit,
]
