"""Route modules, in registration order. A new context adds its module here."""

from entrypoints.http.routes import (
    audit,
    credits,
    free_credits,
    identity,
    index,
    invitations,
    notifications,
    profiles,
    settings,
    system,
)
from entrypoints.http.routes.access import organizations, teams
from entrypoints.http.routes.payments import api as payments
from entrypoints.http.routes.payments import checkout as payments_checkout

ROUTE_MODULES = [
    index,
    system,
    profiles,
    settings,
    notifications,
    identity,
    credits,
    free_credits,
    payments,
    payments_checkout,
    organizations,
    teams,
    invitations,
    audit,
]
