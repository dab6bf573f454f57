"""Route modules, in registration order. A new context adds its module here."""

from entrypoints.http.routes import notifications, profile, settings, system

ROUTE_MODULES = [system, profile, settings, notifications]
