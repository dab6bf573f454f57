"""Route modules, in registration order. A new context adds its module here."""

from entrypoints.http.routes import (
    credits,
    dev_checkout,
    notifications,
    payments,
    profile,
    settings,
    system,
)

ROUTE_MODULES = [system, profile, settings, notifications, credits, payments, dev_checkout]
