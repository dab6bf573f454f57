"""``fairarena serve --workers N``: N API processes sharing one port (SO_REUSEPORT).

The kernel spreads new connections over the processes, so the API can use every core (one
asyncio process uses one). Each child builds its own container (engine pool, Redis clients),
so shared state must live in PostgreSQL/Redis: the CLI refuses N > 1 without ``REDIS_URL``.
The parent only supervises: it forwards SIGTERM/SIGINT and, if a child dies, stops the others
and exits non-zero so the process supervisor restarts the whole set. See
docs/decisions/0090-serve-workers-share-one-port.md.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from types import FrameType

STOP_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.5


def run_processes(serve: Callable[[], None], count: int) -> int:
    """Run ``serve`` in ``count`` forked children until a signal or a child's exit."""
    context = multiprocessing.get_context("fork")  # children inherit the parsed settings
    children: list[BaseProcess] = [
        context.Process(target=serve, name=f"fairarena-api-{n}", daemon=False) for n in range(count)
    ]
    stopping = False

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for child in children:
            child.start()
        while not stopping and all(child.is_alive() for child in children):
            time.sleep(POLL_SECONDS)
        failed = not stopping
        _stop(children)
        return 1 if failed else 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop(children: list[BaseProcess]) -> None:
    for child in children:
        if child.is_alive():
            child.terminate()  # SIGTERM: aiohttp finishes in-flight requests and runs cleanup
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            print(f"{child.name} did not stop in time; killing it", file=sys.stderr)
            child.kill()
            child.join()
