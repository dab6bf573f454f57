"""OpenTelemetry tracing (ADR 0093): on when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, else off.

On: a tracer provider exporting OTLP/HTTP, and the official instrumentations for what this
service talks to — incoming HTTP (aiohttp server middleware), SQLAlchemy, Redis, outgoing
aiohttp (Razorpay, Resend, Clerk, Twilio) and httpx (google-genai); the statements sent straight
to asyncpg get theirs from ``adapters/tracing/raw_sql``. Jobs get their span from
``adapters/tracing/context.job_span`` and continue the trace stored with their outbox row.

Off: nothing is installed — no middleware, no patched class — so the request path costs
nothing (the OpenTelemetry API's no-op tracer answers the few calls that remain).
"""

from __future__ import annotations

import logging
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

from adapters.tracing import raw_sql
from entrypoints.config import Settings

log = logging.getLogger(__name__)

_provider: TracerProvider | None = None


def tracing_enabled() -> bool:
    return _provider is not None


def configure_tracing(
    settings: Settings, *, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """Install tracing for this process once; ``exporter`` (tests: an in-memory one) replaces
    OTLP and turns tracing on without an endpoint. Returns the provider, or None when off."""
    global _provider
    if _provider is not None:
        return _provider
    if exporter is None and not settings.otel_exporter_otlp_endpoint:
        return None
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.otel_service_name})
    )
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = f"{settings.otel_exporter_otlp_endpoint.rstrip('/')}/v1/traces"  # type: ignore[union-attr]
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    _instrument_clients()
    raw_sql.install()  # the statements sent straight to asyncpg (ADR 0095)
    _provider = provider
    log.info("tracing on (service %s)", settings.otel_service_name)
    return provider


def _instrumentors() -> list[Any]:
    """SQLAlchemy, Redis, outgoing aiohttp and httpx (each a process-wide singleton)."""
    from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
    from opentelemetry.instrumentation.aiohttp_server import AioHttpServerInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    return [
        AioHttpServerInstrumentor(),  # applications created afterwards get the span middleware
        SQLAlchemyInstrumentor(),
        RedisInstrumentor(),
        AioHttpClientInstrumentor(),
        HTTPXClientInstrumentor(),
    ]


def _instrument_clients() -> None:
    # Engines, sessions and clients built after this point are traced (containers build them
    # when they start, after configure_tracing).
    for instrumentor in _instrumentors():
        # SQLAlchemy's instrumentation declares < 2.1 but its engine events are unchanged in
        # 2.1 (tests/e2e/tracing checks the spans).
        instrumentor.instrument(skip_dep_check=True)


def disable_tracing() -> None:
    """Undo the instrumentation (tests). The global provider stays: OpenTelemetry sets it once."""
    global _provider
    if _provider is None:
        return
    for instrumentor in _instrumentors():
        instrumentor.uninstrument()
    raw_sql.uninstall()
    _provider = None
