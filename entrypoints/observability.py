"""Structured JSON logs (structlog) and Prometheus metrics with the seed's names."""

from __future__ import annotations

import atexit
import contextlib
import logging
import sys
import threading
import time
from typing import BinaryIO, cast

import orjson
import structlog
from opentelemetry import trace
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from structlog.typing import EventDict, Processor

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Request latency",
    ["method", "route", "status"],
    registry=REGISTRY,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
HTTP_TOTAL = Counter(
    "http_requests_total", "Total requests", ["method", "route", "status"], registry=REGISTRY
)
DB_POOL_ACTIVE = Gauge(
    "db_pool_connections_active", "Database connections checked out", registry=REGISTRY
)
DB_POOL_SIZE = Gauge("db_pool_connections_total", "Database connections open", registry=REGISTRY)
JOBS_TOTAL = Counter("jobs_total", "Job executions", ["actor", "status"], registry=REGISTRY)
RATE_LIMIT_DEGRADED = Counter(
    "ratelimit_degraded_total",
    "Rate-limit decisions counted in this process only, the shared store (Redis) being down",
    registry=REGISTRY,
)
REPLICA_LAG = Gauge(
    "db_replica_lag_seconds",
    "How far each read replica is behind the primary (+Inf: down or not measured)",
    ["replica"],
    registry=REGISTRY,
)
REALTIME_DELIVERY = Histogram(
    "realtime_delivery_seconds",
    "From an event's publication (its publisher's clock) to its write on a realtime connection",
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
OUTBOX_LAG = Gauge(
    "outbox_lag_seconds", "Age of the oldest undispatched outbox message", registry=REGISTRY
)


class RouteMetrics:
    """``http_request_duration_seconds`` and ``http_requests_total`` for one request, with the
    labelled children looked up once per (method, route, status) instead of on every request
    (``labels`` validates and locks each time). Routes are templates, so the set is small."""

    MAX_CACHED = 4096

    def __init__(self, duration: Histogram, total: Counter) -> None:
        self._duration = duration
        self._total = total
        self._children: dict[tuple[str, str, int], tuple[Histogram, Counter]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            labels = (method, route, str(status))
            children = self._duration.labels(*labels), self._total.labels(*labels)
            if len(self._children) < self.MAX_CACHED:  # methods are client-chosen text
                self._children[key] = children
        children[0].observe(seconds)
        children[1].inc()


class _JsonLines(logging.StreamHandler):  # type: ignore[type-arg]
    """The stdlib handler configure_logging installs (found again, and replaced, by type)."""


def _orjson_text(value: object, **_kw: object) -> str:
    return orjson.dumps(value, default=str).decode()


def add_trace_ids(_logger: object, _name: str, event: EventDict) -> EventDict:
    """``trace_id``/``span_id`` of the current span on every line, when one is being traced."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event


class _Stdout:
    """``sys.stdout.buffer`` as it is at each write, not at configuration: a logger cached while
    stdout was swapped (a test capturing output) keeps writing to the real stdout afterwards."""

    def write(self, data: bytes) -> int:
        return sys.stdout.buffer.write(data)

    def flush(self) -> None:
        sys.stdout.buffer.flush()


class DeferredFlush:
    """A binary stream for structlog whose per-line ``flush`` is deferred (``LOG_FLUSH_SECONDS``):
    lines reach the OS when the buffer fills, every ``seconds`` (a daemon thread) and at exit —
    one ``write`` per buffer instead of one per access-log line. What a hard kill (SIGKILL,
    OOM) can lose is the last ``seconds``' lines; an orderly stop flushes everything."""

    def __init__(self, stream: BinaryIO, seconds: float) -> None:
        self._stream = stream
        self._seconds = seconds
        self.write = stream.write
        atexit.register(self._flush_quietly)
        threading.Thread(target=self._flush_every, name="log-flush", daemon=True).start()

    def flush(self) -> None:
        """Deferred: see the class docstring."""

    def _flush_every(self) -> None:
        while True:
            time.sleep(self._seconds)
            self._flush_quietly()

    def _flush_quietly(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # stdout closed: nothing left to tell
            self._stream.flush()


def configure_logging(level: str = "INFO", flush_seconds: float = 0.0) -> None:
    """JSON lines on stdout for everything: structlog events and stdlib records alike (Dramatiq's
    start-up and shutdown lines, aiohttp, SQLAlchemy, our ``logging.getLogger`` modules).
    ``flush_seconds`` > 0: structlog's lines (the access log) are flushed at most that often
    (``DeferredFlush``); 0: after every line."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    stamped: list[Processor] = [
        structlog.contextvars.merge_contextvars,  # request_id (bound by the observe middleware)
        add_trace_ids,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    handler = _JsonLines(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*stamped, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(serializer=_orjson_text),
            ],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _JsonLines)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    structlog.configure(
        processors=[
            *stamped,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(serializer=orjson.dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.BytesLoggerFactory(
            cast("BinaryIO", DeferredFlush(cast("BinaryIO", _Stdout()), flush_seconds))
            if flush_seconds > 0
            else cast("BinaryIO", _Stdout())
        ),
        cache_logger_on_first_use=True,
    )
