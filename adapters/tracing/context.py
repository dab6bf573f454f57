"""W3C ``traceparent`` carried by outbox rows and job messages.

A use case's outbox row stores the ``traceparent`` of the span that wrote it (the request's);
the job that runs the message opens its span as a child of it, so a request and the jobs it
caused share one trace. With no tracer provider configured the current span is invalid:
nothing is stored and the job span is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_PROPAGATOR = TraceContextTextMapPropagator()
_TRACER = trace.get_tracer("fairarena.jobs")
#: The carrier key of W3C Trace Context.
TRACEPARENT = "traceparent"


def current_traceparent() -> str | None:
    """The current span's ``traceparent``, or None when nothing is being traced."""
    if not trace.get_current_span().get_span_context().is_valid:
        return None  # the cheap path: tracing off, or outside any span
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get(TRACEPARENT)


@contextmanager
def job_span(topic: str, message_id: str, traceparent: str | None) -> Iterator[None]:
    """A CONSUMER span for one run of an outbox message, child of the trace that stored it."""
    parent = _PROPAGATOR.extract({TRACEPARENT: traceparent}) if traceparent else None
    with _TRACER.start_as_current_span(
        f"outbox {topic}",
        context=parent,
        kind=trace.SpanKind.CONSUMER,
        attributes={
            "messaging.system": "dramatiq",
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.message.id": message_id,
        },
    ):
        yield
