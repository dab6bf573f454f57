"""Structured JSON logs (structlog) and Prometheus metrics with the seed's names."""

from __future__ import annotations

import logging
import sys

import orjson
import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
OUTBOX_LAG = Gauge(
    "outbox_lag_seconds", "Age of the oldest undispatched outbox message", registry=REGISTRY
)


def configure_logging(level: str = "INFO") -> None:
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    logging.basicConfig(level=numeric, stream=sys.stdout, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(serializer=orjson.dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.BytesLoggerFactory(sys.stdout.buffer),
        cache_logger_on_first_use=True,
    )
