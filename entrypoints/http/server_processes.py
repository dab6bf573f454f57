"""``fairarena serve --workers N``: N API processes sharing one port (SO_REUSEPORT).

The kernel spreads new connections over the processes, so the API can use every core (one
asyncio process uses one). Each child builds its own container (engine pool, Redis clients),
so shared state must live in PostgreSQL/Redis: the CLI refuses N > 1 without ``REDIS_URL``.
The parent only supervises: it forwards SIGTERM/SIGINT and, if a child dies, stops the others
and exits non-zero so the process supervisor restarts the whole set. See
docs/decisions/0090-serve-workers-share-one-port.md.

A child never outlives the parent (ADR 0063): it drops the parent's signal handlers it inherited
through ``fork`` (a SIGTERM before its app is up stops it, instead of setting a flag in its copy
of the parent's loop), and asks the kernel for SIGTERM when the parent dies
(``prctl(PR_SET_PDEATHSIG)`` on Linux; elsewhere a thread that watches ``getppid``), so a
parent killed with SIGKILL or by the OOM killer leaves no orphan serving the port.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from types import FrameType

STOP_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def run_processes(serve: Callable[[], None], count: int) -> int:
    """Run ``serve`` in ``count`` forked children until a signal or a child's exit."""
    context = multiprocessing.get_context("fork")  # children inherit the parsed settings
    parent = os.getpid()
    children: list[BaseProcess] = [
        context.Process(
            target=_child, args=(serve, parent), name=f"fairarena-api-{n}", daemon=False
        )
        for n in range(count)
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
        # A child that had to be killed after the timeout is a failure too (one stopped by the
        # SIGTERM itself, before its app was up, had nothing to finish).
        clean = (0, -signal.SIGTERM)
        return 1 if failed or any(child.exitcode not in clean for child in children) else 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _child(serve: Callable[[], None], parent: int) -> None:
    """A forked child: the default signal handling back, then bound to the parent's life."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    exit_with_parent(parent)
    serve()


def exit_with_parent(parent: int) -> None:
    """SIGTERM to this process when ``parent`` dies (aiohttp then stops gracefully)."""
    if sys.platform == "linux" and _parent_death_signal(signal.SIGTERM):
        if os.getppid() != parent:  # the parent died before the request took effect
            os.kill(os.getpid(), signal.SIGTERM)
        return
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _parent_death_signal(signum: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:  # an orphan is re-parented (to init or a subreaper)
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


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
