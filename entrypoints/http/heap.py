"""What the process built at start-up is kept out of the garbage collector's passes.

A started API process holds ~200k objects the cyclic collector tracks (modules, classes, the
container, SQLAlchemy and pydantic metadata, routes) that live as long as the process. Every
full (generation 2) collection walked all of them — ~150 ms on the benchmark machine, several
times a minute under load, a share of every request's CPU (issue 13, docs/performance.md).
``gc.freeze()`` moves them to the permanent generation once the app has started: the collector
still runs (and still frees cycles among the objects made later), it no longer re-scans the
start-up heap. In forked workers it also keeps the collector from writing to the shared pages.
"""

from __future__ import annotations

import gc

from aiohttp import web


async def freeze_startup_heap(_app: web.Application) -> None:
    """``on_startup`` hook, added last: the container and its pools are built by then."""
    gc.collect()
    gc.freeze()
