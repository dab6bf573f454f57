"""Spans for the statements sent straight to asyncpg (ADR 0095): the spend/transfer fast path and
the access chain and visible-children reads, which SQLAlchemy's instrumentation never sees.

``traced(driver, target)`` is called where such a driver (an asyncpg pool or connection) is about
to run statements. Tracing off (the default), it returns the driver itself: no wrapper, no span,
one flag read. ``install()`` (at process start, by ``entrypoints.tracing``) makes it return a
wrapper whose ``fetch``/``fetchval`` each open one CLIENT span with the database semantic
conventions (``db.system.name``, ``db.namespace``, ``db.operation.name``, ``db.query.text``,
``server.address``/``server.port``; ``db.system`` too, as the SQLAlchemy spans of the same trace
carry it). Parameters are never recorded.

Not the official asyncpg instrumentation: it patches asyncpg's classes, prepared statements
included, so every SQLAlchemy statement would get a second span.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy.engine import URL

_TRACER = trace.get_tracer("fairarena.sql.raw")
_installed = False


class Statements(Protocol):
    """What the fast paths call on an asyncpg pool or connection."""

    async def fetch(self, query: str, *args: Any) -> Any: ...

    async def fetchval(self, query: str, *args: Any) -> Any: ...


@dataclass(frozen=True)
class SqlTarget:
    """Where the statements go, as span attributes (computed once per pool or reader)."""

    attributes: Mapping[str, str | int]

    @classmethod
    def of(cls, url: URL) -> SqlTarget:
        attributes: dict[str, str | int] = {
            "db.system": "postgresql",
            "db.system.name": "postgresql",
        }
        if url.database:
            attributes["db.namespace"] = url.database
        if url.host:
            attributes["server.address"] = url.host
        attributes["server.port"] = url.port or 5432
        return cls(attributes)


def install() -> None:
    global _installed
    _installed = True


def uninstall() -> None:
    global _installed
    _installed = False


def traced(driver: Statements, target: SqlTarget, summary: str) -> Statements:
    """``driver`` itself when tracing is off; else the same calls, each in a span named
    ``summary`` (``db.query.summary``: what the statement is for, e.g. ``credits spend``)."""
    if not _installed:
        return driver
    return _Traced(driver, target, summary)


def _operation(query: str) -> str:
    words = query.split(None, 1)
    return words[0].upper() if words else ""


class _Traced:
    def __init__(self, driver: Statements, target: SqlTarget, summary: str) -> None:
        self._driver = driver
        self._target = target
        self._summary = summary

    async def fetch(self, query: str, *args: Any) -> Any:
        with self._span(query):
            return await self._driver.fetch(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        with self._span(query):
            return await self._driver.fetchval(query, *args)

    @contextmanager
    def _span(self, query: str) -> Iterator[None]:
        attributes = {
            **self._target.attributes,
            "db.operation.name": _operation(query),
            "db.query.summary": self._summary,
            "db.query.text": query,
            "db.statement": query,
        }
        # An exception is recorded on the span, which gets an ERROR status.
        with _TRACER.start_as_current_span(
            self._summary, kind=SpanKind.CLIENT, attributes=attributes
        ) as span:
            try:
                yield
            except Exception as exc:
                span.set_attribute("error.type", type(exc).__qualname__)
                raise
