"""LOG_FLUSH_SECONDS: the access log reaches stdout in blocks, at least every interval."""

from __future__ import annotations

import io
import time

from entrypoints.observability import DeferredFlush


def test_lines_are_flushed_by_the_interval_not_by_each_line() -> None:
    sink = io.BytesIO()
    buffered = io.BufferedWriter(sink, buffer_size=8192)  # type: ignore[arg-type]
    stream = DeferredFlush(buffered, 0.05)
    stream.write(b'{"event":"http.request"}\n')
    stream.flush()  # what structlog calls after every line: deferred
    assert sink.getvalue() == b""
    deadline = time.monotonic() + 2
    while sink.getvalue() == b"" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sink.getvalue() == b'{"event":"http.request"}\n'


def test_a_full_buffer_is_written_at_once() -> None:
    sink = io.BytesIO()
    buffered = io.BufferedWriter(sink, buffer_size=64)  # type: ignore[arg-type]
    stream = DeferredFlush(buffered, 3600)
    for _ in range(10):
        stream.write(b"x" * 20 + b"\n")
    assert len(sink.getvalue()) >= 64
