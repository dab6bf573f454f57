"""The objects built at start-up leave the garbage collector's passes (issue 13): after the
start-up hook they sit in the permanent generation, and garbage made later is still collected."""

from __future__ import annotations

import gc
import weakref

from aiohttp import web

from entrypoints.http.heap import freeze_startup_heap


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


async def test_the_startup_heap_is_frozen_and_later_cycles_are_still_collected() -> None:
    kept = Node()
    try:
        await freeze_startup_heap(web.Application())
        assert gc.get_freeze_count() > 0
        assert all(o is not kept for o in gc.get_objects())  # frozen: no longer tracked by a pass
        later = Node()
        gone = weakref.ref(later)
        del later
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
