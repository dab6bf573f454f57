"""CPU time of a server process and its children, for the benchmarks' "CPU µs per request".

Throughput on a shared machine measures the contention as much as the code; the CPU a server
spends per request (utime + stime of its processes, from /proc, divided by the requests it
answered in the interval) stays put when the machine is busy. ``fairarena serve --workers N``
forks its workers, so the whole process tree is summed.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with suppress(OSError):
                found += [int(c) for c in (task / "children").read_text().split()]
    return found


def tree_cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and every live descendant, in seconds."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with suppress(OSError, IndexError, ValueError):
            fields = _stat(current)
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
            pending += _children(current)
    return total / TICKS_PER_SECOND


class CpuMeter:
    """``with CpuMeter(pid) as cpu: …``; then ``cpu.per_request_us(requests)``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.seconds = 0.0

    def __enter__(self) -> CpuMeter:
        self._start = tree_cpu_seconds(self.pid)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.seconds = tree_cpu_seconds(self.pid) - self._start

    def per_request_us(self, requests: int) -> float:
        return self.seconds * 1e6 / requests if requests else float("nan")
