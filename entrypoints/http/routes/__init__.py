"""Route modules, in registration order. A new context adds its module here."""

from entrypoints.http.routes import (
    clerk_webhooks,
    credits,
    dev_checkout,
    notifications,
    payments,
    profile,
    settings,
    system,
)

ROUTE_MODULES = [
    system, profile, settings, notifications, clerk_webhooks, credits, payments, dev_checkout
]
