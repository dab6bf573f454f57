"""The statements sent straight to asyncpg are traced (ADR 0095): the spend fast path, the scope
chain and the visible-children page, each a CLIENT span with the database conventions in the
request's trace, captured by the SDK's in-memory exporter through the real app on PostgreSQL.
Tracing off, the driver is handed back unwrapped."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.repositories.credits.fast_path import SPEND_SQL
from adapters.tracing.raw_sql import SqlTarget, traced
from tests.conftest import bearer
from tests.e2e.payments.conftest import Shop
from tests.e2e.tracing.test_traces import shop, tracing

__all__ = ["shop", "tracing"]  # fixtures shared with test_traces.py

JSON = {"Content-Type": "application/json"}


def request_span(spans: tuple[ReadableSpan, ...], method: str, route: str) -> ReadableSpan:
    [server] = [
        s
        for s in spans
        if s.kind is SpanKind.SERVER
        and s.attributes is not None
        and s.attributes.get("http.route") == route
        and s.attributes.get("http.method", s.attributes.get("http.request.method")) == method
    ]
    return server


def raw_spans(spans: tuple[ReadableSpan, ...], server: ReadableSpan, name: str) -> list[Any]:
    assert server.context is not None
    return [
        s
        for s in spans
        if s.name == name
        and s.context is not None
        and s.context.trace_id == server.context.trace_id
    ]


def assert_database_conventions(span: ReadableSpan, pg_url: str) -> None:
    url = make_url(pg_url)
    attributes = dict(span.attributes or {})
    assert span.kind is SpanKind.CLIENT
    assert attributes["db.system.name"] == attributes["db.system"] == "postgresql"
    assert attributes["db.namespace"] == url.database
    assert attributes["server.address"] == url.host
    assert attributes["server.port"] == (url.port or 5432)
    assert attributes["db.query.text"] == attributes["db.statement"]
    assert attributes["db.operation.name"] in ("SELECT", "WITH")
    assert span.status.status_code is not StatusCode.ERROR


async def test_spend_chain_and_children_reads_are_spans_of_their_request(
    shop: Shop, tracing: InMemorySpanExporter, token: Any, pg_url: str
) -> None:
    client = shop.client
    user, admin = token(), token(admin=True)
    profile = await (await client.get("/api/v1/profile", headers=bearer(user))).json()
    granted = await client.post(
        "/api/v1/admin/credits/grant",
        headers={**bearer(admin), **JSON},
        json={"userId": profile["data"]["userId"], "amount": 500, "type": "BONUS",
              "reason": "tracing"},
    )  # fmt: skip
    assert granted.status == 201, await granted.text()
    org = await client.post(
        "/api/v1/organization", json={"name": "Traced", "slug": "traced"}, headers=bearer(user)
    )
    assert org.status == 201, await org.text()
    org_id = (await org.json())["data"]["id"]
    tracing.clear()

    key = "spend-traced-key-0001"
    spent = await client.post(
        "/api/v1/credits/spend",
        headers={**bearer(user), **JSON, "Idempotency-Key": key},
        json={"amount": 7, "purpose": "x"},
    )
    assert spent.status in (200, 201), await spent.text()
    assert (await client.get(f"/api/v1/organization/{org_id}", headers=bearer(user))).status == 200
    teams = await client.get(f"/api/v1/organization/{org_id}/teams", headers=bearer(user))
    assert teams.status == 200, await teams.text()

    spans = tracing.get_finished_spans()
    server = request_span(spans, "POST", "/api/v1/credits/spend")
    [spend] = raw_spans(spans, server, "credits spend")
    assert_database_conventions(spend, pg_url)
    assert spend.attributes is not None and spend.attributes["db.query.text"] == SPEND_SQL
    assert key not in str(spend.attributes)  # parameters are never recorded
    assert spend.parent is not None  # inside the request, not a trace of its own

    chain_server = request_span(spans, "GET", "/api/v1/organization/{orgId}")
    [chain] = raw_spans(spans, chain_server, "access scope chain")
    assert_database_conventions(chain, pg_url)

    teams_server = request_span(spans, "GET", "/api/v1/organization/{orgId}/teams")
    children = raw_spans(spans, teams_server, "access visible teams")
    assert children, [s.name for s in spans]
    for span in children:
        assert_database_conventions(span, pg_url)


async def test_a_failing_statement_marks_its_span(
    tracing: InMemorySpanExporter, pg_url: str
) -> None:
    url = make_url(pg_url)
    conn = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    try:
        driver = traced(conn, SqlTarget.of(url), "access scope chain")
        with pytest.raises(asyncpg.UndefinedTableError):
            await driver.fetch("SELECT * FROM no_such_table WHERE id = $1", "x")
    finally:
        await conn.close()
    [span] = tracing.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == "UndefinedTableError"
    assert [e.name for e in span.events] == ["exception"]


def test_tracing_off_hands_the_driver_back_unwrapped(pg_url: str) -> None:
    driver = object()
    assert traced(driver, SqlTarget.of(make_url(pg_url)), "credits spend") is driver  # type: ignore[arg-type]
