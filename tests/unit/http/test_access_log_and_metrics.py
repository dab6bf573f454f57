"""The access log's sampling (ACCESS_LOG_SAMPLE_RATE) never drops an error or a slow request,
and the per-route metric children count exactly what ``labels`` would."""

from __future__ import annotations

import uuid

from prometheus_client import CollectorRegistry, Counter, Histogram

from entrypoints.http.middleware import AccessLog, new_request_id
from entrypoints.observability import RouteMetrics


def test_every_request_is_logged_by_default() -> None:
    log = AccessLog()
    assert all(log.wanted(status, 0.001) for status in (200, 201, 304, 404, 500))


def test_sampling_keeps_errors_and_slow_requests() -> None:
    never = AccessLog(sample_rate=0.0, slow_seconds=0.5)
    assert not never.wanted(200, 0.01)
    assert never.wanted(400, 0.01)
    assert never.wanted(429, 0.01)
    assert never.wanted(500, 0.01)
    assert never.wanted(200, 0.5)


def test_a_sample_rate_logs_that_share_of_the_rest() -> None:
    draws = iter([0.05, 0.5, 0.09, 0.99])
    tenth = AccessLog(sample_rate=0.1, draw=lambda: next(draws))
    assert [tenth.wanted(200, 0.001) for _ in range(4)] == [True, False, True, False]


def test_route_metrics_count_like_labels() -> None:
    registry = CollectorRegistry()
    duration = Histogram("d", "d", ["method", "route", "status"], registry=registry)
    total = Counter("t", "t", ["method", "route", "status"], registry=registry)
    metrics = RouteMetrics(duration, total)
    for _ in range(3):
        metrics.observe("GET", "/api/v1/profile", 200, 0.002)
    metrics.observe("GET", "/api/v1/profile", 404, 0.002)
    labels = {"method": "GET", "route": "/api/v1/profile", "status": "200"}
    assert registry.get_sample_value("t_total", labels) == 3
    assert registry.get_sample_value("d_count", labels) == 3
    assert registry.get_sample_value("t_total", {**labels, "status": "404"}) == 1


def test_route_metrics_stay_bounded() -> None:
    registry = CollectorRegistry()
    duration = Histogram("d", "d", ["method", "route", "status"], registry=registry)
    total = Counter("t", "t", ["method", "route", "status"], registry=registry)
    metrics = RouteMetrics(duration, total)
    metrics.MAX_CACHED = 5
    for n in range(20):
        metrics.observe(f"M{n}", "unmatched", 405, 0.001)
    assert len(metrics._children) == 5
    assert (
        registry.get_sample_value(
            "t_total", {"method": "M19", "route": "unmatched", "status": "405"}
        )
        == 1
    )


def test_new_request_ids_are_uuid4_hex() -> None:
    ids = {new_request_id() for _ in range(200)}
    assert len(ids) == 200
    for rid in ids:
        parsed = uuid.UUID(hex=rid)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and parsed.hex == rid
