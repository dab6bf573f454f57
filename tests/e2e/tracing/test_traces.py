"""OpenTelemetry through the real app, captured by the SDK's in-memory exporter (ADR 0093):
one trace from the incoming request through SQL, Redis, outgoing HTTP, its outbox row and the
job that runs it; trace ids in log lines; nothing installed when tracing is off."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from aiohttp import web
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import CollectorRegistry

from adapters.dramatiq.actors import declare_outbox_actor
from adapters.dramatiq.broker import build_broker
from adapters.dramatiq.in_process import InProcessWorker
from adapters.dramatiq.metrics import jobs_total
from adapters.dramatiq.publisher import DramatiqPublisher
from adapters.tracing.context import current_traceparent
from entrypoints.config import Settings
from entrypoints.observability import add_trace_ids
from entrypoints.tracing import configure_tracing, disable_tracing
from tests.e2e.payments.conftest import Shop, _shop
from tests.integration.jobs.waiting import wait_until

EXPORTER = InMemorySpanExporter()
ORIGINAL_APPLICATION = web.Application


@pytest.fixture
def tracing(test_settings: Callable[..., Settings]) -> Iterator[InMemorySpanExporter]:
    assert configure_tracing(test_settings(), exporter=EXPORTER) is not None
    EXPORTER.clear()
    try:
        yield EXPORTER
    finally:
        disable_tracing()
        EXPORTER.clear()


@pytest.fixture
async def shop(
    tracing: InMemorySpanExporter,
    test_settings: Callable[..., Settings],
    pg_url: str,
    redis_url: str,
) -> AsyncIterator[Shop]:
    async for value in _shop(test_settings, pg_url, redis_url=redis_url):
        yield value


def in_trace(spans: tuple[ReadableSpan, ...], trace_id: int) -> list[ReadableSpan]:
    return [s for s in spans if s.context is not None and s.context.trace_id == trace_id]


async def test_a_request_its_sql_redis_outgoing_http_and_its_jobs_share_one_trace(
    shop: Shop, tracing: InMemorySpanExporter, token: Any
) -> None:
    owner = token()  # a fresh user (the principal cache in the shared Redis outlives databases)
    order = await shop.buy(owner)  # first sign-in (outbox rows) + an order at Razorpay
    assert order["orderId"]
    spans = tracing.get_finished_spans()
    [server] = [
        s
        for s in spans
        if s.kind is SpanKind.SERVER
        and "create-order" in str(s.attributes.get("http.route", s.name))
    ]
    assert server.context is not None
    trace_id = server.context.trace_id
    mine = in_trace(spans, trace_id)
    systems = {
        str(s.attributes.get("db.system") or s.attributes.get("db.system.name")) for s in mine
    }
    assert "postgresql" in systems, systems  # SQLAlchemy
    assert "redis" in systems, systems  # the principal cache
    outgoing = [
        s
        for s in mine
        if s.kind is SpanKind.CLIENT and "http" in s.name.lower() + str(s.attributes)
    ]
    assert any(shop.razorpay.base_url.split("//")[1] in str(s.attributes) for s in outgoing), [
        s.attributes for s in outgoing
    ]  # aiohttp client to Razorpay

    # The outbox rows written by that request carry its trace ...
    async with shop.container.infrastructure.uow()() as uow:
        rows = (await uow.connection.execute(sa.text("SELECT id, traceparent FROM outbox"))).all()
    assert rows and all(r.traceparent for r in rows)
    request_rows = [r for r in rows if r.traceparent.split("-")[1] == format(trace_id, "032x")]
    assert request_rows, rows

    # ... and the job that runs one continues it, through a broker, on the worker's loop.
    async with shop.container.infrastructure.uow()() as uow:
        pending = await uow.outbox.claim_pending(100, shop.container.core.clock().now())
    seen: list[tuple[int, int]] = []

    async def runner(message_id: str, topic: str, payload: Any) -> None:
        context = trace.get_current_span().get_span_context()
        seen.append((context.trace_id, context.span_id))

    broker = build_broker(None, counter=jobs_total(CollectorRegistry()))
    actor = declare_outbox_actor(broker, runner)
    worker = InProcessWorker(broker)
    worker.start()
    try:
        await DramatiqPublisher(actor).publish(pending)
        await asyncio.to_thread(wait_until, lambda: len(seen) == len(pending), timeout=60)
    finally:
        worker.stop()
    by_id = {r.id: r.traceparent for r in rows}
    job_spans = [s for s in tracing.get_finished_spans() if s.name.startswith("outbox ")]
    assert len(job_spans) == len(pending)
    for span in job_spans:
        assert span.kind is SpanKind.CONSUMER and span.parent is not None
        message_id = str(span.attributes["messaging.message.id"])
        assert span.context is not None
        assert by_id[message_id].split("-")[1] == format(span.context.trace_id, "032x")
        assert by_id[message_id].split("-")[2] == format(span.parent.span_id, "016x")
    assert {trace_id for trace_id, _ in seen} >= {trace_id}


async def test_httpx_calls_and_log_lines_carry_the_trace(tracing: InMemorySpanExporter) -> None:
    """google-genai talks httpx; every log line inside a span names the trace."""
    from aiohttp.test_utils import TestServer

    app = web.Application()
    app.router.add_get("/", lambda _: web.Response(text="ok"))
    async with TestServer(app) as server:
        with trace.get_tracer("test").start_as_current_span("outer") as outer:
            async with httpx.AsyncClient() as client:
                assert (await client.get(str(server.make_url("/")))).status_code == 200
            line = add_trace_ids(None, "info", {"event": "x"})
    trace_id = format(outer.get_span_context().trace_id, "032x")
    assert line["trace_id"] == trace_id
    [call] = [s for s in tracing.get_finished_spans() if s.kind is SpanKind.CLIENT]
    assert call.parent is not None and call.parent.span_id == outer.get_span_context().span_id


def test_tracing_off_installs_nothing(test_settings: Callable[..., Settings]) -> None:
    assert configure_tracing(test_settings()) is None  # no OTEL_EXPORTER_OTLP_ENDPOINT
    assert web.Application is ORIGINAL_APPLICATION  # no server middleware patched in
    assert current_traceparent() is None
    assert "trace_id" not in add_trace_ids(None, "info", {"event": "x"})


async def test_log_lines_inside_a_request_name_its_request_and_trace(
    tracing: InMemorySpanExporter, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not only ``http.request``: any line logged while serving carries both ids."""
    import orjson
    import structlog
    from aiohttp.test_utils import TestClient, TestServer

    from entrypoints.http.client_address import TrustedProxies
    from entrypoints.http.middleware import observe
    from entrypoints.observability import configure_logging

    configure_logging("INFO")

    async def handler(_request: web.Request) -> web.Response:
        structlog.get_logger("test").info("inside.handler")
        logging.getLogger("test.stdlib").warning("stdlib line")
        return web.Response(text="ok")

    app = web.Application(middlewares=[observe(TrustedProxies.from_settings([]))])
    app.router.add_get("/x", handler)
    async with TestClient(TestServer(app)) as client:
        answer = await client.get("/x", headers={"X-Request-Id": "req-abc-123"})
        assert answer.status == 200
    lines = [orjson.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    inside = [line for line in lines if line.get("event") in ("inside.handler", "stdlib line")]
    assert len(inside) == 2, lines
    [server] = [s for s in tracing.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert server.context is not None
    for line in inside:
        assert line["request_id"] == "req-abc-123"
        assert line["trace_id"] == format(server.context.trace_id, "032x")
