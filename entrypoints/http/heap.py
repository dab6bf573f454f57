"""What the process built at start-up is kept out of the garbage collector's passes.

A started API process holds ~200k objects the cyclic collector tracks (modules, classes, the
container, SQLAlchemy and pydantic metadata, routes) that live as long as the process. Every
full (generation 2) collection walked all of them — ~150 ms on the benchmark machine, several
times a minute under load, a share of every request's CPU (issue 13, docs/performance.md).
``gc.freeze()`` moves them to the permanent generation once the app has started: the collector
still runs (and still frees cycles among the objects made later), it no longer re-scans the
start-up heap. In forked workers it also keeps the collector from writing to the shared pages.

The youngest generation's threshold (``GC_GEN0_THRESHOLD``, ADR 0126) is raised from Python's 700
at the same moment. Requests free what they allocate by reference counting, so the collector is
triggered only by the objects of the requests in flight: 64 concurrent spends hold several
thousand, which crossed 700 again and again, and each pass then walked them (34-48 µs of CPU
a spend at 64 connections, a tenth of it; 15 µs at 16). Above the in-flight working set the
passes stop, and real cyclic garbage still triggers one within that many objects.
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable

from aiohttp import web


def freeze_startup_heap(gen0_threshold: int) -> Callable[[web.Application], Awaitable[None]]:
    """The ``on_startup`` hook, added last (the container and its pools are built by then):
    freeze what start-up built, then collect young objects past ``gen0_threshold``."""

    async def freeze(_app: web.Application) -> None:
        gc.collect()
        gc.freeze()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(gen0_threshold, older, oldest)

    return freeze
