"""The aiohttp application, built from the container."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web
from swagger_ui import api_doc

from entrypoints import runtime
from entrypoints.http.client_address import TrustedProxies
from entrypoints.http.guards import Authenticator, RateLimits, limiter_storage
from entrypoints.http.middleware import cors, maintenance, observe
from entrypoints.http.openapi import build_openapi
from entrypoints.http.request_state import CONTAINER, MAX_BODY
from entrypoints.http.routes import ROUTE_MODULES
from entrypoints.http.routes.system import OPENAPI
from entrypoints.http.routing import RouteSpec, build_handler

API_VERSION = "1.0.0"


def all_specs() -> list[RouteSpec]:
    return [spec for module in ROUTE_MODULES for spec in module.routes.specs]


def create_app(container: Any) -> web.Application:
    settings = container.config()
    app = web.Application(
        middlewares=[
            observe(TrustedProxies.from_settings(settings.trusted_proxies)),
            cors(settings.cors_origins),
            maintenance(settings.maintenance_mode),
        ],
        client_max_size=settings.max_body_bytes,
    )
    app[CONTAINER] = container
    app[MAX_BODY] = settings.max_body_bytes
    authenticate = Authenticator(
        container.adapters.token_verifier(), container.use_cases.resolve_principal()
    )
    container.adapters.clerk_webhook_verifier()  # a malformed CLERK_WEBHOOK_SECRET fails at start
    limits = RateLimits(limiter_storage(settings.redis_url), settings.rate_limit_default)
    specs = all_specs()
    for spec in specs:
        app.router.add_route(spec.method, spec.path, build_handler(spec, authenticate, limits))
    document = build_openapi(specs, version=API_VERSION)
    app[OPENAPI] = orjson.dumps(document)
    # Swagger UI is handed the document itself: with ``config_url`` the library fetched it
    # server-side with urllib (a relative URL: 500). ``host_inject=False`` keeps it OpenAPI 3.1
    # (no Swagger 2 ``host`` key added).
    api_doc(
        app,
        config=document,
        host_inject=False,
        url_prefix="/api-docs",
        title="FairArena API",
    )

    async def lifecycle(_app: web.Application) -> Any:
        await runtime.start(container)
        yield
        await runtime.stop(container)

    app.cleanup_ctx.append(lifecycle)
    return app
