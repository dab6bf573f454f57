"""The aiohttp application, built from the container."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
from aiohttp import web
from swagger_ui import api_doc

from entrypoints import runtime
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.containers.root import provided_types, route_modules
from entrypoints.http.client_address import TrustedProxies
from entrypoints.http.guards import Authenticator, RateLimits, limiter_storage
from entrypoints.http.middleware import (
    AccessLog,
    apply_cors,
    cors,
    lift_deadline_for_streams,
    maintenance,
    observe,
    read_your_writes,
    request_timeout,
)
from entrypoints.http.openapi import build_openapi
from entrypoints.http.request_state import CONTAINER, MAX_BODY
from entrypoints.http.routes import realtime
from entrypoints.http.routes.system import OPENAPI
from entrypoints.http.routing import RouteSpec, build_handler
from entrypoints.jobs.relay_loop import start_in_process_jobs

API_VERSION = "1.0.0"


def all_specs() -> list[RouteSpec]:
    """Every route, in registration order: each context's route modules."""
    return [spec for _context, routes in route_modules() for spec in routes.specs]


def create_app(container: Container) -> web.Application:
    settings: Settings = container.config()
    app = web.Application(
        middlewares=[
            observe(
                TrustedProxies.from_settings(settings.trusted_proxies),
                AccessLog(settings.access_log_sample_rate, settings.access_log_slow_ms / 1000),
            ),
            cors(settings.cors_origins),
            maintenance(settings.maintenance_mode),
            request_timeout(settings.request_timeout_seconds),
            *read_your_writes(container.infrastructure.recent_writers()),
        ],
        client_max_size=settings.max_body_bytes,
    )
    app.on_response_prepare.append(lift_deadline_for_streams)
    app.on_response_prepare.append(apply_cors)
    app[CONTAINER] = container
    app[MAX_BODY] = settings.max_body_bytes
    authenticate = Authenticator(
        container.infrastructure.token_verifier(), container.identity.resolve_principal()
    )
    limits = RateLimits(
        limiter_storage(settings.redis_url),
        settings.rate_limit_default,
        lease_fraction=settings.rate_limit_lease_fraction if settings.redis_url else 0.0,
    )
    realtime.install(app)  # open SSE/WebSocket connections end at shutdown
    specs: list[RouteSpec] = []
    # A handler's parameters are resolved once, here, by type (ADR 0011): a missing or
    # ambiguous one stops the start.
    provided = provided_types(container)
    for context, routes in route_modules():
        for spec in routes.specs:
            runs = provided.resolve(context, spec)
            handler = build_handler(
                spec, runs, authenticate, limits, validate_responses=settings.validate_responses
            )
            app.router.add_route(spec.method, spec.path, handler)
            specs.append(spec)
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

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        stop = await runtime.start(container, jobs=start_in_process_jobs)
        yield
        await stop()

    app.cleanup_ctx.append(lifecycle)
    return app
